"""Registration opens to 2,000 people at once for 500 in-person places (issue 11).

The deployment scaled out on this machine: nginx (the compose proxy's template) in front of
three gunicorn instances, each on its own port as separate hosts would be (2 sync workers each),
two Celery workers (one process each) and one beat, all on one PostgreSQL database and Redis
(DB 5), with emails going to an SMTP sink (aiosmtpd) in this process.

2,000 people, each from a loopback address of their own (127.1.x.y, so that the per-address
rate limits see 2,000 clients behind the proxy, TRUSTED_PROXY_COUNT=1), 200 at a time: each
opens the registration form and posts it (1,800 ask for in-person places, 200 for online),
then opens the confirmation link from the email the sink received, and confirms.

Checks: every POST answered 302; exactly 500 confirmed in person, 1,300 waitlisted in person,
200 confirmed online; every participant received exactly two emails (confirm your email, then
confirmed or waitlisted), each Message-ID once. Figures: POST latency p50/p99 of both steps, the
time from the first request until the last email arrived.

Run: .venv/bin/python bench/surge.py [--people 2000] [--places 500] [--clients 200]
"""

import argparse
import http.client
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from harness.proxy import nginx

DATABASE = "alliance_bench_surge"
ONLINE_SHARE = 10  # one person in ten registers online
DEADLINE = 600  # seconds to wait for the emails of one step
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Answer:
    status: int
    location: str
    seconds: float


class Visitor:
    """One person's browser: a loopback address of their own and a cookie jar of one cookie."""

    def __init__(self, port: int, address: str) -> None:
        self.port = port
        self.address = address
        self.csrf_cookie = ""

    def request(self, method: str, path: str, fields: dict | None = None) -> tuple[Answer, str]:
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=120, source_address=(self.address, 0)
        )
        headers = {"Cookie": f"csrftoken={self.csrf_cookie}"} if self.csrf_cookie else {}
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        started = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        seconds = time.monotonic() - started
        cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
        if cookie:
            self.csrf_cookie = cookie.group(1)
        return Answer(response.status, response.getheader("Location") or "", seconds), text

    def submit(self, path: str, fields: dict) -> Answer:
        """Open the form at `path`, then post it with its CSRF token: the POST's answer."""
        _, page = self.request("GET", path)
        token = CSRF_FIELD.search(page)
        fields = {"csrfmiddlewaretoken": token.group(1) if token else "", **fields}
        return self.request("POST", path, fields)[0]


def address(n: int) -> str:
    return f"127.1.{n // 250}.{n % 250 + 1}"


def registration_fields(n: int, category_id: int) -> dict:
    return {
        "full_name": f"Participant {n}",
        "email": f"surge-{n}@example.org",
        "organisation": "Ministry of ICT",
        "job_title": "Director",
        "country": "CO",
        "category": str(category_id),
        "mode": "online" if n % ONLINE_SHARE == 0 else "in_person",
        "language": "en",
        "time_zone": "",
        "privacy_consent": "on",
        "website": "",
    }


def wait_for_emails(sink, count: int) -> float:
    """Wait until the sink holds `count` emails; the monotonic time it did."""
    harness.wait_until(lambda: sink.count() >= count, timeout=DEADLINE, interval=0.05)
    return time.monotonic()


