import os
import subprocess
import sys
import time as time_module
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from events import services
from events.models import Session
from tests.factories import (
    EventFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    ThemeFactory,
    UserFactory,
)
from tests.pages import parse

pytestmark = pytest.mark.django_db

BOGOTA = ZoneInfo("America/Bogota")
PUBLIC_STREAM = "https://stream.example/public-session"
PRIVATE_STREAM = "https://stream.example/registered-only-session"

# Queries per page, whatever the size of the programme. Every page reads the event, whose
# programme version says whether the cached bytes are current: that is all when the page is
# cached, or for a 304.
CACHED_QUERIES = 1
# Built: the moments the programme changes with time (session starts and ends, livestream
# links revealed), read once per version; then, for the programme: themes, rooms, sessions,
# their themes, their rooms (one instance each, shared by the sessions), their speakers' names.
BUILT_QUERIES = CACHED_QUERIES + 1
PROGRAMME_QUERIES = BUILT_QUERIES + 6
# session (with theme, room, event), speakers
SESSION_DETAIL_QUERIES = BUILT_QUERIES + 2
# speakers, their sessions (with theme)
SPEAKER_LIST_QUERIES = BUILT_QUERIES + 2


def bogota(day: int, hour: int, minute: int = 0) -> datetime:
    """Bogota time on day 1, 2, 3 of the factory event (27 to 29 November 2030)."""
    return datetime.combine(date(2030, 11, 26) + timedelta(days=day), time(hour, minute), BOGOTA)


def programme_url(event, query: str = "") -> str:
    return f"/events/{event.slug}/programme/{query}"


def session_url(session) -> str:
    return f"/events/{session.event.slug}/sessions/{session.pk}/"


def filter_links(doc) -> dict[str, list[tuple[str, str]]]:
    """Each filter group of the programme page: its label and (text, href) of its links."""
    return {
        group.one("span").text: [(a.text, a.attrs["href"]) for a in group.select("a")]
        for group in doc.select("div", cls="filter-group")
    }


def selected_filters(doc) -> list[str]:
    return [
        a.text
        for a in doc.select("a")
        if {"btn-primary", "btn-secondary"} & a.classes and a.text != "All"
    ]


def day_sections(doc) -> list:
    return [
        section
        for section in doc.one("main").select("section")
        if section.attrs.get("aria-labelledby", "").startswith("day-")
    ]


def days_on_page(doc) -> list[tuple[str, list[str]]]:
    """Each day heading of the programme with the session titles under it."""
    return [
        (section.one("h2").text, [a.text for a in section.select("a", cls="session-title")])
        for section in day_sections(doc)
    ]


def context_days(response) -> list[tuple[date, list[str]]]:
    return [(day, [s.title for s in sessions]) for day, sessions in response.context["days"]]


@pytest.fixture
def programme():
    """Two days of the factory event, with two themes, two rooms and two formats."""
    event = EventFactory(slug="days")
    data = ThemeFactory(name="Data governance", slug="data-governance", position=1)
    ai = ThemeFactory(name="Artificial intelligence", slug="ai", position=2)
    hall, terrace = RoomFactory(name="Hall"), RoomFactory(name="Terrace")
    SessionFactory(event=event, title="Opening", theme=data, room=hall, format="plenary")
    SessionFactory(
        event=event,
        title="AI workshop",
        theme=ai,
        room=terrace,
        format="workshop",
        starts_at=bogota(1, 11),
        ends_at=bogota(1, 12, 30),
    )
    SessionFactory(
        event=event,
        title="Data spaces",
        theme=data,
        room=terrace,
        format="panel",
        starts_at=bogota(2, 9),
        ends_at=bogota(2, 10),
    )
    return event


# Event list and event home


def test_event_list_only_published_events(client):
    EventFactory(name="Days 2030", slug="days-2030")
    EventFactory(name="Draft", published=False)

    doc = parse(client.get("/"))

    cards = doc.one("main").select("article")
    assert [(card.one("a").text, card.one("a").attrs["href"]) for card in cards] == [
        ("Days 2030", "/events/days-2030/")
    ]


def test_event_detail_shows_name_dates_place_hosts_and_themes(client):
    event = EventFactory(
        name="Digital Alliance Days 2030",
        slug="days",
        venue="Convention Centre",
        city="Cartagena de Indias",
        hosts="EU and AECID",
    )
    SessionFactory(event=event, theme=ThemeFactory(name="Connectivity", slug="conn", position=2))
    SessionFactory(
        event=event,
        theme=ThemeFactory(name="Cybersecurity", slug="cyber", position=1),
        starts_at=bogota(2, 9),
        ends_at=bogota(2, 10),
    )
    ThemeFactory(name="Unused theme")

    response = client.get("/events/days/")

    hero = parse(response).one("main").select("section")[0]
    paragraphs = [p.text for p in hero.select("p")]
    assert hero.one("h1").text == "Digital Alliance Days 2030"
    assert paragraphs == [
        "27 November – 29 November 2030",
        "Convention Centre, Cartagena de Indias · All times are in Bogotá Time (UTC−5).",
        "Hosted by EU and AECID",
    ]
    themes = parse(response).select("a", cls="theme-badge")
    assert [(a.text, a.attrs["href"]) for a in themes] == [
        ("Cybersecurity", "/events/days/themes/cyber/"),
        ("Connectivity", "/events/days/themes/conn/"),
    ]
    assert response.context["event"] == event


