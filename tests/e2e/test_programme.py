"""A visitor finds a session in the programme and reads it in their language."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from events.demo import demo_programme_load

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A file for people to look at, in the project's test-results/ (ignored by git).
SCREENSHOT = Path(__file__).resolve().parents[2] / "test-results" / "programme-mobile.png"


@pytest.fixture
def event():
    return demo_programme_load()


def test_visitor_finds_session_by_theme_and_switches_to_spanish(live_server, page, event):
    page.goto(f"{live_server.url}/events/{event.slug}/")
    expect(page.locator("h1")).to_have_text("EU–LAC Digital Alliance Days 2023")

    page.get_by_role("link", name="See the programme").click()
    expect(page).to_have_url(f"{live_server.url}/events/{event.slug}/programme/")
    assert page.locator("a.session-title").count() == 34

    filters = page.get_by_role("navigation", name="Filters")
    filters.get_by_role("link", name="Cybersecurity", exact=True).click()
    expect(page).to_have_url(re.compile(r"/programme/\?theme=cybersecurity$"))
    assert page.locator("main section[aria-labelledby^=day-] h2").all_inner_texts() == [
        "Monday 27 November 2023",
        "Tuesday 28 November 2023",
        "Wednesday 29 November 2023",
    ]
    assert page.locator("a.session-title").all_inner_texts() == [
        "Building cyber resilience together",
        "Protecting critical infrastructure",
        "Workshop: incident response across CSIRTs",
        "Cybersecurity skills and careers",
        "Cyber diplomacy and norms",
    ]

    page.get_by_role("link", name="Building cyber resilience together").click()
    expect(page.locator("h1")).to_have_text("Building cyber resilience together")
    assert page.locator("#session-when").inner_text() == (
        "Monday 27 November 2023, 11:30–13:00, Bogotá Time (UTC−5)"
    )
    # The 2023 programme is over: its public livestreams are recordings now.
    expect(page.get_by_role("link", name="Watch the recording")).to_have_attribute(
        "href", "https://stream.alliance-days.example/recordings/building-cyber-resilience-together"
    )
    session_url = page.url

    page.get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert page.url == session_url
    expect(page.get_by_role("link", name="Español")).to_have_attribute("aria-current", "true")
    # Day and month names come from Django's own Spanish catalogue.
    assert page.locator("#session-when").inner_text() == (
        "lunes 27 de noviembre de 2023, 11:30–13:00, hora de Bogotá (UTC−5)"
    )


def test_programme_fits_a_phone_screen(live_server, page, event):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/events/{event.slug}/programme/")

    page.screenshot(path=SCREENSHOT)

    assert page.evaluate("document.documentElement.scrollWidth") == 390
    expect(page.locator("button.navbar-toggler")).to_be_visible()
    expect(page.locator("#main-nav")).to_be_hidden()
    first_card = page.locator("article.session-card").first.bounding_box()
    assert first_card["x"] >= 0
    assert first_card["x"] + first_card["width"] <= 390


def test_visitor_in_spanish_finds_sessions_they_can_follow_in_portuguese(live_server, page, event):
    """The programme's own text follows the language switch, and the language filter finds
    the sessions spoken in a language or interpreted into it."""
    page.goto(f"{live_server.url}/events/{event.slug}/programme/")
    expect(page.locator("a.session-title").first).to_have_text("Registration and welcome coffee")

    page.get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    first = page.locator("a.session-title").first
    expect(first).to_have_text("Acreditación y café de bienvenida")
    expect(first).not_to_have_attribute("lang", re.compile(".*"))
    # A session without a Spanish title shows the English one, marked as English.
    untranslated = page.locator(
        "#session-" + str(event.sessions.get(title_en="Networking lunch: regional exchanges").pk)
    )
    expect(untranslated.locator("a.session-title")).to_have_attribute("lang", "en")

    filters = page.get_by_role("navigation", name="Filtros")
    filters.locator("#language-filter").get_by_role("link", name="Portugués", exact=True).click()
    expect(page).to_have_url(re.compile(r"/programme/\?language=pt$"))
    assert page.locator("a.session-title").all_inner_texts() == [
        "Plenaria de apertura: una alianza digital centrada en las personas",
        "Conferencia magistral: de la Declaración Conjunta a la acción",
        "Identidad digital y registros interoperables",
        "Plenaria de clausura: hacia la Cumbre UE–CELAC 2025",
    ]
    assert page.locator("span.session-languages").all_inner_texts() == [
        "Inglés, con interpretación a: Español, Portugués",
        "Inglés, con interpretación a: Español, Portugués",
        "Portugués, con interpretación a: Español, Inglés",
        "Inglés, con interpretación a: Español, Portugués",
    ]

    page.get_by_role("link", name="Identidad digital y registros interoperables").click()
    expect(page.locator("h1")).to_have_text("Identidad digital y registros interoperables")
    expect(page.locator("#session-languages")).to_have_text(
        "Portugués, con interpretación a: Español, Inglés"
    )


def test_programme_filters_by_day_and_jumps_to_a_day(live_server, page, event):
    page.goto(f"{live_server.url}/events/{event.slug}/programme/")
    jump = page.get_by_role("navigation", name="Jump to a day")
    expect(jump.get_by_role("link")).to_have_text(
        ["Monday 27 November", "Tuesday 28 November", "Wednesday 29 November"]
    )
    jump.get_by_role("link", name="Wednesday 29 November").click()
    expect(page).to_have_url(re.compile(r"/programme/#day-2023-11-29$"))
    expect(page.locator("#day-2023-11-29")).to_be_in_viewport()

    filters = page.get_by_role("navigation", name="Filters")
    filters.get_by_role("link", name="Tue 28 Nov").click()
    expect(page).to_have_url(re.compile(r"/programme/\?day=2023-11-28$"))
    assert page.locator("main section[aria-labelledby^=day-] h2").all_inner_texts() == [
        "Tuesday 28 November 2023"
    ]
    expect(page.get_by_role("navigation", name="Jump to a day")).to_have_count(0)
    filters.get_by_role("link", name="Cybersecurity", exact=True).click()
    expect(page).to_have_url(re.compile(r"/programme/\?day=2023-11-28&theme=cybersecurity$"))
    assert page.locator("a.session-title").all_inner_texts() == [
        "Protecting critical infrastructure",
        "Workshop: incident response across CSIRTs",
        "Cybersecurity skills and careers",
    ]


def test_programme_filters_usable_at_360_pixels(live_server, page, event):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/events/{event.slug}/programme/?day=2023-11-28&theme=plenary")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    links = page.get_by_role("navigation", name="Filters").get_by_role("link")
    assert links.count() > 15
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        # Every filter is on the screen: none hides in a row that scrolls sideways.
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, links.nth(index).inner_text()
