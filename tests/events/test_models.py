from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from events.models import Event, Room, Session
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


def clean_errors(session: Session) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        session.clean()
    return caught.value.message_dict


# Database constraints


def test_event_ending_before_it_starts_rejected_by_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(start_date=date(2030, 11, 27), end_date=date(2030, 11, 26))
    assert Event.objects.count() == 0


def test_event_of_one_day_accepted_by_database():
    event = EventFactory(start_date=date(2030, 11, 27), end_date=date(2030, 11, 27))
    assert Event.objects.get().pk == event.pk


def test_event_registration_closing_before_opening_rejected_by_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(
            registration_opens_at=datetime(2030, 10, 1, tzinfo=BOGOTA),
            registration_closes_at=datetime(2030, 9, 1, tzinfo=BOGOTA),
        )
    assert Event.objects.count() == 0


@pytest.mark.parametrize("length", [timedelta(0), timedelta(minutes=-30)])
def test_session_ending_at_or_before_start_rejected_by_database(length):
    event = EventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFactory(event=event, starts_at=bogota(1, 9), ends_at=bogota(1, 9) + length)
    assert Session.objects.count() == 0


def test_event_slug_unique_in_database():
    Event.objects.create(
        name="First", slug="days", city="Bogotá", venue="Ágora", start_date=date(2030, 1, 1),
        end_date=date(2030, 1, 2),
    )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(
            name="Second", slug="days", city="Lima", venue="MALI", start_date=date(2031, 1, 1),
            end_date=date(2031, 1, 2),
        )  # fmt: skip
    assert list(Event.objects.values_list("name", flat=True)) == ["First"]


@pytest.mark.parametrize("factory", [ThemeFactory, SpeakerFactory], ids=["theme", "speaker"])
def test_slug_unique_in_database(factory):
    factory(name="Cyber", slug="cyber")
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(name="Cybersecurity", slug="cyber")
    model = factory._meta.model
    assert list(model.objects.values_list("name", flat=True)) == ["Cyber"]


def test_room_name_unique_per_venue_in_database():
    RoomFactory(name="Barú", venue="Convention Centre")
    RoomFactory(name="Barú", venue="Hotel")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoomFactory(name="Barú", venue="Convention Centre")
    assert sorted(Room.objects.values_list("venue", "name")) == [
        ("Convention Centre", "Barú"),
        ("Hotel", "Barú"),
    ]


# Event.clean() and Session.clean(): the admin's and the forms' guard


def test_event_clean_end_before_start_error_on_end_date():
    event = EventFactory.build(start_date=date(2030, 11, 27), end_date=date(2030, 11, 26))
    with pytest.raises(ValidationError) as caught:
        event.clean()
    assert caught.value.message_dict == {
        "end_date": ["The last day cannot be before the first day."]
    }


def test_event_bounds_are_local_midnights():
    event = EventFactory.build(start_date=date(2030, 11, 27), end_date=date(2030, 11, 29))
    assert event.starts_at == datetime(2030, 11, 27, 5, tzinfo=ZoneInfo("UTC"))
    assert event.ends_at == datetime(2030, 11, 30, 5, tzinfo=ZoneInfo("UTC"))


def test_session_clean_within_event_no_error():
    session = SessionFactory.build(event=EventFactory(), starts_at=bogota(3, 23), room=None)
    session.ends_at = bogota(4, 0)  # midnight after the last day: still the event's time
    session.clean()
    assert (session.starts_at, session.ends_at) == (bogota(3, 23), bogota(4, 0))


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [
        (bogota(0, 23, 30), bogota(1, 0, 30)),  # starts the evening before the first day
        (bogota(3, 23, 30), bogota(4, 0, 30)),  # ends after the last day
        (bogota(8, 9), bogota(8, 10)),  # days later
    ],
    ids=["before-first-day", "after-last-day", "days-later"],
)
def test_session_clean_outside_event_dates_error_on_starts_at(starts_at, ends_at):
    session = SessionFactory.build(
        event=EventFactory(), starts_at=starts_at, ends_at=ends_at, room=None
    )
    assert clean_errors(session) == {
        "starts_at": [
            "The session must lie within the event's dates (2030-11-27 to 2030-11-29, "
            "America/Bogota)."
        ]
    }


def test_session_clean_end_before_start_error_on_ends_at():
    session = SessionFactory.build(
        event=EventFactory(), starts_at=bogota(1, 10), ends_at=bogota(1, 9), room=None
    )
    assert clean_errors(session) == {"ends_at": ["A session must end after it starts."]}