def test_event_detail_without_sessions_says_programme_in_preparation(client):
    EventFactory(slug="days")
    doc = parse(client.get("/events/days/"))
    themes_list = doc.one("main").select("ul", cls="list-unstyled")[0]
    assert [li.text for li in themes_list.select("li")] == ["The programme is being prepared."]


# Programme


def test_programme_grouped_by_day_in_time_order(client, programme):
    response = client.get(programme_url(programme))

    doc = parse(response)
    assert doc.one("h1").text == "Programme"
    assert doc.one("main").select("p")[0].text == "All times are in Bogotá Time (UTC−5)."
    assert days_on_page(doc) == [
        ("Wednesday 27 November 2030", ["Opening", "AI workshop"]),
        ("Thursday 28 November 2030", ["Data spaces"]),
    ]
    assert context_days(response) == [
        (date(2030, 11, 27), ["Opening", "AI workshop"]),
        (date(2030, 11, 28), ["Data spaces"]),
    ]
    assert response.context["filtered"] is False


def test_programme_session_card_shows_local_time_theme_format_room_speakers(client):
    session = SessionFactory(
        title="Data flows",
        starts_at=bogota(1, 9, 30),
        ends_at=bogota(1, 11),
        theme=ThemeFactory(name="Data"),
        room=RoomFactory(name="Barú"),
        format=Session.Format.WORKSHOP,
        speakers=[SpeakerFactory(name="Sofía"), SpeakerFactory(name="Ana")],
    )

    card = parse(client.get(programme_url(session.event))).one(
        "article", id_=f"session-{session.pk}"
    )

    assert card.one("div", cls="time-col").text == "09:30–11:00"
    assert card.one("a", cls="session-title").attrs["href"] == session_url(session)
    assert card.one("div", cls="small").text == "Data Workshop · English · Barú · Ana, Sofía"


def test_programme_filter_links_for_days_themes_formats_and_rooms(client, programme):
    hall, terrace = sorted(
        {s.room for s in programme.sessions.select_related("room")}, key=lambda r: r.name
    )

    doc = parse(client.get(programme_url(programme)))

    assert filter_links(doc) == {
        "Day": [
            ("All", ""),
            ("Wed 27 Nov", "?day=2030-11-27"),
            ("Thu 28 Nov", "?day=2030-11-28"),
            ("Fri 29 Nov", "?day=2030-11-29"),
        ],
        "Theme": [
            ("All", ""),
            ("Data governance", "?theme=data-governance"),
            ("Artificial intelligence", "?theme=ai"),
        ],
        "Format": [
            ("All", ""),
            ("Plenary", "?format=plenary"),
            ("Keynote", "?format=keynote"),
            ("Panel", "?format=panel"),
            ("Workshop", "?format=workshop"),
            ("Networking", "?format=networking"),
        ],
        "Room": [("All", ""), ("Hall", f"?room={hall.pk}"), ("Terrace", f"?room={terrace.pk}")],
        "Language": [
            ("All", ""),
            ("English", "?language=en"),
            ("Spanish", "?language=es"),
            ("Portuguese", "?language=pt"),
        ],
    }
    assert selected_filters(doc) == []


def test_programme_filtered_by_theme(client, programme):
    response = client.get(programme_url(programme, "?theme=data-governance"))

    doc = parse(response)
    assert days_on_page(doc) == [
        ("Wednesday 27 November 2030", ["Opening"]),
        ("Thursday 28 November 2030", ["Data spaces"]),
    ]
    assert response.context["selected_theme"].slug == "data-governance"
    assert selected_filters(doc) == ["Data governance"]
    # Other filters keep the theme; its own "All" link drops it.
    links = filter_links(doc)
    assert links["Theme"][0] == ("All", "?")
    assert links["Format"][4] == ("Workshop", "?theme=data-governance&format=workshop")
    clear = doc.one("nav", **{"aria-label": "Filters"}).one("a", href=programme_url(programme))
    assert clear.text == "Clear all filters"


def test_programme_filtered_by_format(client, programme):
    response = client.get(programme_url(programme, "?format=workshop"))

    assert days_on_page(parse(response)) == [("Wednesday 27 November 2030", ["AI workshop"])]
    assert response.context["selected_format"] == "workshop"
    assert selected_filters(parse(response)) == ["Workshop"]


def test_programme_filtered_by_room(client, programme):
    terrace = programme.sessions.get(title="Data spaces").room

    response = client.get(programme_url(programme, f"?room={terrace.pk}"))

    assert days_on_page(parse(response)) == [
        ("Wednesday 27 November 2030", ["AI workshop"]),
        ("Thursday 28 November 2030", ["Data spaces"]),
    ]
    assert response.context["selected_room"] == terrace


def test_programme_filters_combined(client, programme):
    terrace = programme.sessions.get(title="Data spaces").room

    response = client.get(programme_url(programme, f"?theme=data-governance&room={terrace.pk}"))

    assert context_days(response) == [(date(2030, 11, 28), ["Data spaces"])]
    assert selected_filters(parse(response)) == ["Data governance", "Terrace"]


@pytest.mark.parametrize(
    "query",
    [
        "?theme=unknown",
        "?format=lecture",
        "?room=999999",
        "?room=abc",
        "?theme=",
        "?day=2030-11-26",  # the day before the event
        "?day=2030-13-45",
        "?day=%00",
    ],
)
def test_programme_unknown_filter_value_empty_state(client, programme, query):
    response = client.get(programme_url(programme, query))

    doc = parse(response)
    assert doc.one("div", cls="alert").text == "No session matches these filters."
    assert day_sections(doc) == []
    assert response.context["days"] == []
    assert response.context["filtered"] is True


