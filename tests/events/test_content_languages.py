"""The programme's own text in three languages (django-modeltranslation): pages, feeds and the
language filter show the reader's language, fall back to what was entered, and mark text in
another language with `lang`."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from events.models import Session
from tests.events.test_views import cache_entries
from tests.factories import EventFactory, RoomFactory, SessionFactory, ThemeFactory
from tests.ical_checks import ical_checked
from tests.pages import parse

pytestmark = pytest.mark.django_db

BOGOTA = ZoneInfo("America/Bogota")


def bogota(day: int, hour: int) -> datetime:
    return datetime.combine(date(2030, 11, 26) + timedelta(days=day), time(hour), BOGOTA)


@pytest.fixture
def programme():
    """Four sessions: one translated into Spanish and Portuguese, spoken in Spanish; one in
    English only, interpreted into Spanish; one spoken in Portuguese; one in English only."""
    event = EventFactory(slug="days")
    theme = ThemeFactory(name_en="Data", name_es="Datos", name_pt_br="Dados", slug="data")
    room = RoomFactory(name_en="Terrace", name_es="Terraza")
    common = {"event": event, "theme": theme, "room": None}
    return {
        "translated": SessionFactory(
            **common,
            title_en="Data flows",
            title_es="Flujos de datos",
            title_pt_br="Fluxos de dados",
            abstract_en="Who holds the data.",
            language="es",
            starts_at=bogota(1, 9),
            ends_at=bogota(1, 10),
        ),
        "interpreted": SessionFactory(
            **common,
            title_en="Cyber resilience",
            abstract_en="Protecting networks.",
            language="en",
            interpretation=["es", "pt"],
            starts_at=bogota(1, 11),
            ends_at=bogota(1, 12),
        ),
        "portuguese": SessionFactory(
            event=event,
            theme=theme,
            room=room,
            title_en="Digital identity",
            title_pt_br="Identidade digital",
            language="pt",
            starts_at=bogota(2, 9),
            ends_at=bogota(2, 10),
        ),
        "english": SessionFactory(
            **common,
            title_en="Open data",
            language="en",
            starts_at=bogota(2, 11),
            ends_at=bogota(2, 12),
        ),
    }


def in_language(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def cards(doc) -> list[tuple[str, str | None, str]]:
    """Each programme card: its title, the title's `lang` and the languages line."""
    return [
        (
            card.one("a", cls="session-title").text,
            card.one("a", cls="session-title").attrs.get("lang"),
            card.one("span", cls="session-languages").text,
        )
        for card in doc.select("article", cls="session-card")
    ]


# --- pages ----------------------------------------------------------------------------------


def test_session_page_in_spanish_shows_spanish_title_unmarked(client, programme):
    session = programme["translated"]
    doc = parse(in_language(client, "es").get(session.get_absolute_url()))
    title = doc.one("h1")
    assert (title.text, title.attrs.get("lang")) == ("Flujos de datos", None)
    assert doc.one("html").attrs["lang"] == "es"


def test_session_page_falls_back_to_english_marked_lang_en(client, programme):
    session = programme["interpreted"]
    doc = parse(in_language(client, "es").get(session.get_absolute_url()))
    abstract = doc.one("div", lang="en")
    assert (doc.one("h1").text, doc.one("h1").attrs.get("lang")) == ("Cyber resilience", "en")
    assert abstract.text == "Protecting networks."
    assert doc.one("dd", id_="session-languages").text == (
        "Inglés, con interpretación a: Español, Portugués"
    )


def test_session_page_in_english_marks_nothing(client, programme):
    doc = parse(client.get(programme["translated"].get_absolute_url()))
    assert [element.attrs["lang"] for element in doc.select() if "lang" in element.attrs] == [
        "en",  # <html>
        "en",  # the language links say which language each one is in
        "es",
        "pt-br",
    ]
    assert doc.one("dd", id_="session-languages").text == "Spanish"


def test_programme_in_portuguese_cards_in_portuguese_with_fallbacks_marked(client, programme):
    doc = parse(in_language(client, "pt-br").get("/events/days/programme/"))
    assert cards(doc) == [
        ("Fluxos de dados", None, "Espanhol"),
        ("Cyber resilience", "en", "Inglês, com interpretação para: Espanhol, Português"),
        ("Identidade digital", None, "Português"),
        ("Open data", "en", "Inglês"),
    ]
    badges = {(b.text, b.attrs.get("lang")) for b in doc.select("span", cls="theme-badge")}
    assert badges == {("Dados", None)}


