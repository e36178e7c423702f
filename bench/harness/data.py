"""The programme the benchmarks load."""

from datetime import datetime

EVENT_DAYS = 5
ROOMS = 6
SLOTS_PER_DAY = 10  # hourly from 08:00: 5 days x 6 rooms x 10 slots = 300 sessions


def programme_create(*, sessions: int, slug: str = "bench-days", starts_in=None, **event_fields):
    """A published event, open for registration, with `sessions` sessions (at most 300) spread
    over five days and six rooms, six themes, 100 speakers (two per session) and a public
    livestream on every third session. With `starts_in` (a timedelta), the event runs from
    yesterday and every session starts that long from now (for reminders). `event_fields`
    override the event's fields."""
    from datetime import date, time, timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from events.models import Event, Room, Session, Speaker, Theme

    if sessions > EVENT_DAYS * ROOMS * SLOTS_PER_DAY:
        raise ValueError("at most 300 sessions")
    first_day = date(2030, 11, 25)
    if starts_in is not None:
        first_day = timezone.localdate(timezone.now(), ZoneInfo("America/Bogota"))
    event = Event.objects.create(
        slug=slug,
        name="Bench Alliance Days",
        city="Cartagena de Indias",
        venue="Convention Centre",
        time_zone="America/Bogota",
        start_date=first_day - timedelta(days=1),
        end_date=first_day + timedelta(days=EVENT_DAYS),
        organiser_email="organisers@example.org",
        published=True,
        description="A programme made by the benchmarks.",
        **event_fields,
    )
    tz = event.tz
    themes = Theme.objects.bulk_create(
        Theme(name=f"Theme {i}", slug=f"{slug}-theme-{i}", position=i) for i in range(6)
    )
    rooms = Room.objects.bulk_create(
        Room(name=f"Room {i}", venue=f"{slug} venue", capacity=100) for i in range(ROOMS)
    )
    speakers = Speaker.objects.bulk_create(
        Speaker(name=f"Speaker {i}", slug=f"{slug}-speaker-{i}", affiliation="Ministry of ICT")
        for i in range(100)
    )
    rows = []
    for n in range(sessions):
        day, rest = divmod(n, ROOMS * SLOTS_PER_DAY)
        slot, room = divmod(rest, ROOMS)
        if starts_in is None:
            starts_at = datetime.combine(first_day + timedelta(days=day), time(8 + slot), tz)
        else:
            starts_at = timezone.now() + starts_in + timedelta(minutes=n % 10)
        rows.append(
            Session(
                event=event,
                theme=themes[n % len(themes)],
                room=rooms[room],
                title=f"Session {n}: data governance, connectivity and AI",
                abstract="A session made by the benchmarks. " * 8,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1),
                livestream_url=f"https://stream.example/{n}" if n % 3 == 0 else "",
                livestream_visibility="public" if n % 3 == 0 else "none",
            )
        )
    rows = Session.objects.bulk_create(rows)
    Through = Session.speakers.through
    Through.objects.bulk_create(
        Through(session_id=s.pk, speaker_id=speakers[(i * 2 + k) % 100].pk)
        for i, s in enumerate(rows)
        for k in range(2)
    )
    return event


def registrations_create(event, count: int, **fields_of) -> list:
    """`count` confirmed registrations to `event`, in one bulk insert, each with its own private
    token. Each keyword is a field whose value is `fields_of[name](n)` for the n-th one; the
    others are a participant from Colombia of the first stakeholder category."""
    from django.utils import timezone

    from registrations.models import Registration, StakeholderCategory, new_token

    category = StakeholderCategory.objects.order_by("pk").first()
    defaults = {
        "full_name": lambda n: f"Participant {n}",
        "email": lambda n: f"p{n}@{event.slug}.example.org",
        "organisation": lambda n: "Ministry of ICT",
        "country": lambda n: "CO",
        "category": lambda n: category,
        "time_zone": lambda n: "America/Bogota",
    }
    now = timezone.now()
    rows = []
    for n in range(count):
        token = new_token()
        rows.append(
            Registration(
                event=event,
                privacy_consent_at=now,
                privacy_notice_version="bench",
                status=Registration.Status.CONFIRMED,
                confirmed_at=now,
                token=token,
                token_prefix=token[:12],
                **{name: value(n) for name, value in {**defaults, **fields_of}.items()},
            )
        )
    return Registration.objects.bulk_create(rows, batch_size=2000)
