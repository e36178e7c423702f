"""Open programme data of a 300-session event (issue 13): the frab schedule exports, the API
and the widget, against the constant-bytes view of the same size.

Served: gunicorn (2 sync workers, production-like settings, Redis cache) under wrk (16
connections), for schedule.json, schedule.xml, the API's sessions (all 300 on one page), one
session and the list of events, and the embeddable widget: /bench/constant/<bytes> (the
framework's ceiling for a response of that size, see ceiling/urls.py), the URL answered from
the cache (200) and revalidated with If-None-Match (304). Reported: each 200 as a ratio of its
constant view, the 304 against the 200, and the queries of a cold build, a cached answer and
a 304 (in-process, Django's test client on the same database), which must not grow from 10 to
300 sessions.

Run: BENCH_REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/open_data.py [--duration 10]
"""

import argparse
import os
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

DATABASE = "alliance_bench_open_data"
SESSIONS = 300


def urls(event) -> dict[str, str]:
    session = event.sessions.order_by("pk").first()
    api = f"/api/v1/events/{event.slug}"
    return {
        "schedule.json": f"/events/{event.slug}/schedule.json",
        "schedule.xml": f"/events/{event.slug}/schedule.xml",
        "API sessions": f"{api}/sessions/?page_size=500",
        "API session": f"{api}/sessions/{session.pk}/",
        "API events": "/api/v1/events/",
        "widget": f"/events/{event.slug}/embed/",
    }


def query_counts(pages: dict[str, str]) -> dict[str, tuple[int, int, int]]:
    """Queries of each URL: built (nothing cached), answered from the cache, and 304."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for name, url in pages.items():
        cache.clear()
        figures = []
        etag = None
        for headers in ({}, {}, None):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(
                    url, headers=headers if headers is not None else {"if-none-match": etag}
                )
            assert response.status_code == (200 if headers is not None else 304), (name, response)
            etag = response.get("ETag", etag)
            figures.append(len(queries))
        counts[name] = tuple(figures)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per URL")
    options = parser.parse_args()

    env = harness.production_env(DATABASE)
    harness.django_setup(env)
    harness.header(f"Open data of {SESSIONS} sessions: gunicorn 2 sync, wrk 16 conns")
    missed, broken = [], []
    with harness.fresh_database(DATABASE):
        harness.migrate()
        harness.collectstatic()
        harness.redis_flush()
        small = harness.programme_create(sessions=10, slug="small-days")
        event = harness.programme_create(sessions=SESSIONS)
        harness.analyze()
        pages = urls(event)
        queries = query_counts(pages)
        small_queries = query_counts(urls(small))
        for name, counts in queries.items():
            small_counts = small_queries[name]
            print(f"{name}: queries built / cached / 304 = {counts} (10 sessions: {small_counts})")
            if counts != small_queries[name]:
                broken.append(f"{name}: queries grow with the programme")
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
                    run = {"bytes": size}
                    for case, url, headers in (
                        ("constant", f"{server.url}/bench/constant/{size}", ()),
                        ("200", server.url + path, ()),
                        ("304", server.url + path, (f"If-None-Match: {etag}",)),
                    ):
                        run[case] = harness.wrk_run(
                            url, duration=options.duration, headers=headers, server=server
                        )
                    runs[name] = run
        finally:
            harness.redis_flush()
    expected = {"constant": 200, "200": 200, "304": 304}
    for name, run in runs.items():
        print(f"-- {name} ({run['bytes']} bytes)")
        for case in ("constant", "200", "304"):
            result = run[case]
            print(result.line(f"{name} {case}"))
            if set(result.statuses) - {expected[case]} or result["socket_errors"]:
                broken.append(f"{name} {case}: statuses {result.statuses}")
        ratio = run["200"]["rps"] / run["constant"]["rps"]
        print(
            f"{name}: 200 / constant view of the same size = {ratio:.2f}; "
            f"304 / 200 = {run['304']['rps'] / run['200']['rps']:.2f}"
        )
        if run["304"]["rps"] <= run["200"]["rps"]:
            missed.append(f"{name}: the 304 is not cheaper than the 200")
    print(f"1-minute load average before the runs {load:.2f}")
    harness.save(
        "open_data",
        {
            "sessions": SESSIONS,
            "duration_s": options.duration,
            "load_average": load,
            "queries_built_cached_304": queries,
            "queries_10_sessions": small_queries,
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