def test_programme_day_filter_counts_days_in_the_events_zone(client, programme):
    # 23:00 in Bogotá is 04:00 UTC the next day.
    SessionFactory(
        event=programme, title="Night owls", starts_at=bogota(1, 23), ends_at=bogota(1, 23, 45)
    )
    response = client.get(programme_url(programme, "?day=2030-11-27&format=workshop"))
    assert context_days(response) == [(date(2030, 11, 27), ["AI workshop"])]
    response = client.get(programme_url(programme, "?day=2030-11-27"))
    assert context_days(response) == [
        (date(2030, 11, 27), ["Opening", "AI workshop", "Night owls"])
    ]
    assert selected_filters(parse(response)) == ["Wed 27 Nov"]


def test_programme_filters_matching_nothing_empty_state(client, programme):
    response = client.get(programme_url(programme, "?theme=ai&format=plenary"))
    assert parse(response).one("div", cls="alert").text == "No session matches these filters."


def test_programme_without_sessions_not_published_message(client):
    event = EventFactory()
    doc = parse(client.get(programme_url(event)))
    assert doc.one("div", cls="alert").text == (
        "The programme has not been published yet. Please come back soon."
    )


def test_programme_cancelled_session_listed_and_marked(client):
    session = SessionFactory(
        title="Cancelled panel",
        status=Session.Status.CANCELLED,
        livestream_url=PUBLIC_STREAM,
        livestream_visibility=Session.Visibility.PUBLIC,
    )

    card = parse(client.get(programme_url(session.event))).one(
        "article", id_=f"session-{session.pk}"
    )

    assert card.classes == {"card", "session-card", "mb-2", "cancelled"}
    assert [b.text for b in card.one("h3").select("span", cls="badge")] == ["Cancelled"]


def test_programme_public_livestream_badge(client):
    streamed = SessionFactory(
        livestream_url=PUBLIC_STREAM, livestream_visibility=Session.Visibility.PUBLIC
    )
    private = SessionFactory(
        event=streamed.event,
        livestream_url=PRIVATE_STREAM,
        livestream_visibility=Session.Visibility.REGISTERED,
    )

    doc = parse(client.get(programme_url(streamed.event)))

    badges = {
        session.pk: [b.text for b in doc.one(id_=f"session-{session.pk}").one("h3").select("span")]
        for session in (streamed, private)
    }
    assert badges == {streamed.pk: ["Livestream"], private.pk: []}


def test_programme_html_in_title_escaped(client):
    title = '<script>alert("x")</script> & <b>bold</b>'
    session = SessionFactory(title=title)

    response = client.get(programme_url(session.event))

    link = parse(response).one("a", cls="session-title")
    assert (link.text, link.select()) == (title, [])
    assert response.content.decode().count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") == 1


# Session detail


def test_session_detail_time_in_event_zone_with_zone_named(client):
    session = SessionFactory(
        title="Opening plenary",
        starts_at=datetime(2030, 11, 27, 14, tzinfo=ZoneInfo("UTC")),
        ends_at=datetime(2030, 11, 27, 15, tzinfo=ZoneInfo("UTC")),
        room=RoomFactory(name="Plenary Hall", floor="Ground floor"),
        format=Session.Format.PLENARY,
        language=Session.Language.ES,
        capacity=250,
    )

    doc = parse(client.get(session_url(session)))

    assert doc.one("h1").text == "Opening plenary"
    assert doc.one("dd", id_="session-when").text == (
        "Wednesday 27 November 2030, 09:00–10:00, Bogotá Time (UTC−5)"
    )
    labels, values = doc.select("dt"), doc.select("dd")
    details = {dt.text: dd.text for dt, dd in zip(labels, values, strict=True)}
    assert details == {
        "When": "Wednesday 27 November 2030, 09:00–10:00, Bogotá Time (UTC−5)",
        "Where": "Plenary Hall (Ground floor), Convention Centre, Cartagena de Indias",
        "Format": "Plenary",
        "Theme": session.theme.name,
        "Language": "Spanish",
        "Seats": "250",
    }


def test_session_detail_event_in_another_zone_uses_that_zone(client):
    event = EventFactory(time_zone="Europe/Madrid")
    session = SessionFactory(
        event=event,
        starts_at=datetime(2030, 11, 27, 8, tzinfo=ZoneInfo("UTC")),
        ends_at=datetime(2030, 11, 27, 9, 30, tzinfo=ZoneInfo("UTC")),
    )

    doc = parse(client.get(session_url(session)))

    assert doc.one("dd", id_="session-when").text == (
        "Wednesday 27 November 2030, 09:00–10:30, Madrid Time (UTC+1)"
    )


def session_around_now(*, starts_in: timedelta, length=timedelta(hours=1), **fields) -> Session:
    """A session starting `starts_in` from now (negative: already started), in an event whose
    days run from yesterday to tomorrow in Bogota."""
    today = timezone.localdate(timezone=BOGOTA)
    event = EventFactory(
        start_date=today - timedelta(days=1),
        end_date=today + timedelta(days=1),
        livestream_reveal_minutes=15,
    )
    starts_at = (timezone.now() + starts_in).replace(second=0, microsecond=0)
    return SessionFactory(event=event, starts_at=starts_at, ends_at=starts_at + length, **fields)


def livestream_box(response) -> list[tuple[str, str | None]]:
    """The livestream block of a session page: each badge, link and message."""
    box = parse(response).one("div", id_="livestream")
    return [
        (element.text, element.attrs.get("href"))
        for element in box.iter()
        if element.tag in ("span", "a")
        # An alert's own text, <time> elements included, unless it holds badges or links.
        or (
            element.tag == "div"
            and "alert" in element.classes
            and not element.select("span") + element.select("a")
        )
    ]


