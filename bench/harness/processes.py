"""Processes and the machine: production-like settings, a private PostgreSQL database, commands
run in their own process group and stopped by their id, gunicorn on a free loopback port, and
CPU and memory readings from /proc."""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
POSTGRES = "postgres://postgres@127.0.0.1:5432"
# The benchmarks' own Redis DB on the shared server (flushed before and after each run);
# BENCH_REDIS_URL picks another when several people benchmark on the same machine.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(database: str, **extra: str) -> dict[str, str]:
    """The environment of a production-like run: DEBUG off, a real secret key, PostgreSQL and
    the benchmarks' Redis DB. `extra` adds or overrides variables."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alliance.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PASS_SIGNING_KEY": secrets.token_urlsafe(32),  # 32 bytes, base64url
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "REDIS_URL": REDIS_URL,
        "WHITENOISE_USE_FINDERS": "1",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CELERY_BROKER_URL", None)
    env.update(extra)
    return env


def django_setup(env: dict[str, str]) -> None:
    """Configure Django in this process with the benchmark's environment."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def redis_flush() -> None:
    subprocess.run(["redis-cli", "-u", REDIS_URL, "FLUSHDB"], check=True, capture_output=True)


@contextmanager
def fresh_database(name: str):
    """Create an empty database, yield, then drop it (closing this process's connections)."""
    args = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", *args, "--if-exists", "--force", name], check=True)
    subprocess.run(["createdb", *args, name], check=True)
    try:
        yield name
    finally:
        from django.db import connections

        connections.close_all()
        subprocess.run(["dropdb", *args, "--if-exists", "--force", name], check=True)


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def analyze() -> None:
    """Refresh PostgreSQL's statistics after loading the data, as autovacuum soon would in
    production: a freshly filled table is planned as if it were empty."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def collectstatic() -> None:
    """DEBUG=0 uses the manifest storage, whose {% static %} needs staticfiles.json (in
    STATIC_ROOT, ignored by git) as a production deployment has it."""
    from django.core.management import call_command

    call_command("collectstatic", verbosity=0, interactive=False)


def _stop(process: subprocess.Popen, timeout: float = 15) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout)


@contextmanager
def started(args: list[str], env: dict[str, str], log_name: str):
    """Run a command in its own process group; on exit, stop that group (by its id). Output goes
    to a log file, shown if the command dies early."""
    with tempfile.NamedTemporaryFile(
        prefix=f"bench-{log_name}-", suffix=".log", delete=False
    ) as log:
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    process.log_path = log.name
    try:
        yield process
    finally:
        _stop(process)
        Path(log.name).unlink(missing_ok=True)


def wait_until(condition, *, timeout: float, errors: tuple = (), interval: float = 0.1) -> None:
    """Poll `condition` (exceptions in `errors` count as False) until true, or raise."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except errors:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{condition} still false after {timeout} s")
        time.sleep(interval)


def log_tail(path: str, lines: int = 40) -> str:
    return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: str

    def worker_pids(self) -> list[int]:
        return children(self.process.pid)


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(p) for p in text.split()]


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine since boot, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def busy_since(start: tuple[int, int]) -> float:
    """Percent of the machine's CPU time (all cores) that was busy since `start`."""
    busy, total = cpu_ticks()
    return 100.0 * (busy - start[0]) / max(total - start[1], 1)


def others_cores(busy_pct: float, our_cpu_seconds: float, seconds: float) -> float:
    """How many cores' worth of CPU the machine's other processes (other people's work, and
    the shared Redis) used meanwhile: all busy time less ours."""
    return max(busy_pct / 100 * (os.cpu_count() or 1) - our_cpu_seconds / seconds, 0.0)


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used (0 if it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_backends() -> list[int]:
    """The PostgreSQL server processes serving this benchmark's database (not this process's
    own connection): on this machine, so their CPU time is readable in /proc."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (peak resident) of a process, in KiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return {
        key: int(re.search(rf"^{key}:\s+(\d+) kB", status, re.M).group(1))
        for key in ("VmRSS", "VmHWM")
    }


@contextmanager
def gunicorn(env: dict[str, str], *, worker_class: str = "sync", threads: int = 1):
    """gunicorn with 2 workers on a free loopback port, once /healthz answers."""
    port = free_port()
    args = [
        str(BIN / "gunicorn"),
        "alliance.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        "--workers=2",
        f"--worker-class={worker_class}",
        f"--threads={threads}",
        "--log-level=warning",
        "--timeout=60",
    ]
    with started(args, env, "gunicorn") as process:
        server = Server(f"http://127.0.0.1:{port}", process, process.log_path)
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{log_tail(server.log)}")
            try:
                # The URL is our own loopback server's.
                healthz = f"{server.url}/healthz"
                with urllib.request.urlopen(healthz, timeout=2) as response:  # noqa: S310
                    if response.status == 200 and len(server.worker_pids()) == 2:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer:\n{log_tail(server.log)}")
            time.sleep(0.2)
        yield server