def test_programme_room_name_in_language_or_english_marked(client, programme):
    card_id = f"session-{programme['portuguese'].pk}"
    rooms = {}
    for language in ("es", "pt-br"):
        card = parse(in_language(client, language).get("/events/days/programme/"))
        (room,) = [
            span
            for span in card.one("article", id_=card_id).select("span")
            if span.text in {"Terrace", "Terraza"}
        ]
        rooms[language] = (room.text, room.attrs.get("lang"))
    assert rooms == {"es": ("Terraza", None), "pt-br": ("Terrace", "en")}


def test_pages_in_each_language_are_cached_apart(client, programme):
    url = "/events/days/programme/"
    titles = {
        language: cards(parse(in_language(client, language).get(url)))[0][0]
        for language in ("en", "es", "pt-br", "es")
    }
    assert titles == {"en": "Data flows", "es": "Flujos de datos", "pt-br": "Fluxos de dados"}


def test_admin_round_trip_spanish_title_reaches_spanish_page(organiser, client, programme):
    session = programme["english"]
    client.force_login(organiser)
    url = reverse("admin:events_session_change", args=[session.pk])
    from tests.pages import form_fields

    data = form_fields(client.get(url), "session_form")
    assert (data["title_en"], data["title_es"], data["title_pt_br"]) == (["Open data"], [""], [""])
    response = client.post(url, {**data, "title_es": "Datos abiertos", "_save": "Save"})
    client.logout()

    session.refresh_from_db()
    doc = parse(in_language(client, "es").get(session.get_absolute_url()))
    assert response.status_code == 302
    assert (session.title_en, session.title_es, session.sequence) == (
        "Open data",
        "Datos abiertos",
        1,  # a participant's calendar shows the title in their language: an update
    )
    assert (doc.one("h1").text, doc.one("h1").attrs.get("lang")) == ("Datos abiertos", None)


# --- the language filter --------------------------------------------------------------------


def programme_titles(response) -> list[str]:
    return [title for title, _lang, _languages in cards(parse(response))]


@pytest.mark.parametrize(
    ("language", "titles"),
    [
        ("es", ["Data flows", "Cyber resilience"]),  # spoken in Spanish, or interpreted into it
        ("pt", ["Cyber resilience", "Digital identity"]),
        ("en", ["Cyber resilience", "Open data"]),
    ],
)
def test_programme_language_filter(client, programme, language, titles):
    response = client.get(f"/events/days/programme/?language={language}")
    doc = parse(response)
    (selected,) = [
        a for a in doc.one("div", id_="language-filter").select("a") if "btn-secondary" in a.classes
    ]
    assert programme_titles(response) == titles
    assert (response.context["selected_language"], selected.attrs["href"]) == (
        language,
        f"?language={language}",
    )


def test_programme_language_filter_is_in_the_cache_scope(client, programme):
    spanish = client.get("/events/days/programme/?language=es")
    portuguese = client.get("/events/days/programme/?language=pt")
    entries = cache_entries()
    again = client.get("/events/days/programme/?utm_source=x&language=es")
    assert programme_titles(portuguese) != programme_titles(spanish)
    assert again.content == spanish.content
    assert cache_entries() == entries


@pytest.mark.parametrize("value", ["xx", "ES", "pt-br", ""])
def test_programme_unknown_language_filter_empty_no_cache_entry(client, programme, value):
    client.get("/events/days/programme/")
    entries = cache_entries()
    response = client.get(f"/events/days/programme/?language={value}")
    assert parse(response).one("div", cls="alert").text == "No session matches these filters."
    assert cache_entries() == entries


@pytest.mark.parametrize("size", [10, 200])
def test_programme_language_filter_queries_constant(
    client, django_assert_num_queries, programme, size
):
    from tests.events.test_views import PROGRAMME_QUERIES

    theme = programme["english"].theme
    for i in range(size):
        SessionFactory(
            event=programme["english"].event,
            theme=theme,
            room=None,
            language="es" if i % 2 else "en",
            interpretation=["pt"] if i % 3 else [],
            starts_at=bogota(3, 8),
            ends_at=bogota(3, 9),
        )
    with django_assert_num_queries(PROGRAMME_QUERIES):
        response = client.get("/events/days/programme/?language=pt")
    assert len(programme_titles(response)) == 2 + len([i for i in range(size) if i % 3])


# --- feeds -------------------------------------------------------------------------------------


def feed(client, query: str = ""):
    return client.get(f"/events/days/calendar.ics{query}")


def summaries(response) -> list[str]:
    assert response.status_code == 200
    return [str(v["SUMMARY"]) for v in ical_checked(response.content).walk("VEVENT")]