@pytest.mark.parametrize(
    ("starts_in", "state"),
    [(timedelta(minutes=-10), "Live now"), (timedelta(minutes=10), "Starting soon")],
    ids=["live", "soon"],
)
def test_session_detail_public_livestream_link_shown(client, starts_in, state):
    session = session_around_now(
        starts_in=starts_in,
        livestream_url=PUBLIC_STREAM,
        livestream_visibility=Session.Visibility.PUBLIC,
    )

    response = client.get(session_url(session))

    assert livestream_box(response) == [(state, None), ("Watch the livestream", PUBLIC_STREAM)]


def test_session_detail_public_livestream_link_not_yet(client):
    session = session_around_now(
        starts_in=timedelta(hours=2),
        livestream_url=PUBLIC_STREAM,
        livestream_visibility=Session.Visibility.PUBLIC,
    )
    reveal_at = timezone.localtime(session.starts_at - timedelta(minutes=15), BOGOTA)

    response = client.get(session_url(session))

    assert livestream_box(response) == [
        (
            f"Livestreamed: the link appears here on {reveal_at.day} "
            f"{reveal_at.strftime('%B')} from {reveal_at.strftime('%H:%M')}, "
            "Bogotá Time (UTC−5).",
            None,
        )
    ]
    assert response.content.decode().count(PUBLIC_STREAM) == 0


def test_session_detail_recording_after_the_session(client):
    session = SessionFactory(
        livestream_url=PUBLIC_STREAM,
        livestream_visibility=Session.Visibility.PUBLIC,
        recording_url="https://stream.example/recording",
        event=EventFactory(start_date=date(2023, 11, 27), end_date=date(2023, 11, 29)),
    )

    response = client.get(session_url(session))

    assert livestream_box(response) == [("Watch the recording", "https://stream.example/recording")]
    assert response.content.decode().count(PUBLIC_STREAM) == 0


def test_session_detail_registered_only_livestream_nowhere_while_live(client):
    session = session_around_now(
        starts_in=timedelta(minutes=-10),
        livestream_url=PRIVATE_STREAM,
        livestream_visibility=Session.Visibility.REGISTERED,
        recording_url="https://stream.example/private-recording",
    )

    response = client.get(session_url(session))

    assert livestream_box(response) == [
        (
            "Livestreamed for registered participants: open this session from your private "
            "registration link to watch.",
            None,
        )
    ]
    assert parse(response).one("div", id_="livestream").select("a") == []
    # Not in a link, an attribute, a script or a comment: nowhere in the page.
    assert response.content.decode().count("stream.example") == 0


@pytest.mark.parametrize(
    ("visibility", "status"),
    [
        (Session.Visibility.NONE, Session.Status.SCHEDULED),
        (Session.Visibility.PUBLIC, Session.Status.CANCELLED),
        (Session.Visibility.REGISTERED, Session.Status.CANCELLED),
    ],
    ids=["not-streamed", "cancelled-public", "cancelled-registered-only"],
)
def test_session_detail_livestream_hidden_while_live(client, visibility, status):
    session = session_around_now(
        starts_in=timedelta(minutes=-10),
        livestream_url=PRIVATE_STREAM,
        livestream_visibility=visibility,
        status=status,
    )

    response = client.get(session_url(session))

    assert livestream_box(response) == []
    assert response.content.decode().count("stream.example") == 0


def test_session_detail_cancelled_marked(client):
    session = SessionFactory(status=Session.Status.CANCELLED)

    doc = parse(client.get(session_url(session)))

    alerts = [(div.attrs.get("role"), div.text) for div in doc.select("div", cls="alert")]
    assert alerts == [("status", "This session has been cancelled.")]
    assert doc.one("h1").text == session.title


def test_session_detail_speakers_with_links(client):
    ana = SpeakerFactory(name="Ana Restrepo", slug="ana", affiliation="MinTIC")
    session = SessionFactory(speakers=[ana, SpeakerFactory(name="Bo", slug="bo", affiliation="")])

    doc = parse(client.get(session_url(session)))

    items = doc.one("main").select("ul")[-1].select("li")
    assert [(li.text, li.one("a").attrs["href"]) for li in items] == [
        ("Ana Restrepo, MinTIC", f"/events/{session.event.slug}/speakers/#speaker-ana"),
        ("Bo", f"/events/{session.event.slug}/speakers/#speaker-bo"),
    ]


def test_session_detail_without_speakers_says_to_be_announced(client):
    session = SessionFactory()
    doc = parse(client.get(session_url(session)))
    assert doc.one("li", cls="text-body-secondary").text == "Speakers to be announced."


def test_session_detail_html_in_title_escaped(client):
    title = '<img src=x onerror="alert(1)"> Data'
    session = SessionFactory(title=title, abstract="<b>Bold</b> claim")

    doc = parse(client.get(session_url(session)))

    assert (doc.one("h1").text, doc.one("h1").select()) == (title, [])
    assert doc.select("img") == []
    assert doc.select("b") == []
    assert doc.one("title").text == f"{title} · {session.event.name}"


def test_session_detail_of_another_event_not_found(client):
    session = SessionFactory()
    other = EventFactory()
    response = client.get(f"/events/{other.slug}/sessions/{session.pk}/")
    assert (response.status_code, parse(response).one("h1").text) == (404, "Page not found")


# Speakers and themes


