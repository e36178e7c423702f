"""The deployment's front: Debian's nginx runs the proxy template of docker-compose.yml in front
of gunicorn with the deployment's gunicorn settings, as the containers would."""

import contextlib
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.harness.proxy import NGINX, nginx_config
from tests.factories import RegistrationFactory
from tests.smtp_sink import free_port

from .conftest import BASE_DIR, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

GUNICORN = Path(sys.executable).parent / "gunicorn"


@pytest.fixture(autouse=True)
def _nginx_installed():
    if not NGINX.exists():
        reason = f"the proxy tests need {NGINX} (Debian package nginx-light)"
        if os.environ.get("CI"):
            pytest.fail(f"CI: {reason}", pytrace=False)
        pytest.skip(reason)


def get(url: str, timeout: float = 3) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def answers(url: str) -> bool:
    with contextlib.suppress(OSError):
        return get(url, timeout=1)[0] == 200
    return False


@contextlib.contextmanager
def process(args: list[str], log: Path, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    with log.open("wb") as output:
        popen = subprocess.Popen(
            args, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        yield popen
    finally:
        popen.terminate()
        popen.wait(timeout=10)


@pytest.fixture(scope="module")
def _collected_static() -> None:
    """As the image does: static files collected, served by WhiteNoise from STATIC_ROOT."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=BASE_DIR,
        check=True,
    )


@pytest.fixture
def gunicorn(celery_env, _collected_static, tmp_path) -> Iterator[tuple[str, Path]]:
    """gunicorn with 2 sync workers and the deployment's settings; its URL and log file."""
    port = free_port()
    log = tmp_path / "gunicorn.log"
    args = [str(GUNICORN), "-c", "python:alliance.gunicorn_conf", "alliance.wsgi"]
    args += [f"--bind=127.0.0.1:{port}", "--workers=2", "--timeout=60"]
    env = {**celery_env, "ALLOWED_HOSTS": "127.0.0.1", "WHITENOISE_USE_FINDERS": "0"}
    with process(args, log, env):
        url = f"http://127.0.0.1:{port}"
        assert wait_for(lambda: answers(f"{url}/healthz"), timeout=30), log.read_text()
        yield url, log


@pytest.fixture
def proxy(gunicorn, tmp_path) -> Iterator[tuple[str, Path]]:
    """nginx with the compose file's template filled in as the official image does."""
    url = f"http://127.0.0.1:{free_port()}"
    main = nginx_config(
        tmp_path, upstreams=[gunicorn[0].removeprefix("http://")], listen=url[len("http://") :]
    )
    log = tmp_path / "nginx.log"
    with process([str(NGINX), "-p", str(tmp_path), "-c", str(main)], log, dict(os.environ)):
        assert wait_for(lambda: answers(f"{url}/healthz"), timeout=10), log.read_text()
        yield url, log


@contextlib.contextmanager
def slow_clients(url: str, count: int) -> Iterator[None]:
    """`count` clients that send a request's headers one line a second and never finish."""
    host, port = url.removeprefix("http://").split(":")
    sockets = [socket.create_connection((host, int(port))) for _ in range(count)]
    stop = threading.Event()

    def trickle() -> None:
        for s in sockets:
            s.sendall(b"GET /privacy/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        while not stop.wait(1):
            for s in sockets:
                with contextlib.suppress(OSError):
                    s.sendall(b"X-Slow: 1\r\n")

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        time.sleep(2)  # every worker that will take one of them has
        yield
    finally:
        stop.set()
        thread.join()
        for s in sockets:
            s.close()


def test_slow_clients_through_proxy_leave_site_answering(proxy):
    with slow_clients(proxy[0], count=6):
        assert get(f"{proxy[0]}/healthz", timeout=3) == (200, b"ok")
        assert get(f"{proxy[0]}/privacy/", timeout=3)[0] == 200


def test_slow_clients_straight_to_gunicorn_take_it_down(gunicorn):
    """The control: without the proxy the same probe takes both sync workers."""
    with slow_clients(gunicorn[0], count=6), pytest.raises(TimeoutError):
        get(f"{gunicorn[0]}/healthz", timeout=3)


def test_proxy_refuses_body_over_limit(proxy):
    request = urllib.request.Request(
        f"{proxy[0]}/new-link/", data=b"x" * (1024 * 1024 + 1), method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)

    refused.value.close()
    assert refused.value.code == 413


def test_access_logs_of_proxy_and_gunicorn_mask_tokens(proxy, gunicorn):
    registration = RegistrationFactory()
    token = registration.token

    assert get(f"{proxy[0]}/r/{token}/")[0] == 200
    assert get(f"{proxy[0]}/calendar/{token}.ics")[0] == 200
    assert get(f"{proxy[0]}/r/{token}/no-such-page/")[0] == 404

    time.sleep(0.5)  # both write their access log line after the response
    for log in (proxy[1], gunicorn[1]):
        text = log.read_text()
        assert token not in text
        assert re.findall(r"GET (/(?:r|calendar)/\S*)", text) == [
            "/r/[token]/",
            "/calendar/[token].ics",
            "/r/[token]/no-such-page/",
        ]
