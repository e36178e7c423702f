"""What every benchmark needs: a private PostgreSQL database, production-like settings, gunicorn
on a free loopback port, wrk runs bounded in time, CPU and memory readings from /proc, and the
programme data.

Everything a benchmark starts it stops again, also when it fails: the database is dropped, the
servers are sent SIGTERM (then SIGKILL) by the process ids it holds, and the benchmarks' Redis DB
(5, or BENCH_REDIS_URL: the only one they use on the shared server) is flushed.
"""

from .data import programme_create, registrations_create
from .processes import (
    BIN,
    ROOT,
    analyze,
    busy_since,
    children,
    collectstatic,
    cpu_ticks,
    django_setup,
    free_port,
    fresh_database,
    gunicorn,
    log_tail,
    memory_kib,
    migrate,
    others_cores,
    postgres_backends,
    process_cpu_seconds,
    production_env,
    redis_flush,
    started,
    wait_until,
)
from .report import header, save, verdict
from .wrk import wrk_run

__all__ = [
    "BIN",
    "ROOT",
    "analyze",
    "busy_since",
    "children",
    "collectstatic",
    "cpu_ticks",
    "django_setup",
    "free_port",
    "fresh_database",
    "gunicorn",
    "header",
    "log_tail",
    "memory_kib",
    "migrate",
    "others_cores",
    "postgres_backends",
    "process_cpu_seconds",
    "production_env",
    "programme_create",
    "redis_flush",
    "registrations_create",
    "save",
    "started",
    "verdict",
    "wait_until",
    "wrk_run",
]