def test_session_clean_room_double_booked_error_on_room():
    booked = SessionFactory(title="Data flows", starts_at=bogota(1, 9), ends_at=bogota(1, 10))
    session = SessionFactory.build(
        event=booked.event, room=booked.room, starts_at=bogota(1, 9, 30), ends_at=bogota(1, 11)
    )
    assert clean_errors(session) == {
        "room": [f"{booked.room.name} is already booked at that time for “Data flows”."]
    }


def test_session_clean_back_to_back_in_same_room_no_error():
    booked = SessionFactory(starts_at=bogota(1, 9), ends_at=bogota(1, 10))
    session = SessionFactory.build(
        event=booked.event, room=booked.room, starts_at=bogota(1, 10), ends_at=bogota(1, 11)
    )
    session.clean()
    assert session.room == booked.room


def test_session_clean_editing_itself_no_clash():
    session = SessionFactory(starts_at=bogota(1, 9), ends_at=bogota(1, 10))
    session.ends_at = bogota(1, 10, 30)
    session.clean()
    assert session.ends_at == bogota(1, 10, 30)


def test_session_clean_cancelled_session_frees_its_room():
    cancelled = SessionFactory(
        starts_at=bogota(1, 9), ends_at=bogota(1, 10), status=Session.Status.CANCELLED
    )
    session = SessionFactory.build(
        event=cancelled.event, room=cancelled.room, starts_at=bogota(1, 9), ends_at=bogota(1, 10)
    )
    session.clean()
    assert session.room == cancelled.room


def test_session_clean_cancelled_session_never_clashes():
    booked = SessionFactory(starts_at=bogota(1, 9), ends_at=bogota(1, 10))
    session = SessionFactory.build(
        event=booked.event,
        room=booked.room,
        starts_at=bogota(1, 9),
        ends_at=bogota(1, 10),
        status=Session.Status.CANCELLED,
    )
    session.clean()
    assert session.status == Session.Status.CANCELLED


def test_session_clean_all_errors_together():
    booked = SessionFactory(title="Keynote", starts_at=bogota(1, 9), ends_at=bogota(1, 12))
    session = SessionFactory.build(
        event=booked.event, room=booked.room, starts_at=bogota(1, 11), ends_at=bogota(1, 10)
    )
    assert sorted(clean_errors(session)) == ["ends_at", "room"]


# The PostgreSQL trigger of migration 0002 (SQLite has no time zone arithmetic: clean() is the
# only guard there). Each test asserts what the database in use does.


def test_session_outside_event_dates_database_guard():
    event = EventFactory()
    outside = SessionFactory.build(
        event=event, starts_at=bogota(4, 0, 30), ends_at=bogota(4, 1, 30), room=None
    )
    outside.theme.save()
    if connection.vendor == "postgresql":
        with (
            pytest.raises(IntegrityError, match="lies outside the dates of event"),
            transaction.atomic(),
        ):
            outside.save()
        assert event.sessions.count() == 0
    else:
        outside.save()
        assert list(event.sessions.values_list("pk", flat=True)) == [outside.pk]


def test_session_late_on_last_local_day_accepted_by_database():
    """23:00 to midnight Bogota on the last day is the next UTC day: still within the event."""
    session = SessionFactory(starts_at=bogota(3, 23), ends_at=bogota(4, 0))
    session.refresh_from_db()
    assert session.ends_at == datetime(2030, 11, 30, 5, tzinfo=ZoneInfo("UTC"))


def test_session_moved_outside_event_dates_database_guard():
    session = SessionFactory(starts_at=bogota(1, 9), ends_at=bogota(1, 10))
    session.starts_at, session.ends_at = bogota(0, 9), bogota(0, 10)
    if connection.vendor == "postgresql":
        with (
            pytest.raises(IntegrityError, match="lies outside the dates of event"),
            transaction.atomic(),
        ):
            session.save()
        session.refresh_from_db()
        assert session.starts_at == bogota(1, 9)
    else:
        session.save()
        session.refresh_from_db()
        assert session.starts_at == bogota(0, 9)


@pytest.mark.parametrize(
    "change",
    [
        {"start_date": date(2030, 11, 28)},
        {"end_date": date(2030, 11, 28)},
        # Tokyo is 14 hours ahead: 10:00 Bogota on the 29th is already the 30th there.
        {"time_zone": "Asia/Tokyo"},
    ],
    ids=["later-first-day", "earlier-last-day", "other-zone"],
)
def test_event_update_leaving_sessions_outside_database_guard(change):
    event = EventFactory()
    SessionFactory(event=event, starts_at=bogota(1, 9), ends_at=bogota(1, 10))
    SessionFactory(event=event, starts_at=bogota(3, 10), ends_at=bogota(3, 11))
    if connection.vendor == "postgresql":
        with (
            pytest.raises(IntegrityError, match="would leave sessions outside its dates"),
            transaction.atomic(),
        ):
            Event.objects.filter(pk=event.pk).update(**change)
        event.refresh_from_db()
        assert (event.start_date, event.end_date, event.time_zone) == (
            date(2030, 11, 27),
            date(2030, 11, 29),
            "America/Bogota",
        )
    else:
        assert Event.objects.filter(pk=event.pk).update(**change) == 1
        event.refresh_from_db()
        assert {name: getattr(event, name) for name in change} == change


