"""The public calendar feeds through the real views: event, theme and single session."""

import re
import time as time_module
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Session
from tests.factories import EventFactory, RoomFactory, SessionFactory, SpeakerFactory, ThemeFactory
from tests.ical_checks import ical_checked

pytestmark = pytest.mark.django_db

BOGOTA = ZoneInfo("America/Bogota")
REVEAL = timedelta(minutes=15)
HOST = "localhost"  # of the default SITE_URL, http://localhost:8000
# A cold feed: the event (with the programme's version), the moments the programme changes
# with time, the sessions (their event is the one already loaded), their themes, their rooms,
# their speakers' names.
COLD_QUERIES = 6
# A cached feed, or a 304: the event.
CACHED_QUERIES = 1
# The theme feed looks up the theme too.
THEME_COLD_QUERIES = COLD_QUERIES + 1
THEME_CACHED_QUERIES = CACHED_QUERIES + 1
# The session feed: cached only once built, so only if the session exists.
SESSION_COLD_QUERIES = COLD_QUERIES
SESSION_CACHED_QUERIES = CACHED_QUERIES


def bogota(day: int, hour: int, minute: int = 0) -> datetime:
    """Bogota time on day 1, 2 or 3 of the factory event (27 to 29 November 2030)."""
    return datetime.combine(date(2030, 11, 26) + timedelta(days=day), time(hour, minute), BOGOTA)


def uid(session: Session) -> str:
    return f"session-{session.pk}@{HOST}"


def event_url(event) -> str:
    return reverse("events:event_calendar", args=[event.slug])


def theme_url(event, theme) -> str:
    return reverse("events:theme_calendar", args=[event.slug, theme.slug])


def session_url(session) -> str:
    return reverse("events:session_calendar", args=[session.event.slug, session.pk])


