"""How long the whole-event calendar feed takes to build for 300 sessions.

    .venv/bin/python bench/ical_build.py [--sessions 300] [--runs 50] [--profile]

Runs in a fresh process on a throwaway test database (in-memory SQLite by default; with
DATABASE_URL set, Django's test_<name> database there), filled with one event of N sessions,
each with a theme, a room and two speakers. It measures:

- build: `ical.sessions_feed` on sessions already loaded (no query), the very first call of the
  process apart (it also makes the VTIMEZONE), then median and p95 over the runs;
- view cold: GET /events/<slug>/calendar.ics with the cache emptied before each request:
  queries, build and response; and, for comparison, the cached view and a 304.

Each line gives wall-clock median and p95, and the median CPU time of the process, which a busy
machine disturbs less. There is no target: icalendar writes the feed, which is built once per
programme change and language, then served from the cache (bench/public_pages.py).

`--profile` prints a cProfile of the warm build, sorted by cumulative time.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from events import ical, selectors  # noqa: E402
from events.models import Event, Room, Session, Speaker, Theme  # noqa: E402


def programme(size: int) -> Event:
    event = Event.objects.create(
        name="Digital Alliance Days 2030",
        slug="dad-2030",
        city="Cartagena de Indias",
        venue="Convention Centre",
        time_zone="America/Bogota",
        start_date=date(2030, 11, 27),
        end_date=date(2030, 11, 29),
        published=True,
    )
    themes = [
        Theme.objects.create(name=f"Theme {n}", slug=f"theme-{n}", position=n) for n in range(6)
    ]
    rooms = [Room.objects.create(name=f"Sala {n}", venue=event.venue) for n in range(10)]
    speakers = [
        Speaker.objects.create(name=f"Speaker {n}", slug=f"speaker-{n}", affiliation="Ministry")
        for n in range(40)
    ]
    bogota = ZoneInfo(event.time_zone)
    sessions = Session.objects.bulk_create(
        Session(
            event=event,
            theme=themes[i % len(themes)],
            room=rooms[i % len(rooms)],
            title=f"Session {i}: data governance, cybersecurity and connectivity",
            abstract="How governments, regulators and industry share data across the Atlantic. "
            * 3,
            starts_at=datetime(2030, 11, 27 + i % 3, 8, tzinfo=bogota) + timedelta(minutes=i),
            ends_at=datetime(2030, 11, 27 + i % 3, 9, tzinfo=bogota) + timedelta(minutes=i),
            livestream_url=f"https://stream.example/{i}",
            livestream_visibility=("public", "registered", "none")[i % 3],
            status="cancelled" if i % 50 == 0 else "scheduled",
        )
        for i in range(size)
    )
    Session.speakers.through.objects.bulk_create(
        Session.speakers.through(session=session, speaker=speakers[(i + k) % len(speakers)])
        for i, session in enumerate(sessions)
        for k in (0, 7)
    )
    return event


def millis(samples: list[tuple[float, float]]) -> str:
    """Median and p95 of wall-clock time, and the median CPU time of this process (steadier
    on a busy machine)."""
    walls = sorted(wall for wall, _cpu in samples)
    p95 = walls[min(len(walls) - 1, round(0.95 * len(walls)) - 1)]
    cpu = statistics.median(cpu for _wall, cpu in samples)
    return (
        f"median {statistics.median(walls) * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms   "
        f"(CPU median {cpu * 1000:7.2f} ms)"
    )


def timed(function) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        event = programme(args.sessions)
        loaded = selectors.sessions_for_calendar(sessions=event.sessions.all())
        at = datetime(2030, 1, 1, tzinfo=UTC)

        def build() -> bytes:
            return ical.sessions_feed(
                loaded, event=event, name=event.name, site_url=settings.SITE_URL, at=at
            )

        first = timed(build)
        size = len(build())
        builds = [timed(build) for _ in range(args.runs)]

        client = Client()
        url = reverse("events:event_calendar", args=[event.slug])

        def view_cold():
            cache.clear()
            assert client.get(url).status_code == 200

        etag = client.get(url)["ETag"]
        colds = [timed(view_cold) for _ in range(args.runs)]
        cached = [timed(lambda: client.get(url)) for _ in range(args.runs)]
        not_modified = [
            timed(lambda: client.get(url, headers={"if-none-match": etag}))
            for _ in range(args.runs)
        ]

        vendor = connection.vendor
        print(f"ical_build: {args.sessions} sessions, {size} bytes, {args.runs} runs, {vendor}")
        print(f"  build, first in process   {first[0] * 1000:7.2f} ms")
        print(f"  build (sessions loaded)   {millis(builds)}")
        print(f"  view, cold (no cache)     {millis(colds)}")
        print(f"  view, cached              {millis(cached)}")
        print(f"  view, 304                 {millis(not_modified)}")
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(lambda: [build() for _ in range(10)])
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