def test_speaker_list_speakers_with_their_sessions(client):
    ana = SpeakerFactory(name="Ana", slug="ana", affiliation="MinTIC", country="Colombia")
    session = SessionFactory(title="Opening", speakers=[ana])
    SessionFactory(title="Elsewhere", speakers=[SpeakerFactory(name="Absent")])

    doc = parse(client.get(f"/events/{session.event.slug}/speakers/"))

    cards = doc.one("main").select("article")
    assert [card.attrs["id"] for card in cards] == ["speaker-ana"]
    assert cards[0].one("h2").text == "Ana"
    assert cards[0].one("p").text == "MinTIC · Colombia"
    link = cards[0].one("li").one("a")
    assert (link.text, link.attrs["href"]) == ("Opening", session_url(session))


def test_theme_detail_only_sessions_of_the_theme(client, programme):
    response = client.get(f"/events/{programme.slug}/themes/ai/")

    doc = parse(response)
    assert doc.one("h1").text == "Artificial intelligence"
    assert days_on_page(doc) == [("Wednesday 27 November 2030", ["AI workshop"])]


# Visibility and errors


def test_unpublished_event_not_found_for_participants(client):
    event = EventFactory(published=False)
    session = SessionFactory(event=event)
    client.force_login(UserFactory(is_staff=False))
    pages = []
    for url in (f"/events/{event.slug}/", programme_url(event), session_url(session)):
        response = client.get(url)
        pages.append((response.status_code, parse(response).one("h1").text))
    assert pages == [(404, "Page not found")] * 3


def test_unpublished_event_not_found_for_anonymous(client):
    event = EventFactory(published=False)
    response = client.get(programme_url(event))
    assert (response.status_code, parse(response).one("h1").text) == (404, "Page not found")


def test_unpublished_event_visible_to_staff(client, organiser):
    event = EventFactory(name="Draft days", published=False)
    session = SessionFactory(event=event, title="Draft session")
    client.force_login(organiser)

    home = client.get(f"/events/{event.slug}/")
    detail = client.get(session_url(session))

    assert (home.status_code, parse(home).one("h1").text) == (200, "Draft days")
    assert (detail.status_code, parse(detail).one("h1").text) == (200, "Draft session")


@pytest.mark.parametrize("url", ["/events/no-such-event/", "/no/such/page/"])
def test_not_found_friendly_page(client, url):
    response = client.get(url)

    doc = parse(response)
    assert response.status_code == 404
    assert [t.name for t in response.templates][:2] == ["404.html", "base.html"]
    assert doc.one("h1").text == "Page not found"
    assert doc.one("main").select("p")[0].text == (
        "We could not find this page. It may have moved, or the link may be mistyped."
    )
    assert doc.one("a", cls="btn-primary").attrs["href"] == "/"


# Languages


def language_links(doc) -> list[tuple[str, str, str | None]]:
    return [
        (a.text, a.attrs["href"], a.attrs.get("aria-current"))
        for a in doc.one("nav", id_="languages").select("a")
    ]


def test_language_switch_to_spanish_sets_page_language(client, programme):
    url = programme_url(programme, "?theme=data-governance")
    links = language_links(parse(client.get(url)))

    switched = client.get(links[1][1])
    response = client.get(url)

    assert (switched.status_code, switched["Location"], switched["Cache-Control"]) == (
        302,
        url,
        "private, no-store",
    )
    assert client.cookies["django_language"].value == "es"
    doc = parse(response)
    assert doc.one("html").attrs["lang"] == "es"
    assert [(text, current) for text, _href, current in language_links(doc)] == [
        ("English", None),
        ("Español", "true"),
        ("Português Brasileiro", None),
    ]


def test_language_links_keep_the_page_and_its_filters(client, programme):
    doc = parse(client.get(programme_url(programme, "?format=panel&utm_source=x&theme=ai")))
    assert language_links(doc) == [
        (
            "English",
            f"/i18n/setlang/?language=en&next=%2Fevents%2F{programme.slug}%2Fprogramme%2F"
            "%3Ftheme%3Dai%26format%3Dpanel",
            "true",
        ),
        (
            "Español",
            f"/i18n/setlang/?language=es&next=%2Fevents%2F{programme.slug}%2Fprogramme%2F"
            "%3Ftheme%3Dai%26format%3Dpanel",
            None,
        ),
        (
            "Português Brasileiro",
            f"/i18n/setlang/?language=pt-br&next=%2Fevents%2F{programme.slug}%2Fprogramme%2F"
            "%3Ftheme%3Dai%26format%3Dpanel",
            None,
        ),
    ]


def test_language_default_english(client, programme):
    doc = parse(client.get(programme_url(programme)))
    assert doc.one("html").attrs["lang"] == "en"
    assert language_links(doc)[0] == (
        "English",
        f"/i18n/setlang/?language=en&next=%2Fevents%2F{programme.slug}%2Fprogramme%2F",
        "true",
    )


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""]
)
def test_language_switch_elsewhere_goes_home(client, next_url):
    response = client.get("/i18n/setlang/", {"language": "pt-br", "next": next_url})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.cookies["django_language"].value == "pt-br"


@pytest.mark.parametrize("former", ["pt", "PT", "pt-BR"])
def test_language_switch_former_portuguese_is_brazilian(client, former):
    """Links of the version before Brazilian Portuguese said "pt"."""
    response = client.get("/i18n/setlang/", {"language": former, "next": "/"})
    assert (response.status_code, client.cookies["django_language"].value) == (302, "pt-br")


def test_former_portuguese_cookie_shows_brazilian_portuguese(client, programme):
    client.cookies["django_language"] = "pt"
    response = client.get(programme_url(programme, ""))
    assert (response["Content-Language"], parse(response).one("html").attrs["lang"]) == (
        "pt-br",
        "pt-br",
    )