def calendar_of(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return ical_checked(response.content)


def uids(response) -> list[str]:
    return [str(v["UID"]) for v in calendar_of(response).walk("VEVENT")]


def vevent_of(response, session) -> icalendar.Event:
    (vevent,) = [v for v in calendar_of(response).walk("VEVENT") if v["UID"] == uid(session)]
    return vevent


@pytest.fixture
def event():
    return EventFactory()


@pytest.fixture
def data_theme():
    return ThemeFactory(name="Data governance", slug="data")


@pytest.fixture
def sessions(event, data_theme):
    """Three sessions: two in the data theme (one on each of the first two days), one not."""
    other = ThemeFactory(name="Connectivity", slug="connectivity")
    return [
        SessionFactory(
            event=event, theme=data_theme, starts_at=bogota(2, 9), ends_at=bogota(2, 10)
        ),
        SessionFactory(event=event, theme=other, starts_at=bogota(1, 11), ends_at=bogota(1, 12)),
        SessionFactory(
            event=event, theme=data_theme, starts_at=bogota(1, 9), ends_at=bogota(1, 10)
        ),
    ]


# --- what each feed holds -----------------------------------------------------------------------


def test_event_calendar_all_sessions_in_time_order(client, event, sessions):
    response = client.get(event_url(event))
    assert uids(response) == [uid(sessions[2]), uid(sessions[1]), uid(sessions[0])]
    assert response["Content-Disposition"] == f'inline; filename="{event.slug}.ics"'
    assert response["Cache-Control"] == "public, max-age=300"


def test_theme_calendar_only_that_themes_sessions(client, event, sessions, data_theme):
    response = client.get(theme_url(event, data_theme))
    assert uids(response) == [uid(sessions[2]), uid(sessions[0])]
    assert response["Content-Disposition"] == f'inline; filename="{event.slug}-data.ics"'


def test_theme_calendar_ignores_other_events_sessions(client, event, sessions, data_theme):
    other_event = EventFactory(
        name="Alliance Days 2031", start_date=date(2031, 11, 27), end_date=date(2031, 11, 29)
    )
    SessionFactory(
        event=other_event,
        theme=data_theme,
        starts_at=datetime(2031, 11, 27, 9, tzinfo=BOGOTA),
        ends_at=datetime(2031, 11, 27, 10, tzinfo=BOGOTA),
    )
    assert uids(client.get(theme_url(event, data_theme))) == [uid(sessions[2]), uid(sessions[0])]


def test_session_calendar_single_session(client, sessions):
    response = client.get(session_url(sessions[1]))
    calendar = calendar_of(response)
    assert [str(v["UID"]) for v in calendar.walk("VEVENT")] == [uid(sessions[1])]
    assert str(calendar["X-WR-CALNAME"]) == sessions[1].title
    assert response["Content-Disposition"] == (
        f'inline; filename="{sessions[1].event.slug}-session-{sessions[1].pk}.ics"'
    )


def test_session_calendar_hostile_title_names_the_calendar(client, event):
    title = "Datos, IA; y \\ ciberseguridad\nSegunda línea 🌎"
    session = SessionFactory(event=event, title=title)
    data = client.get(session_url(session)).content
    calendar = ical_checked(data)
    read = vobject.readOne(data.decode())
    assert (
        read.contents["x-wr-calname"][0].value,
        read.contents["name"][0].value,
        str(calendar.walk("VEVENT")[0]["SUMMARY"]),
    ) == (title, title, title)


def test_event_calendar_names_the_calendar(client, event, sessions):
    calendar = calendar_of(client.get(event_url(event)))
    assert (str(calendar["X-WR-CALNAME"]), str(calendar["X-WR-TIMEZONE"])) == (
        event.name,
        "America/Bogota",
    )


# --- conditional GET --------------------------------------------------------------------------


def test_event_calendar_etag_is_quoted(client, event, sessions):
    etag = client.get(event_url(event))["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}-en"', etag) is not None


def test_event_calendar_if_none_match_gives_304(client, event, sessions):
    first = client.get(event_url(event))
    second = client.get(event_url(event), headers={"if-none-match": first["ETag"]})
    assert (second.status_code, second.content, second["ETag"], second["Cache-Control"]) == (
        304,
        b"",
        first["ETag"],
        "public, max-age=300",
    )


def test_event_calendar_if_modified_since_gives_304(client, event, sessions):
    first = client.get(event_url(event))
    second = client.get(event_url(event), headers={"if-modified-since": first["Last-Modified"]})
    assert (second.status_code, second.content) == (304, b"")


def test_event_calendar_last_modified_is_latest_change(client, event, sessions):
    latest = max(Session.objects.values_list("updated_at", flat=True))
    response = client.get(event_url(event))
    assert response["Last-Modified"] == latest.strftime("%a, %d %b %Y %H:%M:%S GMT")


def test_event_calendar_if_modified_since_sees_link_revealed_since(client):
    """Nothing in the database changes when a livestream link is revealed, but the feed does:
    a client asking only If-Modified-Since must get it."""
    now = timezone.now()
    event = EventFactory(
        name="Alliance Days Live",
        start_date=now.astimezone(BOGOTA).date() - timedelta(days=1),
        end_date=now.astimezone(BOGOTA).date() + timedelta(days=1),
        livestream_reveal_minutes=15,
    )
    session = SessionFactory(
        event=event,
        starts_at=now + REVEAL + timedelta(seconds=3),  # revealed 3 s from now
        ends_at=now + timedelta(hours=1),
        livestream_url="https://stream.example/open",
        livestream_visibility="public",
    )
    before = client.get(event_url(event))
    time_module.sleep(max((session.starts_at - REVEAL - timezone.now()).total_seconds(), 0) + 1.1)
    after = client.get(event_url(event), headers={"if-modified-since": before["Last-Modified"]})
    assert [
        str(vevent_of(r, session)["DESCRIPTION"]).split("\n\n")[1] for r in (before, after)
    ] == [
        f"Livestream: the link appears on the session page from "
        f"{(session.starts_at - REVEAL).astimezone(BOGOTA):%H:%M}.",
        "Livestream: https://stream.example/open",
    ]


def test_session_calendar_if_none_match_gives_304(client, sessions):
    first = client.get(session_url(sessions[0]))
    second = client.get(session_url(sessions[0]), headers={"if-none-match": first["ETag"]})
    assert (second.status_code, second.content) == (304, b"")


def test_theme_calendar_if_none_match_gives_304(client, event, sessions, data_theme):
    first = client.get(theme_url(event, data_theme))
    second = client.get(theme_url(event, data_theme), headers={"if-none-match": first["ETag"]})
    assert (second.status_code, second.content) == (304, b"")


# --- changes reach the feeds ----------------------------------------------------------------


def test_event_calendar_moved_session_new_etag_sequence_and_time(client, event, sessions):
    before = client.get(event_url(event))
    old = vevent_of(before, sessions[0])
    session = Session.objects.get(pk=sessions[0].pk)
    session.starts_at, session.ends_at = bogota(3, 14), bogota(3, 15, 30)
    services.session_save(session=session, changed_fields=["starts_at", "ends_at"])

    stale = client.get(event_url(event), headers={"if-none-match": before["ETag"]})
    new = vevent_of(stale, sessions[0])
    assert stale["ETag"] != before["ETag"]
    assert (new["SEQUENCE"], new.decoded("DTSTART"), new.decoded("DTEND")) == (
        old["SEQUENCE"] + 1,
        bogota(3, 14),
        bogota(3, 15, 30),
    )
    assert (old["SEQUENCE"], new["DTSTART"].to_ical()) == (0, b"20301129T140000")


def test_event_calendar_cancelled_session_stays_cancelled(client, event, sessions):
    before = client.get(event_url(event))
    assert services.sessions_cancel(session_ids=[sessions[1].pk]) == 1
    after = client.get(event_url(event))
    assert after["ETag"] != before["ETag"]
    assert [
        (str(v["UID"]), str(v["STATUS"]), v["SEQUENCE"]) for v in calendar_of(after).walk("VEVENT")
    ] == [
        (uid(sessions[2]), "CONFIRMED", 0),
        (uid(sessions[1]), "CANCELLED", 1),
        (uid(sessions[0]), "CONFIRMED", 0),
    ]


def test_event_calendar_room_rename_changes_feed(client, event, sessions):
    room = sessions[0].room
    room.name = "Sala Barú"
    room.save()
    before = client.get(event_url(event))
    room.name = "Sala Caribe"
    room.save()
    after = client.get(event_url(event), headers={"if-none-match": before["ETag"]})
    assert after["ETag"] != before["ETag"]
    assert [str(vevent_of(r, sessions[0])["LOCATION"]) for r in (before, after)] == [
        "Sala Barú, Convention Centre, Cartagena de Indias",
        "Sala Caribe, Convention Centre, Cartagena de Indias",
    ]


def test_event_calendar_speaker_rename_changes_feed(client, event, sessions):
    speaker = SpeakerFactory(name="Ana Gómez")
    sessions[0].speakers.add(speaker)
    before = client.get(event_url(event))
    speaker.name = "Ana María Gómez"
    speaker.save()
    after = client.get(event_url(event), headers={"if-none-match": before["ETag"]})
    assert after["ETag"] != before["ETag"]
    assert str(vevent_of(after, sessions[0])["DESCRIPTION"]).split("\n\n")[0] == (
        "Speakers: Ana María Gómez"
    )


# --- livestream links reserved to registered participants -------------------------------------


@pytest.fixture
def live_session():
    """A session running now, streamed for registered participants only, and a public one."""
    now = timezone.now().astimezone(BOGOTA).replace(second=0, microsecond=0)
    event = EventFactory(
        name="Alliance Days Live",
        start_date=now.date() - timedelta(days=1),
        end_date=now.date() + timedelta(days=1),
    )
    theme = ThemeFactory(name="Cybersecurity", slug="cyber")
    SessionFactory(
        event=event,
        theme=theme,
        title="Open plenary",
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(minutes=50),
        livestream_url="https://stream.example/open-plenary",
        livestream_visibility="public",
    )
    return SessionFactory(
        event=event,
        theme=theme,
        title="Closed workshop",
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(minutes=50),
        livestream_url="https://stream.example/members-only-7f3a",
        livestream_visibility="registered",
    )


def test_public_feeds_never_show_registered_livestream(client, live_session):
    event = live_session.event
    feeds = [
        client.get(event_url(event)),
        client.get(theme_url(event, live_session.theme)),
        client.get(session_url(live_session)),
    ]
    secret = b"https://stream.example/members-only-7f3a"
    assert [secret in response.content for response in feeds] == [False, False, False]
    assert [str(vevent_of(r, live_session)["DESCRIPTION"]).split("\n\n") for r in feeds] == [
        [
            "Theme: Cybersecurity",
            "Livestreamed for registered participants: open this session from your private "
            "registration link to watch.",
            "Language: English",
            f"http://localhost:8000{live_session.get_absolute_url()}",
        ]
    ] * 3
    # The public stream of the other session is there: the feed does show links it may show.
    descriptions = [str(v["DESCRIPTION"]) for v in calendar_of(feeds[0]).walk("VEVENT")]
    assert [d.split("\n\n")[1] for d in descriptions] == [
        "Livestream: https://stream.example/open-plenary",
        "Livestreamed for registered participants: open this session from your private "
        "registration link to watch.",
    ]


def test_public_session_page_never_shows_registered_livestream(client, live_session):
    response = client.get(live_session.get_absolute_url())
    assert response.status_code == 200
    assert response.context["livestream"] is None
    assert b"https://stream.example/members-only-7f3a" not in response.content


# --- queries and caching ------------------------------------------------------------------


def programme(event, size: int) -> None:
    """`size` sessions over the three days, each with two speakers."""
    theme, room = ThemeFactory(slug="bulk"), RoomFactory()
    speakers = SpeakerFactory.create_batch(4)
    sessions = Session.objects.bulk_create(
        SessionFactory.build(
            event=event,
            theme=theme,
            room=room,
            starts_at=bogota(1 + i % 3, 8) + timedelta(minutes=i),
            ends_at=bogota(1 + i % 3, 9) + timedelta(minutes=i),
        )
        for i in range(size)
    )
    Session.speakers.through.objects.bulk_create(
        Session.speakers.through(session=session, speaker=speakers[(i + k) % 4])
        for i, session in enumerate(sessions)
        for k in (0, 1)
    )


@pytest.mark.parametrize("size", [10, 300])
def test_event_calendar_queries_constant(client, django_assert_num_queries, event, size):
    programme(event, size)
    with django_assert_num_queries(COLD_QUERIES):
        cold = client.get(event_url(event))
    with django_assert_num_queries(CACHED_QUERIES):
        cached = client.get(event_url(event))
    with django_assert_num_queries(CACHED_QUERIES):
        not_modified = client.get(event_url(event), headers={"if-none-match": cold["ETag"]})
    assert len(uids(cold)) == size
    assert (cached.content, not_modified.status_code) == (cold.content, 304)


@pytest.mark.parametrize("size", [10, 300])
def test_theme_calendar_queries_constant(client, django_assert_num_queries, event, size):
    programme(event, size)
    url = reverse("events:theme_calendar", args=[event.slug, "bulk"])
    with django_assert_num_queries(THEME_COLD_QUERIES):
        cold = client.get(url)
    with django_assert_num_queries(THEME_CACHED_QUERIES):
        cached = client.get(url)
    assert len(uids(cold)) == size
    assert cached.content == cold.content


@pytest.mark.parametrize("size", [10, 300])
def test_session_calendar_queries_constant(client, django_assert_num_queries, event, size):
    programme(event, size)
    session = Session.objects.order_by("pk").last()
    url = session_url(session)
    with django_assert_num_queries(SESSION_COLD_QUERIES):
        cold = client.get(url)
    with django_assert_num_queries(SESSION_CACHED_QUERIES):
        cached = client.get(url)
    assert uids(cold) == [uid(session)]
    assert cached.content == cold.content


# --- not found ------------------------------------------------------------------------------


def test_calendars_unknown_event_theme_or_session_404(client, event, sessions, data_theme):
    other_event = EventFactory(
        name="Alliance Days 2031", start_date=date(2031, 11, 27), end_date=date(2031, 11, 29)
    )
    urls = [
        reverse("events:event_calendar", args=["no-such-event"]),
        reverse("events:theme_calendar", args=[event.slug, "no-such-theme"]),
        reverse("events:theme_calendar", args=["no-such-event", data_theme.slug]),
        reverse("events:session_calendar", args=[event.slug, 999999]),
        reverse("events:session_calendar", args=[other_event.slug, sessions[0].pk]),
    ]
    responses = [client.get(url) for url in urls]
    assert [(r.status_code, r.get("ETag")) for r in responses] == [(404, None)] * 5


def test_calendars_unpublished_event_404(client, sessions):
    event = EventFactory(name="Draft days", published=False)
    session = SessionFactory(event=event)
    responses = [client.get(event_url(event)), client.get(session_url(session))]
    assert [r.status_code for r in responses] == [404, 404]


# --- drafts, private headers and non-canonical URLs, with the caches on as in production -------


def cache_entries() -> int:
    """How many entries the configured cache holds (Redis in CI, memory otherwise)."""
    from django.core.cache import cache

    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):  # LocMemCache
        return len(cache._cache)
    return len(cache._cache.get_client().keys(cache.make_key("*")))


def test_calendars_staff_preview_then_anonymous_404(client, organiser):
    """An organiser previews a draft programme's feeds; a stranger asking right after gets
    404, not the embargoed sessions (the per-process memo once served them for 30 s)."""
    event = EventFactory(name="Draft days", published=False)
    theme = ThemeFactory(name="Embargoed theme", slug="embargoed")
    session = SessionFactory(event=event, theme=theme, title="Embargoed session")
    urls = [event_url(event), theme_url(event, theme), session_url(session)]
    client.force_login(organiser)
    previews = [client.get(url) for url in urls]
    client.logout()
    strangers = [client.get(url) for url in urls]
    assert [(r.status_code, r.get("ETag"), r.get("Cache-Control")) for r in strangers] == [
        (404, None, None)
    ] * 3
    assert [(r.status_code, r["Cache-Control"], uids(r)) for r in previews] == [
        (200, "private, no-store", [uid(session)])
    ] * 3


def test_calendars_unpublished_after_being_served_404(client, event, sessions, data_theme):
    urls = [event_url(event), theme_url(event, data_theme), session_url(sessions[0])]
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    event.published = False
    event.save()
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]


