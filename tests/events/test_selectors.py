from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.http import Http404

from events import selectors
from events.models import Session
from tests.factories import (
    EventFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

BOGOTA = ZoneInfo("America/Bogota")


def bogota(day: int, hour: int, minute: int = 0) -> datetime:
    """Bogota time on day 1, 2, 3 of the factory event (27 to 29 November 2030)."""
    return datetime.combine(date(2030, 11, 26) + timedelta(days=day), time(hour, minute), BOGOTA)


def titles(sessions) -> list[str]:
    return [session.title for session in sessions]


def test_sessions_by_day_groups_by_event_local_day():
    event = EventFactory()
    SessionFactory(event=event, title="Morning", starts_at=bogota(1, 9), ends_at=bogota(1, 10))
    # 23:30 in Bogota on the 27th is 04:30 UTC on the 28th.
    late = SessionFactory(
        event=event, title="Late", starts_at=bogota(1, 23, 30), ends_at=bogota(2, 0, 15)
    )
    SessionFactory(event=event, title="Next day", starts_at=bogota(2, 9), ends_at=bogota(2, 10))
    assert late.starts_at.astimezone(ZoneInfo("UTC")).date() == date(2030, 11, 28)

    days = selectors.sessions_by_day(
        sessions=selectors.sessions_for_programme(event=event), event=event
    )

    assert [(day, titles(sessions)) for day, sessions in days] == [
        (date(2030, 11, 27), ["Morning", "Late"]),
        (date(2030, 11, 28), ["Next day"]),
    ]


def test_sessions_by_day_no_sessions_no_days():
    event = EventFactory()
    assert selectors.sessions_by_day(sessions=Session.objects.none(), event=event) == []


def test_sessions_for_programme_in_time_then_room_order():
    event = EventFactory()
    room_b, room_a = RoomFactory(name="B"), RoomFactory(name="A")
    SessionFactory(event=event, title="Later", starts_at=bogota(1, 11), ends_at=bogota(1, 12))
    SessionFactory(event=event, title="In B", room=room_b)
    SessionFactory(event=event, title="In A", room=room_a)
    SessionFactory(title="Other event")

    assert titles(selectors.sessions_for_programme(event=event)) == ["In A", "In B", "Later"]


def test_sessions_for_programme_includes_cancelled():
    event = EventFactory()
    SessionFactory(event=event, title="Kept", status=Session.Status.CANCELLED)
    assert titles(selectors.sessions_for_programme(event=event)) == ["Kept"]


@pytest.fixture
def mixed_programme():
    event = EventFactory()
    ai, data = ThemeFactory(name="AI"), ThemeFactory(name="Data")
    hall, terrace = RoomFactory(name="Hall"), RoomFactory(name="Terrace")
    SessionFactory(event=event, title="AI panel", theme=ai, room=hall)
    SessionFactory(
        event=event,
        title="AI workshop",
        theme=ai,
        room=terrace,
        format=Session.Format.WORKSHOP,
        starts_at=bogota(1, 11),
        ends_at=bogota(1, 12),
    )
    SessionFactory(
        event=event,
        title="Data workshop",
        theme=data,
        room=hall,
        format=Session.Format.WORKSHOP,
        starts_at=bogota(2, 9),
        ends_at=bogota(2, 10),
    )
    return event, {"ai": ai, "data": data, "hall": hall, "terrace": terrace}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"theme": "ai"}, ["AI panel", "AI workshop"]),
        ({"format": Session.Format.WORKSHOP}, ["AI workshop", "Data workshop"]),
        ({"room": "hall"}, ["AI panel", "Data workshop"]),
        ({"theme": "ai", "format": Session.Format.WORKSHOP}, ["AI workshop"]),
        ({"theme": "data", "room": "terrace"}, []),
        ({"format": Session.Format.KEYNOTE}, []),
    ],
    ids=["theme", "format", "room", "theme-and-format", "theme-and-room", "no-match"],
)
def test_sessions_for_programme_filters(mixed_programme, filters, expected):
    event, objects = mixed_programme
    kwargs = {
        name: objects[value] if name in ("theme", "room") else value
        for name, value in filters.items()
    }
    assert titles(selectors.sessions_for_programme(event=event, **kwargs)) == expected


def test_themes_for_event_only_themes_with_sessions_in_position_order():
    event = EventFactory()
    second = ThemeFactory(name="Second", position=2)
    first = ThemeFactory(name="First", position=1)
    ThemeFactory(name="Unused", position=0)
    SessionFactory(event=event, theme=second)
    SessionFactory(event=event, theme=second, starts_at=bogota(2, 9), ends_at=bogota(2, 10))
    SessionFactory(event=event, theme=first)
    SessionFactory(theme=ThemeFactory(name="Elsewhere", position=0))

    themes = selectors.themes_for_event(event=event)

    assert [theme.name for theme in themes] == ["First", "Second"]


def test_rooms_for_event_only_rooms_used_by_event_by_name():
    event = EventFactory()
    SessionFactory(event=event, room=RoomFactory(name="Terrace"))
    SessionFactory(event=event, room=RoomFactory(name="Hall"))
    SessionFactory(event=event, room=None)
    RoomFactory(name="Unused")

    assert [room.name for room in selectors.rooms_for_event(event=event)] == ["Hall", "Terrace"]


def test_speakers_for_event_with_their_sessions_in_this_event():
    event = EventFactory()
    ana, bruno = SpeakerFactory(name="Ana"), SpeakerFactory(name="Bruno")
    SpeakerFactory(name="Absent")
    SessionFactory(
        event=event,
        title="Later",
        starts_at=bogota(2, 9),
        ends_at=bogota(2, 10),
        speakers=[ana, bruno],
    )
    SessionFactory(event=event, title="Earlier", speakers=[ana])
    SessionFactory(title="Other event", speakers=[bruno])

    speakers = selectors.speakers_for_event(event=event)

    assert [(s.name, titles(s.event_sessions)) for s in speakers] == [
        ("Ana", ["Earlier", "Later"]),
        ("Bruno", ["Later"]),
    ]


def test_event_get_visible_published():
    event = EventFactory(slug="days", published=True)
    assert selectors.event_get_visible(slug="days") == event


def test_event_get_visible_unpublished_not_found():
    EventFactory(slug="draft", published=False)
    with pytest.raises(Http404):
        selectors.event_get_visible(slug="draft")


def test_event_get_visible_unpublished_for_organisers():
    event = EventFactory(slug="draft", published=False)
    assert selectors.event_get_visible(slug="draft", include_unpublished=True) == event


def test_events_published_by_start_date():
    EventFactory(name="Later", start_date=date(2031, 5, 1), end_date=date(2031, 5, 2))
    EventFactory(name="Draft", published=False)
    EventFactory(name="Sooner", start_date=date(2030, 5, 1), end_date=date(2030, 5, 2))

    assert [e.name for e in selectors.events_published()] == ["Sooner", "Later"]


def test_session_get_of_another_event_not_found():
    session = SessionFactory()
    with pytest.raises(Http404):
        selectors.session_get(event=EventFactory(), pk=session.pk)


def test_session_get_with_relations_loaded(django_assert_num_queries):
    session = SessionFactory(speakers=[SpeakerFactory(name="Ana")])
    with django_assert_num_queries(2):
        found = selectors.session_get(event=session.event, pk=session.pk)
        names = (found.event.name, found.theme.name, found.room.name)
        speakers = [s.name for s in found.speakers.all()]
    assert (names, speakers) == (
        (session.event.name, session.theme.name, session.room.name),
        ["Ana"],
    )
