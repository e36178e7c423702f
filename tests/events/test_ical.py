"""The iCalendar builders of events/ical.py, on sessions loaded as the feeds load them."""

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from events import ical
from events.models import Session
from events.selectors import sessions_for_calendar
from tests.factories import EventFactory, RoomFactory, SessionFactory, SpeakerFactory, ThemeFactory
from tests.ical_checks import ical_checked

pytestmark = pytest.mark.django_db

SITE = "https://days.example.org"
BOGOTA = ZoneInfo("America/Bogota")
# Long before any factory session: livestreams are not yet revealed.
BEFORE = datetime(2030, 1, 1, tzinfo=UTC)


def bogota(day: int, hour: int, minute: int = 0) -> datetime:
    """Bogota time on day 1, 2 or 3 of the factory event (27 to 29 November 2030)."""
    return datetime.combine(date(2030, 11, 26) + timedelta(days=day), time(hour, minute), BOGOTA)


def loaded(*sessions: Session) -> list[Session]:
    """The sessions as the feeds load them (event, theme, room and speakers)."""
    return list(
        sessions_for_calendar(sessions=Session.objects.filter(pk__in=[s.pk for s in sessions]))
    )


def feed(sessions, *, event, name="Programme", at=BEFORE, registered=False) -> icalendar.Calendar:
    data = ical.sessions_feed(
        sessions, event=event, name=name, site_url=SITE, at=at, registered=registered
    )
    return ical_checked(data)


