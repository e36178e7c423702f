"""Real components for the background work: an SMTP sink, a private redis-server, and Celery
workers and beats in their own processes.

The workers are other processes with their own database connections, so they see only
committed rows: the tests use `django_db(transaction=True)` on PostgreSQL (with SQLite the test
database is a file the workers could not share safely). On anything else they are skipped with
a reason, except in CI (`CI` set), where that is a misconfiguration and fails them. The shared
Redis of the machine is never touched: each test starts its own redis-server, which it may stop
and start again.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection
from kombu import pools

from tests.smtp_sink import free_port

BASE_DIR = Path(__file__).resolve().parents[2]
# The worker of the virtualenv running the tests, wherever it is.
CELERY = [sys.executable, "-m", "celery"]
REDIS_SERVER = Path("/usr/bin/redis-server")


def wait_for(condition: Callable[[], bool], *, timeout: float, interval: float = 0.2) -> bool:
    """Poll `condition` until it holds or `timeout` seconds have passed; return the last value."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)


@pytest.fixture(autouse=True)
def _real_components():
    missing = []
    if connection.vendor != "postgresql":
        missing.append(
            f"PostgreSQL (the database is {connection.vendor}: set DATABASE_URL=postgres://…)"
        )
    if not REDIS_SERVER.exists():
        missing.append(f"{REDIS_SERVER} (Debian package redis-server)")
    if not missing:
        return
    reason = "integration tests need " + " and ".join(missing)
    if os.environ.get("CI"):
        pytest.fail(f"CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _eager_tasks():
    """Replaces the unit tests' eager tasks: here tasks go through a real broker (`broker`)."""


# --- Redis --------------------------------------------------------------------------------------


class RedisServer:
    """A redis-server of our own on a free port, without persistence: stopping it loses
    everything it held, as a crashed broker would."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        assert self.process is None, "redis-server is already running"
        with open(self.folder / "redis.log", "ab") as log:
            self.process = subprocess.Popen(
                [
                    REDIS_SERVER,
                    *("--port", str(self.port), "--bind", "127.0.0.1"),
                    *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        try:
            up = wait_for(lambda: self._pings(client), timeout=10, interval=0.05)
        finally:
            client.close()
        assert up, f"redis-server on port {self.port} did not answer within 10 s"

    @staticmethod
    def _pings(client: redis.Redis) -> bool:
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(folder)
    server.start()
    yield server
    server.stop()


def _reset_broker_connections(app) -> None:
    """Drop the connections and producers the app holds, so the next task is published to
    the broker configured now."""
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker(redis_server, settings, monkeypatch):
    """This test process publishes tasks to the private Redis, for real workers to run."""
    from alliance.celery import app

    url = redis_server.url(0)
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    # Celery reads CELERY_BROKER_URL from the environment before its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    settings.CELERY_BROKER_URL = url
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    _reset_broker_connections(app)
    yield app
    app.conf.broker_url, app.conf.task_always_eager = saved
    _reset_broker_connections(app)


# --- Celery processes ---------------------------------------------------------------------------


class CeleryProcess:
    """A `celery` worker or beat in its own session (process group), logging to a file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_path: Path) -> None:
        self.name = name
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.popen = subprocess.Popen(
                [*CELERY, "-A", "alliance", *args],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL to the whole group (the worker and its pool's children): nothing is
        cleaned up, nothing is acknowledged."""
        with contextlib.suppress(ProcessLookupError):  # the group is already gone
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def count_in_log(self, text: str) -> int:
        return self.log().count(text)

    def succeeded(self, task_name: str) -> int:
        """How many tasks of this name the worker logged as finished."""
        return sum(
            line.startswith(f"Task {task_name}[") and "] succeeded" in line
            for line in self.log().splitlines()
        )

    def ran(self, task_id: str) -> bool:
        """Whether this worker logged the task as finished."""
        return f"[{task_id}] succeeded" in self.log()


@pytest.fixture
def celery_env(redis_server, smtp_sink) -> dict[str, str]:
    """The environment of the workers and beats: the test database, the private Redis and the
    SMTP sink."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    database_url = (
        f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alliance.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_server.url(1),
        "CELERY_BROKER_URL": redis_server.url(0),
        "EMAIL_URL": smtp_sink.url,
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def _celery_processes() -> Iterator[list[CeleryProcess]]:
    started: list[CeleryProcess] = []
    yield started
    for process in started:
        process.kill()


@pytest.fixture
def worker(celery_env, _celery_processes, tmp_path) -> Callable[..., CeleryProcess]:
    """Start a Celery worker on both queues, one prefork child; keyword arguments are extra
    environment variables (OUTBOX_STALE_SECONDS="5"). Every worker is killed at teardown."""

    def start(**env: str) -> CeleryProcess:
        name = f"w{len(_celery_processes) + 1}"
        process = CeleryProcess(
            name,
            [
                *("worker", "--queues", "default,mail", "--concurrency", "1", "--pool", "prefork"),
                *("--without-heartbeat", "--without-gossip", "--without-mingle"),
                *("--loglevel", "INFO", "-n", f"{name}@%h"),
            ],
            {**celery_env, **env},
            tmp_path / f"{name}.log",
        )
        _celery_processes.append(process)
        return process

    return start


@pytest.fixture
def beat(celery_env, _celery_processes, tmp_path) -> Callable[..., CeleryProcess]:
    """Start a Celery beat reading the PeriodicTask rows of the test database."""

    def start(**env: str) -> CeleryProcess:
        name = f"beat{len(_celery_processes) + 1}"
        process = CeleryProcess(
            name,
            [
                *("beat", "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"),
                *("--max-interval", "1", "--loglevel", "INFO"),
            ],
            {**celery_env, **env},
            tmp_path / f"{name}.log",
        )
        _celery_processes.append(process)
        return process

    return start
