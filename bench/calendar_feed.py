"""The whole-event calendar feed of 300 sessions (issue 4).

Served: gunicorn (2 sync workers, production-like settings, Redis cache) under wrk with 16
connections, one after the other in the same run: /healthz (no database, no template: 2 bytes),
/bench/constant (a trivial Django view returning a constant byte string the size of the feed:
the framework's ceiling for such a response, see ceiling/urls.py), the feed
answered from the cache (200), and the feed revalidated with If-None-Match (304). Targets: the
cached feed >= 80% of the constant view's requests/s; the 304 cheaper still (more requests/s
than the 200). The ratio to /healthz is printed too.

In-process: the time to build the feed's bytes for 300 sessions as the view does on a cache miss
(the queries of selectors.sessions_for_calendar, then events.ical.sessions_feed), median and p95
over 50 runs, cold (the VTIMEZONE cache cleared before each run) and warm; and, for comparison,
the builder alone on sessions already loaded. Wall-clock and CPU time of this process (which
other load on the machine disturbs less). Target: p95 < 30 ms (wall clock, cold and warm).

Run: .venv/bin/python bench/calendar_feed.py [--duration 15]
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

DATABASE = "alliance_bench_calendar"
SESSIONS = 300
RUNS = 50
TARGET_RATIO = 0.8
TARGET_BUILD_MS = 30


def build_times(event) -> dict:
    """Milliseconds to build the feed over RUNS runs: cold and warm with the view's
    queries, and warm on sessions already loaded (the builder alone)."""
    from django.conf import settings
    from django.utils import timezone

    from events import ical, selectors

    def build(sessions=None) -> bytes:
        if sessions is None:
            sessions = selectors.sessions_for_calendar(sessions=event.sessions.all())
        return ical.sessions_feed(
            sessions, event=event, name=event.name, site_url=settings.SITE_URL, at=timezone.now()
        )

    loaded = list(selectors.sessions_for_calendar(sessions=event.sessions.all()))
    figures = {"bytes": len(build())}
    for case in ("cold", "warm", "builder only"):
        walls, cpus = [], []
        for _ in range(RUNS):
            if case == "cold":
                ical.vtimezone.cache_clear()
            wall, cpu = time.perf_counter(), time.process_time()
            build(loaded if case == "builder only" else None)
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        walls.sort()
        figures[case] = {
            "median_ms": statistics.median(walls),
            "p95_ms": walls[round(0.95 * len(walls)) - 1],
            "cpu_median_ms": statistics.median(cpus),
        }
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per URL")
    options = parser.parse_args()

    env = harness.production_env(DATABASE)
    harness.django_setup(env)
    harness.header(f"Calendar feed of {SESSIONS} sessions: gunicorn 2 sync workers, wrk 16 conns")
    failures, broken = [], []
    with harness.fresh_database(DATABASE):
        harness.migrate()
        harness.collectstatic()
        harness.redis_flush()
        event = harness.programme_create(sessions=SESSIONS)
        build = build_times(event)
        for case in ("cold", "warm", "builder only"):
            b = build[case]
            print(
                f"build {case:<12} (in-process, {RUNS} runs)  median {b['median_ms']:6.2f} ms  "
                f"p95 {b['p95_ms']:6.2f} ms  CPU median {b['cpu_median_ms']:6.2f} ms  "
                f"({build['bytes']} bytes)"
            )
            if case != "builder only" and b["p95_ms"] >= TARGET_BUILD_MS:
                failures.append(f"build {case}: p95 {b['p95_ms']:.1f} ms >= {TARGET_BUILD_MS}")
        env = {
            **env,
            "DJANGO_SETTINGS_MODULE": "ceiling.settings",
            "PYTHONPATH": str(Path(__file__).resolve().parent),
            "BENCH_CONSTANT_BYTES": str(build["bytes"]),
        }
        try:
            with harness.gunicorn(env) as server:
                feed = f"{server.url}/events/{event.slug}/calendar.ics"
                # Fills the cache; the URL is our own loopback server's.
                with urllib.request.urlopen(feed, timeout=30) as response:  # noqa: S310
                    etag = response.headers["ETag"]
                    assert response.status == 200 and etag, (response.status, etag)
                harness.wrk_run(f"{server.url}/healthz", duration=3)  # warm-up
                load = os.getloadavg()[0]
                runs = {
                    "healthz": harness.wrk_run(
                        f"{server.url}/healthz", duration=options.duration, server=server
                    ),
                    "constant": harness.wrk_run(
                        f"{server.url}/bench/constant", duration=options.duration, server=server
                    ),
                    "feed_200": harness.wrk_run(feed, duration=options.duration, server=server),
                    "feed_304": harness.wrk_run(
                        feed,
                        duration=options.duration,
                        headers=(f"If-None-Match: {etag}",),
                        server=server,
                    ),
                }
                memory = [harness.memory_kib(pid) for pid in server.worker_pids()]
        finally:
            harness.redis_flush()
    expected = {"healthz": 200, "constant": 200, "feed_200": 200, "feed_304": 304}
    for name, result in runs.items():
        print(result.line(name))
        if set(result.statuses) - {expected[name]} or result["socket_errors"]:
            broken.append(f"{name}: statuses {result.statuses}, expected only {expected[name]}")
    ratio = runs["feed_200"]["rps"] / runs["constant"]["rps"]
    ratio_healthz = runs["feed_200"]["rps"] / runs["healthz"]["rps"]
    ratio_304 = runs["feed_304"]["rps"] / runs["healthz"]["rps"]
    print(
        f"feed 200 / constant view of the same size = {ratio:.2f} (target >= {TARGET_RATIO}); "
        f"feed 200 / healthz = {ratio_healthz:.2f}; 304 / healthz = {ratio_304:.2f}; "
        f"1-minute load average before the runs {load:.2f}"
    )
    if ratio < TARGET_RATIO:
        failures.append(f"feed 200 at {ratio:.2f} of the constant view < {TARGET_RATIO}")
    if runs["feed_304"]["rps"] <= runs["feed_200"]["rps"]:
        failures.append("the 304 is not cheaper than the 200")
    harness.save(
        "calendar_feed",
        {
            "sessions": SESSIONS,
            "duration_s": options.duration,
            "build": build,
            "load_average": load,
            "worker_memory_kib": memory,
            **{name: {**r.figures, "statuses": r.statuses} for name, r in runs.items()},
        },
    )
    return harness.verdict(failures, broken)


if __name__ == "__main__":
    sys.exit(main())