def vevents(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return calendar.walk("VEVENT")


def calendar_texts(data: bytes, *names: str) -> dict[str, str]:
    """Calendar-level TEXT properties as a calendar client reads them: icalendar leaves NAME
    and X-WR-* escaped, so vobject reads them."""
    calendar = vobject.readOne(data.decode())
    return {name: calendar.contents[name.lower()][0].value for name in names}


@pytest.fixture
def event():
    return EventFactory(name="Digital Alliance Days 2030", city="Cartagena de Indias")


@pytest.fixture
def session(event):
    return SessionFactory(
        event=event,
        title="Data governance",
        abstract="Who holds the data.",
        theme=ThemeFactory(name="Data and AI"),
        room=RoomFactory(name="Sala Barú", venue="Convention Centre"),
        starts_at=bogota(1, 9),
        ends_at=bogota(1, 10, 30),
        speakers=[SpeakerFactory(name="Beatriz Pérez"), SpeakerFactory(name="Ana Gómez")],
    )


def test_session_vevent_uid_stable_across_regenerations(event, session):
    first = feed(loaded(session), event=event)
    session.title = "Data governance, revised"
    session.save()
    second = feed(loaded(session), event=event)
    uids = [[str(v["UID"]) for v in vevents(c)] for c in (first, second)]
    assert uids == [[f"session-{session.pk}@days.example.org"]] * 2


def test_session_vevent_uid_host_from_site_url(session):
    (session,) = loaded(session)
    vevent = ical.session_vevent(session, site_url="http://localhost:8000", at=BEFORE)
    assert str(vevent["UID"]) == f"session-{session.pk}@localhost"


def test_session_vevent_times_carry_event_tzid(event, session):
    (vevent,) = vevents(feed(loaded(session), event=event))
    assert (vevent["DTSTART"].params["TZID"], vevent["DTEND"].params["TZID"]) == (
        "America/Bogota",
        "America/Bogota",
    )
    assert (vevent.decoded("DTSTART"), vevent.decoded("DTEND")) == (bogota(1, 9), bogota(1, 10, 30))
    assert vevent["DTSTART"].to_ical() == b"20301127T090000"
    assert vevent["DTEND"].to_ical() == b"20301127T103000"


def test_sessions_feed_one_vtimezone_for_many_sessions(event):
    sessions = [
        SessionFactory(event=event, starts_at=bogota(day, 9), ends_at=bogota(day, 10))
        for day in (1, 2, 3)
    ]
    calendar = feed(loaded(*sessions), event=event)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/Bogota"]


def test_calendar_build_one_vtimezone_per_tzid(event, session):
    madrid = EventFactory(
        name="Alliance Days Madrid",
        time_zone="Europe/Madrid",
        start_date=date(2031, 3, 28),
        end_date=date(2031, 3, 31),
    )
    spring = SessionFactory(
        event=madrid,
        starts_at=datetime(2031, 3, 30, 10, tzinfo=ZoneInfo("Europe/Madrid")),
        ends_at=datetime(2031, 3, 30, 11, tzinfo=ZoneInfo("Europe/Madrid")),
    )
    other = SessionFactory(event=event, starts_at=bogota(2, 9), ends_at=bogota(2, 10))
    calendar = ical.calendar_build(
        [ical.session_vevent(s, site_url=SITE, at=BEFORE) for s in loaded(session, spring, other)],
        name="Two events",
    )
    ical_checked(calendar.to_ical())
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [
        "America/Bogota",
        "Europe/Madrid",
    ]
    (vevent,) = [
        v for v in vevents(calendar) if v["UID"] == f"session-{spring.pk}@days.example.org"
    ]
    assert vevent["DTSTART"].to_ical() == b"20310330T100000"
    assert vevent["DTSTART"].params["TZID"] == "Europe/Madrid"


def test_session_vevent_sequence_is_session_sequence(event, session):
    Session.objects.filter(pk=session.pk).update(sequence=4)
    (vevent,) = vevents(feed(loaded(session), event=event))
    assert vevent["SEQUENCE"] == 4


def test_sessions_feed_cancelled_session_kept_cancelled(event, session):
    cancelled = SessionFactory(
        event=event, starts_at=bogota(2, 9), ends_at=bogota(2, 10), status="cancelled"
    )
    calendar = feed(loaded(session, cancelled), event=event)
    assert [(str(v["UID"]), str(v["STATUS"])) for v in vevents(calendar)] == [
        (f"session-{session.pk}@days.example.org", "CONFIRMED"),
        (f"session-{cancelled.pk}@days.example.org", "CANCELLED"),
    ]


def test_session_vevent_location_room_venue_city(event, session):
    roomless = SessionFactory(event=event, room=None, starts_at=bogota(2, 9), ends_at=bogota(2, 10))
    calendar = feed(loaded(session, roomless), event=event)
    assert [str(v["LOCATION"]) for v in vevents(calendar)] == [
        "Sala Barú, Convention Centre, Cartagena de Indias",
        "Convention Centre, Cartagena de Indias",
    ]


def test_session_vevent_categories_theme(event, session):
    comma = SessionFactory(
        event=event,
        theme=ThemeFactory(name="Cybersecurity, trust", slug="cyber"),
        starts_at=bogota(2, 9),
        ends_at=bogota(2, 10),
    )
    calendar = feed(loaded(session, comma), event=event)
    assert [v["CATEGORIES"].cats for v in vevents(calendar)] == [
        ["Data and AI"],
        ["Cybersecurity, trust"],
    ]


def test_session_vevent_summary_url_and_stamps(event, session):
    (vevent,) = vevents(feed(loaded(session), event=event))
    session.refresh_from_db()
    assert (
        str(vevent["SUMMARY"]),
        str(vevent["URL"]),
        vevent.decoded("DTSTAMP"),
        vevent.decoded("LAST-MODIFIED"),
    ) == (
        "Data governance",
        f"{SITE}/events/{event.slug}/sessions/{session.pk}/",
        session.updated_at.replace(microsecond=0),  # iCalendar counts whole seconds
        session.updated_at.replace(microsecond=0),
    )


def test_sessions_feed_urls_are_the_session_pages_whatever_the_slug():
    """The page URL is reversed once per calendar with a placeholder id: a slug that looks
    like that placeholder must not be mistaken for it."""
    event = EventFactory(slug="0")
    sessions = loaded(*(SessionFactory(event=event) for _ in range(2)))
    urls = [str(v["URL"]) for v in vevents(feed(sessions, event=event))]
    assert urls == [SITE + s.get_absolute_url() for s in sessions]
    assert urls[0] == f"{SITE}/events/0/sessions/{sessions[0].pk}/"


# --- livestream links in DESCRIPTION ----------------------------------------------------------


def description(session: Session, *, at: datetime, registered: bool = False) -> str:
    (vevent,) = vevents(feed(loaded(session), event=session.event, at=at, registered=registered))
    return str(vevent["DESCRIPTION"])


def expected_description(session: Session, stream_line: str = "") -> str:
    parts = [
        "Who holds the data.",
        "Speakers: Ana Gómez, Beatriz Pérez",
        "Theme: Data and AI",
        *([stream_line] if stream_line else []),
        "Language: English",
        f"{SITE}/events/{session.event.slug}/sessions/{session.pk}/",
    ]
    return "\n\n".join(parts)


def test_session_vevent_description_public_livestream_link(session):
    Session.objects.filter(pk=session.pk).update(
        livestream_url="https://stream.example/public", livestream_visibility="public"
    )
    soon = bogota(1, 8, 50)  # within the 15 minutes before the start when links are revealed
    assert description(session, at=soon) == expected_description(
        session, "Livestream: https://stream.example/public"
    )


def test_session_vevent_description_public_livestream_announced_before_reveal(session):
    Session.objects.filter(pk=session.pk).update(
        livestream_url="https://stream.example/public", livestream_visibility="public"
    )
    assert description(session, at=BEFORE) == expected_description(
        session, "Livestream: the link appears on the session page from 08:45."
    )


def test_session_vevent_description_registered_link_hidden_from_public(session):
    Session.objects.filter(pk=session.pk).update(
        livestream_url="https://stream.example/members", livestream_visibility="registered"
    )
    live = bogota(1, 9, 30)
    assert description(session, at=live) == expected_description(
        session,
        "Livestreamed for registered participants: open this session from your private "
        "registration link to watch.",
    )


def test_session_vevent_description_registered_link_for_registered(session):
    Session.objects.filter(pk=session.pk).update(
        livestream_url="https://stream.example/members",
        livestream_visibility="registered",
        recording_url="https://stream.example/recording",
    )
    live, after = bogota(1, 9, 30), bogota(1, 11)
    assert [description(session, at=at, registered=True) for at in (live, after)] == [
        expected_description(session, "Livestream: https://stream.example/members"),
        expected_description(session, "Recording: https://stream.example/recording"),
    ]


# --- the calendar around the events -----------------------------------------------------------


def test_sessions_feed_calendar_properties(event, session):
    data = ical.sessions_feed(
        loaded(session), event=event, name="Digital Alliance Days 2030", site_url=SITE, at=BEFORE
    )
    calendar = ical_checked(data)
    assert calendar_texts(data, "NAME", "X-WR-CALNAME", "X-WR-CALDESC", "X-WR-TIMEZONE") == {
        "NAME": "Digital Alliance Days 2030",
        "X-WR-CALNAME": "Digital Alliance Days 2030",
        "X-WR-CALDESC": (
            f"Digital Alliance Days 2030, Cartagena de Indias. {SITE}/events/{event.slug}/"
        ),
        "X-WR-TIMEZONE": "America/Bogota",
    }
    assert (
        str(calendar["PRODID"]),
        str(calendar["METHOD"]),
        calendar["REFRESH-INTERVAL"].params["VALUE"],
        calendar.decoded("REFRESH-INTERVAL"),
        calendar["X-PUBLISHED-TTL"].to_ical(),
    ) == ("-//Alliance Days//Programme//EN", "PUBLISH", "DURATION", timedelta(hours=1), b"PT1H")


# --- hostile text -------------------------------------------------------------------------------

HOSTILE_TITLES = [
    "Data, trust; and \\ backslashes \\, \\; \\n",
    "Line one\nLine two\n\nLine four",
    "Conectividad 🌎🇪🇺🇨🇴 — ¿Qué sigue? «Sí» ñ ç ã",
    "Quotes \"double\" and 'single', colons: and <tags>",
    ("Gobernanza de datos, IA; ciberseguridad \\ 🌎 " * 200)[:5000],
]


@pytest.mark.parametrize("title", HOSTILE_TITLES, ids=range(len(HOSTILE_TITLES)))
def test_session_vevent_hostile_title_round_trips(event, session, title):
    (session,) = loaded(session)
    session.title = title  # in memory only: 5,000 characters exceed the column
    (vevent,) = vevents(feed([session], event=event, name=title))
    assert str(vevent["SUMMARY"]) == title


@pytest.mark.parametrize("title", HOSTILE_TITLES, ids=range(len(HOSTILE_TITLES)))
def test_calendar_build_hostile_name_round_trips(session, title):
    data = ical.calendar_build(
        [], name=title, description=title, time_zone="America/Bogota"
    ).to_ical()
    calendar = ical_checked(data)
    assert calendar_texts(data, "NAME", "X-WR-CALNAME", "X-WR-CALDESC") == {
        "NAME": title,
        "X-WR-CALNAME": title,
        "X-WR-CALDESC": title,
    }
    assert str(calendar["DESCRIPTION"]) == title


def test_session_vevent_control_characters_dropped(event, session):
    (session,) = loaded(session)
    session.title = "Bell\x07 null\x00 escape\x1b[31m red\x7f"
    session.abstract = "Tab\tkept\x0b\x0c, form feeds gone"
    session.theme.name = "Data\x1f and AI"
    session.room.name = "Sala\x08 Barú"
    event.name = "Digital\x00 Alliance Days"
    (vevent,) = vevents(feed([session], event=event, name=event.name))
    assert (
        str(vevent["SUMMARY"]),
        str(vevent["DESCRIPTION"]).split("\n\n")[0],
        vevent["CATEGORIES"].cats,
        str(vevent["LOCATION"]),
    ) == (
        "Bell null escape[31m red",
        "Tab\tkept, form feeds gone",
        ["Data and AI"],
        "Sala Barú, Convention Centre, Cartagena de Indias",
    )


def test_line_and_paragraph_separators_become_newlines(event, session):
    (session,) = loaded(session)
    session.title = "One\u2028two\u2029three\x85four"
    session.abstract = "Abstract\u2029second paragraph"
    name = "My\u2028sessions"

    data = ical.sessions_feed(
        [session], event=event, name=name, site_url=SITE, at=BEFORE, registered=False
    )

    (vevent,) = vevents(ical_checked(data))
    assert str(vevent["SUMMARY"]) == "One\ntwo\nthree\nfour"
    assert str(vevent["DESCRIPTION"]).startswith("Abstract\nsecond paragraph\n\n")
    assert calendar_texts(data, "X-WR-CALNAME") == {"X-WR-CALNAME": "My\nsessions"}
    assert [sep for sep in ("\u2028", "\u2029", "\x85") if sep.encode() in data] == []


# --- the whole event, and invitations -----------------------------------------------------------


def test_event_vevent_all_day_span(event):
    stamp = datetime(2030, 6, 1, 12, tzinfo=UTC)
    vevent = ical.event_vevent(event, site_url=SITE, uid_suffix="42", sequence=0, stamp=stamp)
    calendar = ical_checked(ical.calendar_build([vevent], name=event.name).to_ical())
    (vevent,) = vevents(calendar)
    assert (
        str(vevent["UID"]),
        vevent.decoded("DTSTART"),
        vevent.decoded("DTEND"),
        vevent["DTSTART"].params["VALUE"],
        str(vevent["LOCATION"]),
        str(vevent["TRANSP"]),
        vevent.decoded("DTSTAMP"),
    ) == (
        f"event-{event.pk}-42@days.example.org",
        date(2030, 11, 27),
        date(2030, 11, 30),  # exclusive: the day after the last
        "DATE",
        "Convention Centre, Cartagena de Indias",
        "TRANSPARENT",
        stamp,
    )
    assert calendar.walk("VTIMEZONE") == []


@pytest.mark.parametrize(
    ("method", "status", "partstat"),
    [("REQUEST", "CONFIRMED", "ACCEPTED"), ("CANCEL", "CANCELLED", "DECLINED")],
)
def test_invitation_method_people_and_sequence(event, session, method, status, partstat):
    (session,) = loaded(session)
    vevent = ical.session_vevent(session, site_url=SITE, at=BEFORE, registered=True)
    data = ical.invitation(
        vevent,
        method=method,
        sequence=3,
        organizer=("Digital Alliance Days 2030", "organisers@example.org"),
        attendee=('Ana "La Jefa" Restrepo, PhD; Bogotá', "ana@example.org"),
        time_zone=event.time_zone,
    )
    calendar = ical_checked(data)
    (vevent,) = vevents(calendar)
    assert (
        str(calendar["METHOD"]),
        str(vevent["UID"]),
        vevent["SEQUENCE"],
        str(vevent["STATUS"]),
        str(vevent["ORGANIZER"]),
        vevent["ORGANIZER"].params["CN"],
        str(vevent["ATTENDEE"]),
        dict(vevent["ATTENDEE"].params),
    ) == (
        method,
        f"session-{session.pk}@days.example.org",
        3,
        status,
        "mailto:organisers@example.org",
        "Digital Alliance Days 2030",
        "mailto:ana@example.org",
        {
            "CN": 'Ana "La Jefa" Restrepo, PhD; Bogotá',
            "ROLE": "REQ-PARTICIPANT",
            "PARTSTAT": partstat,
            "RSVP": "FALSE",
        },
    )
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["America/Bogota"]


def test_vtimezone_built_once_per_zone_and_years():
    assert ical.vtimezone("America/Bogota", 2030, 2030) is ical.vtimezone(
        "America/Bogota", 2030, 2030
    )


# --- hostile text survives escaping and folding ---------------------------------------------


# Every kind of character that matters to escaping and folding: multi-byte ones that a fold
# must not split, and the backslash and caret a fold must not end on. No capital N: icalendar
# writes a backslash before it as a line break (\N).
ALPHABET = "abc xyz;,\\^\n\r:\"'é€😀🇨🇴\t"


@pytest.mark.parametrize("seed", range(40))
def test_sessions_feed_random_titles_round_trip(event, session, seed):
    generator = random.Random(seed)
    (session,) = loaded(session)
    session.title = "".join(generator.choices(ALPHABET, k=generator.randrange(1, 400)))
    session.abstract = "".join(generator.choices(ALPHABET, k=generator.randrange(0, 400)))
    (vevent,) = vevents(feed([session], event=event))
    expected = session.title.replace("\r\n", "\n").replace("\r", "\n")
    assert str(vevent["SUMMARY"]) == expected
