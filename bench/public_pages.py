"""Public pages and the whole-event feed of 300 sessions, cached by content (issue 9).

Served: gunicorn (2 sync workers, production-like settings, Redis cache) under wrk (16
connections), in one run, for each of the whole-event feed, the programme, a filtered
programme (one theme: 50 sessions) and a session page: /bench/constant/<bytes> (a trivial Django
view returning a constant byte string of the response's size: the framework's ceiling for such
a response, see ceiling/urls.py), the URL answered from the cache (200: the event read, with
its programme version, and the visibility checked on every request, then the moments and the
cached bytes read from Redis) and the URL
revalidated with If-None-Match (304). Targets: each 200 >= 0.6 of its constant view's
requests/s; each 304 cheaper (more requests/s) than its 200.

In-process: the CPU time of a cold build (what a cache miss costs: the queries and the template
or the calendar; the programme's moments, read once per version, already cached) for each,
median over 20 runs of this process. Target for the pages: <= 30 ms
for 300 sessions. The feed has no such target: it is built once per programme change.

Run: .venv/bin/python bench/public_pages.py [--duration 10]
"""

import argparse
import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

DATABASE = "alliance_bench_pages"
SESSIONS = 300
RUNS = 20
TARGET_RATIO = 0.6
TARGET_BUILD_MS = 30


def urls(event) -> dict[str, str]:
    session = event.sessions.order_by("pk").first()
    return {
        "event feed": f"/events/{event.slug}/calendar.ics",
        "programme": f"/events/{event.slug}/programme/",
        "filtered programme": f"/events/{event.slug}/programme/?theme={session.theme.slug}",
        "session page": f"/events/{event.slug}/sessions/{session.pk}/",
    }


def build_cpu_ms(pages: dict[str, str]) -> dict[str, float]:
    """Median CPU time of building each response: the view's class finds the event, then
    builds the bytes (the first run, not counted, reads the programme's moments)."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.test import RequestFactory
    from django.urls import resolve
    from django.utils import translation

    factory = RequestFactory()
    figures = {}
    with translation.override("en"):
        for name, url in pages.items():
            samples = []
            for _ in range(RUNS + 1):
                request = factory.get(url)
                request.user = AnonymousUser()
                request.session = {}
                request._messages = FallbackStorage(request)
                match = resolve(request.path)
                cpu = time.process_time()
                response = match.func.__self__(request, **match.kwargs)
                response.build()
                samples.append((time.process_time() - cpu) * 1000)
            figures[name] = statistics.median(samples[1:])  # the first one warms up
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per URL")
    options = parser.parse_args()

    env = harness.production_env(DATABASE)
    harness.django_setup(env)
    harness.header(f"Public pages and feed of {SESSIONS} sessions: gunicorn 2 sync, wrk 16 conns")
    missed, broken = [], []
    with harness.fresh_database(DATABASE):
        harness.migrate()
        harness.collectstatic()
        harness.redis_flush()
        event = harness.programme_create(sessions=SESSIONS)
        harness.analyze()
        pages = urls(event)
        builds = build_cpu_ms(pages)
        env = {
            **env,
            "DJANGO_SETTINGS_MODULE": "ceiling.settings",
            "PYTHONPATH": str(Path(__file__).resolve().parent),
        }
        runs = {}
        try:
            with harness.gunicorn(env) as server:
                harness.wrk_run(f"{server.url}/healthz", duration=3)  # warm-up
                load = os.getloadavg()[0]
                for name, path in pages.items():
                    # Fills the cache; the URL is our own loopback server's.
                    with urllib.request.urlopen(server.url + path, timeout=30) as response:  # noqa: S310
                        etag, size = response.headers["ETag"], len(response.read())
                    constant = f"{server.url}/bench/constant/{size}"
                    runs[name] = {
                        "bytes": size,
                        "constant": harness.wrk_run(
                            constant, duration=options.duration, server=server
                        ),
                        "200": harness.wrk_run(
                            server.url + path, duration=options.duration, server=server
                        ),
                        "304": harness.wrk_run(
                            server.url + path,
                            duration=options.duration,
                            headers=(f"If-None-Match: {etag}",),
                            server=server,
                        ),
                    }
                memory = [harness.memory_kib(pid) for pid in server.worker_pids()]
        finally:
            harness.redis_flush()
    expected = {"constant": 200, "200": 200, "304": 304}
    for name, run in runs.items():
        print(f"-- {name} ({run['bytes']} bytes; cold build CPU {builds[name]:.1f} ms)")
        for case in ("constant", "200", "304"):
            result = run[case]
            print(result.line(f"{name} {case}"))
            if set(result.statuses) - {expected[case]} or result["socket_errors"]:
                broken.append(f"{name} {case}: statuses {result.statuses}")
        ratio = run["200"]["rps"] / run["constant"]["rps"]
        print(
            f"{name}: 200 / constant view of the same size = {ratio:.2f} (target >= "
            f"{TARGET_RATIO}); 304 / 200 = {run['304']['rps'] / run['200']['rps']:.2f}"
        )
        if ratio < TARGET_RATIO:
            missed.append(f"{name}: 200 at {ratio:.2f} of the constant view < {TARGET_RATIO}")
        if run["304"]["rps"] <= run["200"]["rps"]:
            missed.append(f"{name}: the 304 is not cheaper than the 200")
        if name != "event feed" and builds[name] > TARGET_BUILD_MS:
            missed.append(f"{name}: cold build {builds[name]:.1f} ms CPU > {TARGET_BUILD_MS}")
    print(f"1-minute load average before the runs {load:.2f}")
    harness.save(
        "public_pages",
        {
            "sessions": SESSIONS,
            "duration_s": options.duration,
            "build_cpu_ms": builds,
            "load_average": load,
            "worker_memory_kib": memory,
            **{
                f"{name} {case}": {**run[case].figures, "statuses": run[case].statuses}
                for name, run in runs.items()
                for case in ("constant", "200", "304")
            },
        },
    )
    return harness.verdict(missed, broken)


if __name__ == "__main__":
    sys.exit(main())