def test_feed_in_the_language_asked_without_cookie(client, programme):
    portuguese = feed(client, "?lang=pt-br")
    (vevent, *_rest) = ical_checked(portuguese.content).walk("VEVENT")
    assert summaries(portuguese) == [
        "Fluxos de dados",
        "Cyber resilience",
        "Identidade digital",
        "Open data",
    ]
    assert str(vevent["DESCRIPTION"]).split("\n\n")[1:3] == ["Tema: Dados", "Idioma: Espanhol"]
    assert portuguese["ETag"].endswith('-pt-br"')
    assert summaries(feed(client))[0] == "Data flows"


def test_feed_untranslated_title_says_its_language(client, programme):
    vevents = ical_checked(feed(client, "?lang=pt-br").content).walk("VEVENT")
    assert [(str(v["SUMMARY"]), v["SUMMARY"].params.get("LANGUAGE")) for v in vevents] == [
        ("Fluxos de dados", None),
        ("Cyber resilience", "en"),
        ("Identidade digital", None),
        ("Open data", "en"),
    ]


def test_feed_lang_wins_over_cookie(client, programme):
    assert summaries(feed(in_language(client, "pt-br"), "?lang=es"))[0] == "Flujos de datos"


@pytest.mark.parametrize(
    ("asked", "canonical"), [("pt", "pt-br"), ("ES", "es"), ("PT-BR", "pt-br")]
)
def test_feed_lang_other_spellings_redirect_to_canonical(client, programme, asked, canonical):
    response = feed(client, f"?lang={asked}&x=1")
    assert (response.status_code, response["Location"]) == (
        301,
        f"/events/days/calendar.ics?lang={canonical}&x=1",
    )


def test_feed_unknown_lang_404_no_cache_entry(client, programme):
    feed(client)
    entries = cache_entries()
    responses = [
        feed(client, f"?lang={value}") for value in ("xx", "", "es-zz", "pt\x00", "a" * 300)
    ]
    assert [r.status_code for r in responses] == [404] * 5
    assert cache_entries() == entries


def test_theme_and_session_feeds_take_lang(client, programme):
    session = programme["translated"]
    theme_feed = client.get("/events/days/themes/data/calendar.ics?lang=es")
    session_feed = client.get(f"/events/days/sessions/{session.pk}.ics?lang=pt-br")
    assert summaries(theme_feed)[0] == "Flujos de datos"
    assert summaries(session_feed) == ["Fluxos de dados"]


def test_subscribe_links_carry_the_page_language(client, programme):
    doc = parse(in_language(client, "es").get("/events/days/programme/"))
    download = doc.one("section", cls="subscribe").select("a", download="")
    assert [a.attrs["href"] for a in download] == [
        "http://localhost:8000/events/days/calendar.ics?lang=es"
    ]


def test_session_with_spoken_language_interpretation_validates(programme):
    session = programme["interpreted"]
    session.interpretation = ["en", "es"]
    with pytest.raises(Exception) as raised:
        session.full_clean()
    assert raised.value.message_dict["interpretation"] == [
        "The session is already spoken in that language."
    ]


def test_unknown_session_language_in_admin_is_refused(organiser, client, programme):
    session = programme["english"]
    client.force_login(organiser)
    url = reverse("admin:events_session_change", args=[session.pk])
    from tests.pages import form_fields

    data = form_fields(client.get(url), "session_form")
    response = client.post(url, {**data, "interpretation": ["xx"], "_save": "Save"})
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["interpretation"]
    assert Session.objects.get(pk=session.pk).interpretation == []


def test_fallback_text_escaped_inside_its_lang_element(client):
    session = SessionFactory(title_en='<script>alert("x")</script>', abstract_en="a < b & c")
    html = in_language(client, "es").get(session.get_absolute_url()).content.decode()
    assert '<h1 class="h2" lang="en">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</h1>' in (
        html
    )
    assert "<script>alert" not in html
    assert '<div lang="en"><p>a &lt; b &amp; c</p></div>' in html


def test_event_name_in_navigation_and_list_falls_back_marked(client):
    EventFactory(slug="days", name_en="Alliance Days", name_es="Jornadas de la Alianza")
    EventFactory(slug="summit", name_en="Summit")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    listed = parse(client.get("/")).one("main").select("h2")
    nav = parse(client.get("/events/summit/programme/")).one("ul", cls="navbar-nav").select("a")[0]
    assert sorted((h2.text, h2.one("a").attrs.get("lang")) for h2 in listed) == [
        ("Jornadas de la Alianza", None),
        ("Summit", "en"),
    ]
    assert (nav.text, nav.attrs.get("lang")) == ("Summit", "en")