def test_event_update_keeping_sessions_inside_accepted_by_database():
    event = EventFactory()
    SessionFactory(event=event, starts_at=bogota(2, 9), ends_at=bogota(2, 10))
    event.start_date, event.end_date = date(2030, 11, 28), date(2030, 11, 28)
    event.save()
    event.refresh_from_db()
    assert (event.start_date, event.end_date) == (date(2030, 11, 28), date(2030, 11, 28))


# Small properties


@pytest.mark.parametrize(
    ("url", "visibility", "expected"),
    [
        ("https://stream.example/a", Session.Visibility.PUBLIC, True),
        ("https://stream.example/a", Session.Visibility.REGISTERED, False),
        ("https://stream.example/a", Session.Visibility.NONE, False),
        ("", Session.Visibility.PUBLIC, False),
    ],
)
def test_session_has_public_livestream_only_public_with_link(url, visibility, expected):
    session = Session(livestream_url=url, livestream_visibility=visibility)
    assert session.has_public_livestream == expected


@pytest.mark.parametrize(
    ("at", "registered", "expected"),
    [
        (bogota(1, 8, 44), False, ("upcoming", None)),
        (bogota(1, 8, 45), False, ("soon", "https://stream.example/a")),
        (bogota(1, 9), False, ("live", "https://stream.example/a")),
        (bogota(1, 9, 59), False, ("live", "https://stream.example/a")),
        (bogota(1, 10), False, ("recording", "https://stream.example/rec")),
        (bogota(1, 9), True, ("live", "https://stream.example/a")),
    ],
    ids=["before-reveal", "revealed", "starts", "last-minute", "ended", "registered-viewer"],
)
def test_session_livestream_public_over_time(at, registered, expected):
    session = SessionFactory.build(
        event=EventFactory.build(livestream_reveal_minutes=15),
        livestream_url="https://stream.example/a",
        livestream_visibility=Session.Visibility.PUBLIC,
        recording_url="https://stream.example/rec",
    )
    livestream = session.livestream(registered=registered, at=at)
    assert (livestream.state, livestream.url, livestream.reveal_at) == (*expected, bogota(1, 8, 45))


def test_session_livestream_ended_without_recording_no_link():
    session = SessionFactory.build(
        livestream_url="https://stream.example/a", livestream_visibility="public"
    )
    assert session.livestream(registered=False, at=bogota(3, 9)).state == "ended"
    assert session.livestream(registered=False, at=bogota(3, 9)).url is None


@pytest.mark.parametrize(
    ("visibility", "status", "registered", "expected"),
    [
        (Session.Visibility.REGISTERED, Session.Status.SCHEDULED, False, None),
        (Session.Visibility.REGISTERED, Session.Status.SCHEDULED, True, "live"),
        (Session.Visibility.NONE, Session.Status.SCHEDULED, True, None),
        (Session.Visibility.PUBLIC, Session.Status.CANCELLED, True, None),
    ],
    ids=["registered-only-to-visitor", "registered-only-to-participant", "none", "cancelled"],
)
def test_session_livestream_who_may_see_it(visibility, status, registered, expected):
    session = SessionFactory.build(
        livestream_url="https://stream.example/a", livestream_visibility=visibility, status=status
    )
    livestream = session.livestream(registered=registered, at=bogota(1, 9, 30))
    assert (livestream and livestream.state) == expected


def test_session_absolute_url_under_its_event():
    session = SessionFactory(event=EventFactory(slug="days-2030"))
    assert session.get_absolute_url() == f"/events/days-2030/sessions/{session.pk}/"


def test_str_is_the_name_or_title():
    session = SessionFactory(
        title="Opening",
        event=EventFactory(name="Days"),
        theme=ThemeFactory(name="AI"),
        room=RoomFactory(name="Hall"),
        speakers=[SpeakerFactory(name="Ana")],
    )
    assert [str(session), str(session.event), str(session.theme), str(session.room)] == [
        "Opening",
        "Days",
        "AI",
        "Hall",
    ]
    assert [str(speaker) for speaker in session.speakers.all()] == ["Ana"]