def test_session_calendar_leading_zeros_redirect_no_cache_entry(client, sessions):
    """`<int:pk>` accepts 000123: each spelling once made its own never-evicted entry."""
    session = sessions[0]
    canonical = session_url(session)
    assert client.get(canonical).status_code == 200
    before = cache_entries()
    slug = session.event.slug
    responses = [
        client.get(f"/events/{slug}/sessions/{'0' * zeros}{session.pk}.ics")
        for zeros in range(1, 101)
    ]
    assert {(r.status_code, r["Location"]) for r in responses} == {(301, canonical)}
    assert cache_entries() == before


def test_calendar_unknown_language_variants_no_cache_entry(client, event, sessions):
    url = event_url(event)
    spanish = client.get(url, headers={"accept-language": "es"})
    before = cache_entries()
    variants = [
        client.get(url, headers={"accept-language": language})
        for language in ("es-AR", "es-419", "es-CO,es;q=0.9", "ES")
    ]
    cookies = []
    for language in ("es-zz", "xx", "es-" + "a" * 200):
        client.cookies["django_language"] = language
        cookies.append(client.get(url, headers={"accept-language": "es"}))
    assert {(r.status_code, r["ETag"]) for r in variants + cookies} == {(200, spanish["ETag"])}
    assert spanish["ETag"].endswith('-es"')
    assert cache_entries() == before


def test_event_calendar_event_renamed_if_modified_since_gets_it(client, event, sessions):
    before = client.get(event_url(event))
    time_module.sleep(1.1)  # Last-Modified counts whole seconds
    event.name = "Digital Alliance Days 2030 renamed"
    event.save()
    after = client.get(event_url(event), headers={"if-modified-since": before["Last-Modified"]})
    assert (after.status_code, str(calendar_of(after)["X-WR-CALNAME"])) == (
        200,
        "Digital Alliance Days 2030 renamed",
    )