def percentiles(answers: list[Answer]) -> dict[str, float]:
    ms = sorted(a.seconds * 1000 for a in answers)
    return {
        "p50_ms": statistics.median(ms),
        "p99_ms": ms[min(len(ms) - 1, int(len(ms) * 0.99))],
        "max_ms": ms[-1],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--places", type=int, default=500)
    parser.add_argument("--clients", type=int, default=200, help="people acting at once")
    options = parser.parse_args()

    from aiosmtpd.controller import Controller

    sys.path.insert(0, str(harness.ROOT))
    from tests.smtp_sink import SmtpSink

    sink = SmtpSink()
    proxy_port = harness.free_port()
    site_url = f"http://127.0.0.1:{proxy_port}"
    env = harness.production_env(
        DATABASE, TRUSTED_PROXY_COUNT="1", EMAIL_URL=sink.url, SITE_URL=site_url
    )
    harness.django_setup(env)
    harness.header(
        f"Surge: {options.people} people, {options.places} in-person places; nginx, "
        "3 gunicorn x 2 sync workers, 2 Celery workers, 1 beat"
    )
    from registrations.models import Registration, StakeholderCategory

    broken, missed, figures = [], [], {}
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    with ExitStack() as stack, harness.fresh_database(DATABASE):
        harness.migrate()
        harness.collectstatic()
        harness.redis_flush()
        stack.callback(harness.redis_flush)
        event = harness.programme_create(sessions=30, in_person_capacity=options.places)
        category_id = StakeholderCategory.objects.order_by("pk").first().pk
        servers = [stack.enter_context(harness.gunicorn(env)) for _ in range(3)]
        for n in (1, 2):
            worker = ["worker", "--queues", "default,mail", "--concurrency", "1", "-n", f"w{n}@%h"]
            stack.enter_context(
                harness.started([str(harness.BIN / "celery"), "-A", "alliance", *worker], env, "w")
            )
        beat = ["beat", "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"]
        stack.enter_context(
            harness.started([str(harness.BIN / "celery"), "-A", "alliance", *beat], env, "beat")
        )
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-nginx-")))
        upstreams = [server.url.removeprefix("http://") for server in servers]
        stack.enter_context(nginx(folder, upstreams, env, port=proxy_port))

        register_path = f"/events/{event.slug}/register/"
        visitors = [Visitor(proxy_port, address(n)) for n in range(options.people)]
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=options.clients) as pool:
            registered = list(
                pool.map(
                    lambda n: visitors[n].submit(
                        register_path, registration_fields(n, category_id)
                    ),
                    range(options.people),
                )
            )
        registered_at = time.monotonic()
        wait_for_emails(sink, options.people)
        links = {}
        for received in sink.received:
            link = re.search(rf"{re.escape(site_url)}(/r/[\w-]+/confirm/)", received.body)
            if link:
                links[received.recipients[0]] = link.group(1)
        with ThreadPoolExecutor(max_workers=options.clients) as pool:
            confirmed = list(
                pool.map(
                    lambda n: visitors[n].submit(links.get(f"surge-{n}@example.org", "/"), {}),
                    range(options.people),
                )
            )
        confirmed_at = time.monotonic()
        last_email_at = wait_for_emails(sink, 2 * options.people)
        time.sleep(3)  # an email sent twice would arrive now

        statuses = Counter(a.status for a in registered + confirmed)
        counts = Counter(Registration.objects.values_list("mode", "status"))
        per_person = Counter(r.recipients[0] for r in sink.received)
        message_ids = Counter(r.message_id for r in sink.received)
        online = len(range(0, options.people, ONLINE_SHARE))
        expected = {
            ("in_person", "confirmed"): options.places,
            ("in_person", "waitlisted"): options.people - online - options.places,
            ("online", "confirmed"): online,
        }
        figures = {
            "people": options.people,
            "places": options.places,
            "clients": options.clients,
            "statuses": dict(statuses),
            "registrations": {f"{m} {s}": n for (m, s), n in sorted(counts.items())},
            "register_post": percentiles(registered),
            "confirm_post": percentiles(confirmed),
            "register_phase_s": registered_at - started,
            "confirm_phase_s": confirmed_at - registered_at,
            "last_email_after_s": last_email_at - started,
            "emails": sink.count(),
        }
        controller.stop()
    print(
        f"registration POST p50 {figures['register_post']['p50_ms']:.0f} ms, p99 "
        f"{figures['register_post']['p99_ms']:.0f} ms; confirmation POST p50 "
        f"{figures['confirm_post']['p50_ms']:.0f} ms, p99 {figures['confirm_post']['p99_ms']:.0f} "
        f"ms; all registered after {figures['register_phase_s']:.1f} s, all confirmed "
        f"{figures['confirm_phase_s']:.1f} s later; last email {figures['last_email_after_s']:.1f}"
        f" s after the first request; statuses {dict(statuses)}; {figures['registrations']}; "
        f"{figures['emails']} emails"
    )
    if set(statuses) != {302}:
        broken.append(f"answers other than 302: {dict(statuses)}")
    if dict(counts) != expected:
        broken.append(f"registrations {dict(counts)}, expected {expected}")
    if set(per_person.values()) != {2} or len(per_person) != options.people:
        broken.append(f"emails per person: {Counter(per_person.values())}")
    if max(message_ids.values()) != 1:
        broken.append("a Message-ID arrived twice")
    harness.save("surge", figures)
    return harness.verdict(missed, broken)


if __name__ == "__main__":
    sys.exit(main())