@pytest.mark.parametrize("language", ["xx", "es-zz", "", "pt\x00"])
def test_language_switch_unknown_language_404(client, language):
    response = client.get("/i18n/setlang/", {"language": language, "next": "/"})
    assert (response.status_code, "django_language" in client.cookies) == (404, False)


def test_language_switch_post_not_allowed(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert (response.status_code, "django_language" in client.cookies) == (405, False)


# Queries: a fixed number per page, whatever the size of the programme


def programme_of(size: int):
    event = EventFactory(slug="big")
    themes = ThemeFactory.create_batch(3)
    rooms = RoomFactory.create_batch(3)
    speakers = SpeakerFactory.create_batch(4)
    for i in range(size):
        starts_at = bogota(1 + i % 3, 8) + timedelta(minutes=5 * (i // 3))
        SessionFactory(
            event=event,
            theme=themes[i % 3],
            room=rooms[i % 3],
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            speakers=speakers[: 1 + i % 4],
        )
    return event


@pytest.mark.parametrize("size", [10, 300])
def test_programme_queries_constant(client, django_assert_num_queries, size):
    event = programme_of(size)

    with django_assert_num_queries(PROGRAMME_QUERIES):
        response = client.get(programme_url(event))
    with django_assert_num_queries(CACHED_QUERIES):
        cached = client.get(programme_url(event))
    with django_assert_num_queries(CACHED_QUERIES):
        not_modified = client.get(programme_url(event), headers={"if-none-match": cached["ETag"]})

    assert sum(len(sessions) for _day, sessions in response.context["days"]) == size
    assert (cached.content, not_modified.status_code) == (response.content, 304)


@pytest.mark.parametrize("size", [10, 300])
def test_programme_filtered_queries_constant(client, django_assert_num_queries, size):
    event = programme_of(size)
    theme = event.sessions.first().theme

    url = programme_url(event, f"?theme={theme.slug}&format=panel")
    with django_assert_num_queries(PROGRAMME_QUERIES):
        response = client.get(url)
    with django_assert_num_queries(CACHED_QUERIES):
        cached = client.get(url)
    with django_assert_num_queries(CACHED_QUERIES):
        not_modified = client.get(url, headers={"if-none-match": cached["ETag"]})
    assert (cached.content, not_modified.status_code) == (response.content, 304)

    # Every third session has the first theme; all are panels.
    assert sum(len(sessions) for _day, sessions in response.context["days"]) == len(
        range(0, size, 3)
    )


@pytest.mark.parametrize("speakers", [1, 20])
def test_session_detail_queries_constant(client, django_assert_num_queries, speakers):
    session = SessionFactory(speakers=SpeakerFactory.create_batch(speakers))

    with django_assert_num_queries(SESSION_DETAIL_QUERIES):
        response = client.get(session_url(session))
    with django_assert_num_queries(CACHED_QUERIES):
        cached = client.get(session_url(session))
    with django_assert_num_queries(CACHED_QUERIES):
        not_modified = client.get(session_url(session), headers={"if-none-match": cached["ETag"]})

    assert (cached.content, not_modified.status_code) == (response.content, 304)
    assert len(parse(response).one("main").select("ul")[-1].select("li")) == speakers


@pytest.mark.parametrize("size", [5, 60])
def test_speaker_list_queries_constant(client, django_assert_num_queries, size):
    event = programme_of(size)  # with 4 speakers
    SpeakerFactory.create_batch(size)  # in no session: not listed
    for session, speaker in zip(
        event.sessions.all(), SpeakerFactory.create_batch(size), strict=True
    ):
        session.speakers.add(speaker)

    with django_assert_num_queries(SPEAKER_LIST_QUERIES):
        response = client.get(f"/events/{event.slug}/speakers/")
    with django_assert_num_queries(CACHED_QUERIES):
        cached = client.get(f"/events/{event.slug}/speakers/")
    assert cached.content == response.content

    assert len(parse(response).one("main").select("article")) == min(size, 4) + size


# Caching: the same bytes for every visitor in a language, decided afresh on every request


def cache_entries() -> int:
    """How many entries the configured cache holds (Redis in CI, memory otherwise)."""
    from django.core.cache import cache

    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):  # LocMemCache
        return len(cache._cache)
    return len(cache._cache.get_client().keys(cache.make_key("*")))


def public_urls(event) -> list[str]:
    session = event.sessions.order_by("pk").first()
    return [
        f"/events/{event.slug}/",
        programme_url(event),
        programme_url(event, f"?theme={session.theme.slug}&format={session.format}"),
        session_url(session),
        f"/events/{event.slug}/speakers/",
        f"/events/{event.slug}/themes/{session.theme.slug}/",
    ]


def test_public_pages_same_bytes_for_every_visitor(client, programme):
    """No CSRF token or other per-visitor value: another visitor, with other cookies, gets
    the very same bytes, and the page says how to revalidate it."""
    other = Client()
    other.cookies["csrftoken"] = "x" * 32
    other.cookies["sessionid"] = "no-such-session"
    first = [client.get(url) for url in public_urls(programme)]
    second = [
        other.get(url, headers={"accept-language": "en-GB,en;q=0.9"})
        for url in public_urls(programme)
    ]
    assert [r.content for r in second] == [r.content for r in first]
    assert [(r.status_code, r["Cache-Control"], r["ETag"]) for r in second] == [
        (200, "public, no-cache", r["ETag"]) for r in first
    ]
    assert [b"csrfmiddlewaretoken" in r.content for r in first] == [False] * 6
    assert [r.cookies.get("csrftoken") for r in first] == [None] * 6


def test_public_pages_if_none_match_gives_304(client, programme):
    pages = [client.get(url) for url in public_urls(programme)]
    again = [
        client.get(url, headers={"if-none-match": page["ETag"]})
        for url, page in zip(public_urls(programme), pages, strict=True)
    ]
    assert [(r.status_code, r.content, r["Cache-Control"]) for r in again] == [
        (304, b"", "public, no-cache")
    ] * 6


def test_public_pages_etag_per_language(client, programme):
    english = client.get(programme_url(programme))
    spanish = client.get(programme_url(programme), headers={"accept-language": "es"})
    stale = client.get(
        programme_url(programme),
        headers={"accept-language": "es", "if-none-match": english["ETag"]},
    )
    assert (english["ETag"][-4:], spanish["ETag"][-4:], stale.status_code) == ('-en"', '-es"', 200)
    assert parse(stale).one("h1").text == "Programa"


def test_public_page_change_shows_at_once(client, programme):
    session = programme.sessions.get(title="Opening")
    before = client.get(session_url(session))
    session.title = "Opening, moved"
    session.save()
    after = client.get(session_url(session), headers={"if-none-match": before["ETag"]})
    programme_page = client.get(programme_url(programme))
    assert (after.status_code, parse(after).one("h1").text) == (200, "Opening, moved")
    assert days_on_page(parse(programme_page))[0] == (
        "Wednesday 27 November 2030",
        ["Opening, moved", "AI workshop"],
    )


def test_speaker_rename_shows_at_once(client, programme):
    speaker = SpeakerFactory(name="Ana Gómez", slug="ana")
    programme.sessions.get(title="Opening").speakers.add(speaker)
    client.get(f"/events/{programme.slug}/speakers/")
    speaker.name = "Ana María Gómez"
    speaker.save()
    doc = parse(client.get(f"/events/{programme.slug}/speakers/"))
    assert [h2.text for h2 in doc.one("main").select("h2")] == ["Ana María Gómez"]


def test_session_speakers_added_and_removed_show_at_once(client, programme):
    """A session's speakers change with no row of the session or the speaker changing."""
    speaker = SpeakerFactory(name="Ana Gómez", slug="ana")
    session = programme.sessions.get(title="Opening")
    before = speakers_on_session_page(client, session)
    session.speakers.add(speaker)
    added = speakers_on_session_page(client, session)
    session.speakers.remove(speaker)
    removed = speakers_on_session_page(client, session)
    assert (before, added, removed) == ([], ["Ana Gómez"], [])


def speakers_on_session_page(client, session) -> list[str]:
    main = parse(client.get(session_url(session))).one("main")
    return [a.text for a in main.select("a") if "/speakers/" in a.attrs.get("href", "")]


def test_room_rename_shows_at_once(client, programme):
    client.get(programme_url(programme))
    room = programme.sessions.get(title="Opening").room
    room.name = "Great hall"
    room.save()
    assert "Great hall" in client.get(programme_url(programme)).content.decode()


def test_sessions_cancelled_together_show_at_once(client, programme):
    """Organisers cancel sessions with one UPDATE (no save() of each): the pages follow."""
    session = programme.sessions.get(title="Opening")
    client.get(session_url(session))
    services.sessions_cancel(session_ids=[session.pk])
    doc = parse(client.get(session_url(session)))
    assert "This session has been cancelled." in doc.one("main").text


def test_session_moved_to_another_event_leaves_the_first(client, programme):
    other = EventFactory(slug="other-days")
    client.get(programme_url(programme))
    client.get(programme_url(other))
    session = programme.sessions.get(title="Opening")
    session.event = other
    session.save()
    assert (
        [
            title
            for _day, titles in days_on_page(parse(client.get(programme_url(programme))))
            for title in titles
        ],
        days_on_page(parse(client.get(programme_url(other))))[0][1],
    ) == (["AI workshop", "Data spaces"], ["Opening"])


def test_theme_page_rename_shows_at_once_even_without_sessions(client):
    event = EventFactory(slug="days")
    theme = ThemeFactory(name="Connectivity", slug="conn")
    client.get("/events/days/themes/conn/")
    theme.name = "Connectivity and satellites"
    theme.save()
    doc = parse(client.get("/events/days/themes/conn/"))
    assert (doc.one("h1").text, event.sessions.count()) == ("Connectivity and satellites", 0)


def test_event_page_registration_closing_shows_at_once(client):
    """Registration closes at a moment, with no row changing: the cached page follows."""
    event = EventFactory(slug="days", registration_closes_at=timezone.now() + timedelta(seconds=2))
    before = parse(client.get("/events/days/")).one("main").select("section")[0]
    time_module.sleep(max((event.registration_closes_at - timezone.now()).total_seconds(), 0) + 0.1)
    after = parse(client.get("/events/days/")).one("main").select("section")[0]
    before, after = before.select("a")[0].text, after.one("span", cls="btn").text
    assert (before, after) == ("Register", "Registration is closed")


def test_session_page_livestream_goes_live_at_once(client):
    """A session's start changes its page (starting soon, then live) with no row changing."""
    session = session_around_now(
        starts_in=timedelta(seconds=2),
        livestream_url=PUBLIC_STREAM,
        livestream_visibility=Session.Visibility.PUBLIC,
    )
    session.starts_at = timezone.now() + timedelta(seconds=2)
    session.save()
    before = livestream_box(client.get(session_url(session)))
    time_module.sleep(max((session.starts_at - timezone.now()).total_seconds(), 0) + 0.1)
    after = livestream_box(client.get(session_url(session)))
    assert (before[0], after[0]) == (("Starting soon", None), ("Live now", None))


def test_unpublished_event_pages_staff_preview_then_anonymous_404(client, organiser):
    event = EventFactory(slug="draft", published=False)
    SessionFactory(event=event, title="Embargoed session")
    client.force_login(organiser)
    previews = [client.get(url) for url in public_urls(event)]
    client.logout()
    strangers = [client.get(url) for url in public_urls(event)]
    assert [(r.status_code, r.get("ETag")) for r in strangers] == [(404, None)] * 6
    assert [(r.status_code, r["Cache-Control"], r.get("ETag")) for r in previews] == [
        (200, "private, no-store", None)
    ] * 6


def test_staff_pages_of_published_event_never_cached(client, organiser, programme):
    """An organiser's pages are rendered afresh and kept by no cache: nothing an organiser
    sees can reach a visitor through the cache."""
    client.force_login(organiser)
    entries = cache_entries()
    staff = [client.get(url) for url in public_urls(programme)]
    assert cache_entries() == entries
    assert [(r.status_code, r["Cache-Control"]) for r in staff] == [(200, "private, no-store")] * 6


def message_cookie(text: str) -> tuple[str, str]:
    """The cookie a redirect after an action leaves, holding one success message."""
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse

    storage = CookieStorage(HttpRequest())
    storage.add(constants.SUCCESS, text)
    response = HttpResponse()
    storage.update(response)
    return storage.cookie_name, response.cookies[storage.cookie_name].value


def test_page_with_message_rendered_afresh_never_cached(client, programme):
    """A visitor's message is shown to them, once, and never kept in the cached page."""
    url = programme_url(programme)
    cached = client.get(url)  # the page is in the cache
    visitor = Client()
    name, value = message_cookie("Your registration is confirmed. Welcome!")
    visitor.cookies[name] = value
    with_message = visitor.get(url, headers={"if-none-match": cached["ETag"]})
    later = visitor.get(url)
    stranger = Client().get(url)
    alerts = [
        [d.text for d in parse(r).select("div", role="status")] for r in (with_message, later)
    ]
    assert (with_message.status_code, with_message["Cache-Control"]) == (200, "private, no-store")
    assert alerts == [["Your registration is confirmed. Welcome!"], []]
    assert (later.content, stranger.content) == (cached.content, cached.content)


def test_programme_filter_spellings_share_one_entry(client, programme):
    canonical = client.get(programme_url(programme, "?theme=data-governance&format=panel"))
    entries = cache_entries()
    spellings = [
        "?format=panel&theme=data-governance",
        "?theme=ai&theme=data-governance&format=panel",
        "?theme=data-governance&format=panel&utm_source=newsletter",
        "?utm_source=x&format=panel&theme=data-governance&page=2",
    ]
    responses = [client.get(programme_url(programme, query)) for query in spellings]
    assert [r.content for r in responses] == [canonical.content] * 4
    assert cache_entries() == entries


def test_programme_unknown_filters_no_cache_entry(client, programme):
    client.get(programme_url(programme))
    entries = cache_entries()
    responses = [
        client.get(programme_url(programme, f"?theme=no-such-theme-{n}&room={n}"))
        for n in range(100)
    ]
    assert {parse(r).one("div", cls="alert").text for r in responses} == {
        "No session matches these filters."
    }
    assert cache_entries() == entries


def test_session_page_leading_zeros_redirect_no_cache_entry(client, programme):
    session = programme.sessions.order_by("pk").first()
    client.get(session_url(session))
    entries = cache_entries()
    responses = [
        client.get(f"/events/{programme.slug}/sessions/{'0' * zeros}{session.pk}/?a=1")
        for zeros in range(1, 101)
    ]
    assert {(r.status_code, r["Location"]) for r in responses} == {
        (301, f"{session_url(session)}?a=1")
    }
    assert cache_entries() == entries


@pytest.mark.parametrize("pk", ["0", str(10**38), "9" * 300])
def test_session_page_huge_or_zero_id_404(client, programme, pk):
    response = client.get(f"/events/{programme.slug}/sessions/{pk}/")
    assert (response.status_code, parse(response).one("h1").text) == (404, "Page not found")


def response_ttls() -> list[float]:
    """Seconds left to every cached page or feed (Redis in CI, memory otherwise)."""
    from django.core.cache import cache

    if isinstance(getattr(cache, "_cache", None), dict):  # LocMemCache
        return [
            cache._expire_info[key] - time_module.time()
            for key in cache._cache
            if ":response:" in key
        ]
    client = cache._cache.get_client()
    return [float(client.ttl(key)) for key in client.keys(cache.make_key("response:*"))]


def test_cached_pages_expire_within_the_hour(client, programme):
    """Every programme change leaves the old bytes unused: the timeout bounds what they hold."""
    for url in public_urls(programme):
        client.get(url)
    ttls = response_ttls()
    assert (len(ttls), all(3590 < ttl <= 3600 for ttl in ttls)) == (6, True)


def test_embedded_default_cache_bounded():
    """Without REDIS_URL the cache lives in each process's memory: MAX_ENTRIES bounds it."""
    env = {name: value for name, value in os.environ.items() if name != "REDIS_URL"}
    result = subprocess.run(
        [sys.executable, "-c", "from alliance import settings; print(settings.CACHES)"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == (
        "{'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache', "
        "'OPTIONS': {'MAX_ENTRIES': 300}}}\n"
    )
