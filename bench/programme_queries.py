"""Query counts of the programme's pages and feeds for 10, 100 and 300 sessions, and the memory of
a gunicorn worker after serving them under load.

Query counts: django's test Client and CaptureQueriesContext, in this process, on PostgreSQL
with production-like settings (the benchmarks' Redis DB as the cache, emptied before each
"miss"; a "hit" finds the bytes cached, after the event and its programme version are read).
Pages: the event page, the programme (whole and filtered), a session page, the speakers, a
confirmed participant's manage page (they chose a tenth of the sessions), the whole-event,
theme, session and personal calendar feeds. Every count must be the same for 10, 100 and 300
sessions.

Memory: gunicorn with 2 sync workers serves the 300-session pages under wrk (16 connections,
10 s each); then each worker's VmRSS (resident now) and VmHWM (peak) from /proc/<pid>/status.

Run: .venv/bin/python bench/programme_queries.py [--duration 10]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

DATABASE = "alliance_bench_programme"
SIZES = (10, 100, 300)


def participant(event):
    """A confirmed participant who chose every tenth session; their private token."""
    from django.utils import timezone

    from registrations.models import Registration, SessionChoice, StakeholderCategory, new_token

    token = new_token()
    registration = Registration.objects.create(
        event=event,
        full_name="Ana Lucía Restrepo",
        email=f"ana@{event.slug}.example.org",
        organisation="Ministry of ICT",
        country="CO",
        category=StakeholderCategory.objects.order_by("pk").first(),
        time_zone="America/Bogota",
        privacy_consent_at=timezone.now(),
        privacy_notice_version="2023-11",
        status=Registration.Status.CONFIRMED,
        confirmed_at=timezone.now(),
        token=token,
        token_prefix=token[:12],
    )
    SessionChoice.objects.bulk_create(
        SessionChoice(registration=registration, session=session)
        for session in event.sessions.order_by("pk")[::10]
    )
    return token


def pages(event, token) -> dict[str, str]:
    theme = event.sessions.order_by("pk").first().theme
    session = event.sessions.order_by("pk").first()
    return {
        "event page": f"/events/{event.slug}/",
        "programme": f"/events/{event.slug}/programme/",
        "filtered programme": f"/events/{event.slug}/programme/?theme={theme.slug}",
        "session page": f"/events/{event.slug}/sessions/{session.pk}/",
        "speakers": f"/events/{event.slug}/speakers/",
        "manage": f"/r/{token}/",
        "event feed": f"/events/{event.slug}/calendar.ics",
        "theme feed": f"/events/{event.slug}/themes/{theme.slug}/calendar.ics",
        "session feed": f"/events/{event.slug}/sessions/{session.pk}.ics",
        "personal feed": f"/calendar/{token}.ics",
    }


def query_counts(client, urls: dict[str, str]) -> tuple[dict[str, int], dict[str, float]]:
    """Queries per page, and the median of 3 response times (ms), for each page and case."""
    import statistics
    import time

    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts, times = {}, {}
    for name, url in urls.items():
        cases = ("",) if name == "manage" else ("miss", "hit")
        for case in cases:
            key = f"{name} {case}".strip()
            elapsed = []
            for run in range(4):
                if case != "hit":
                    cache.clear()
                start = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url)
                elapsed.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
                if run == 0:
                    counts[key] = len(queries.captured_queries)
                elif len(queries.captured_queries) != counts[key]:
                    raise AssertionError(f"{key}: the query count changed between runs")
            times[key] = statistics.median(elapsed[1:])
    return counts, times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    options = parser.parse_args()

    env = harness.production_env(DATABASE)
    harness.django_setup(env)
    harness.header("Query counts for 10/100/300 sessions; gunicorn worker memory after load")
    from django.test import Client

    missed, broken = [], []
    with harness.fresh_database(DATABASE):
        harness.migrate()
        harness.collectstatic()
        harness.redis_flush()
        client = Client(HTTP_HOST="127.0.0.1")
        counts, times, urls = {}, {}, {}
        for size in SIZES:
            event = harness.programme_create(sessions=size, slug=f"bench-{size}")
            urls[size] = pages(event, participant(event))
            counts[size], times[size] = query_counts(client, urls[size])
        print(f"{'queries (in-process ms)':<24}" + "".join(f"{f'{n} sessions':>20}" for n in SIZES))
        for page in counts[SIZES[0]]:
            row = [counts[size][page] for size in SIZES]
            print(
                f"{page:<24}"
                + "".join(f"{counts[n][page]:>10} ({times[n][page]:6.1f})" for n in SIZES)
            )
            if len(set(row)) != 1:
                broken.append(f"{page}: {row} queries for {SIZES} sessions")
        try:
            with harness.gunicorn(env) as server:
                before = {pid: harness.memory_kib(pid) for pid in server.worker_pids()}
                for name, path in urls[SIZES[-1]].items():
                    result = harness.wrk_run(
                        server.url + path, duration=options.duration, server=server
                    )
                    print(result.line(f"{name} ({SIZES[-1]} sessions)"))
                    if set(result.statuses) - {200}:
                        broken.append(f"{name}: statuses {result.statuses}")
                    elif not result.statuses:  # --duration shorter than one response
                        missed.append(f"{name}: no response within {options.duration} s")
                after = {pid: harness.memory_kib(pid) for pid in server.worker_pids()}
        finally:
            harness.redis_flush()
    for pid in after:
        b, a = before.get(pid, {"VmRSS": 0}), after[pid]
        print(
            f"worker {pid}: VmRSS {b['VmRSS'] / 1024:.1f} MiB before load, "
            f"{a['VmRSS'] / 1024:.1f} MiB after; peak (VmHWM) {a['VmHWM'] / 1024:.1f} MiB"
        )
    harness.save(
        "programme_queries",
        {
            "query_counts": counts,
            "in_process_ms": times,
            "worker_memory_kib": {"before": before, "after": after},
        },
    )
    return harness.verdict(missed, broken)


if __name__ == "__main__":
    sys.exit(main())
