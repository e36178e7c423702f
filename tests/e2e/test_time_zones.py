"""Times on pages: in the event's zone, named in words, and, added by static/js/local-time.js,
in the visitor's own zone where it differs. Pages are complete without JavaScript."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from events.demo import demo_programme_load

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SESSION = "Building cyber resilience together"  # Monday 27 November 2023, 11:30 in Bogotá


@pytest.fixture
def session_url(live_server):
    event = demo_programme_load()
    session = event.sessions.get(title=SESSION)
    return f"{live_server.url}/events/{event.slug}/sessions/{session.pk}/"


def test_visitor_elsewhere_sees_their_own_time_too(new_page, session_url):
    page = new_page(timezone_id="Asia/Tokyo")
    page.goto(session_url)
    when = page.locator("#session-when")
    expect(when.locator(".visitor-time")).to_have_text("Your time: Tue 01:30–03:00 (UTC+9)")
    assert [time.get_attribute("datetime") for time in when.locator("time").all()] == [
        "2023-11-27T11:30-05:00",
        "2023-11-27T13:00-05:00",
    ]


def test_visitor_elsewhere_in_spanish(new_page, live_server, session_url):
    page = new_page(timezone_id="Europe/Madrid")
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "es", "url": live_server.url}]
    )
    page.goto(session_url)
    expect(page.locator("#session-when .visitor-time")).to_have_text("Su hora: 17:30–19:00 (UTC+1)")


def test_visitor_in_the_events_zone_sees_nothing_added(new_page, session_url):
    page = new_page(timezone_id="America/Bogota")
    page.goto(session_url)
    page.goto(session_url.rsplit("/sessions/", 1)[0] + "/programme/")
    expect(page.locator("article.session-card")).to_have_count(34)
    expect(page.locator(".visitor-time")).to_have_count(0)


def test_programme_gives_every_session_the_visitors_time(new_page, session_url):
    page = new_page(timezone_id="Europe/Madrid")
    page.goto(session_url.rsplit("/sessions/", 1)[0] + "/programme/?theme=cybersecurity")
    times = page.locator("article.session-card .time-col")
    expect(times).to_have_count(5)
    assert times.first.inner_text().splitlines() == [
        "11:30–13:00",
        "Your time: 17:30–19:00 (UTC+1)",
    ]
    expect(page.locator("article.session-card .visitor-time")).to_have_count(5)
    expect(page.locator("main > p.text-body-secondary").first).to_have_text(
        "All times are in Bogotá Time (UTC−5)."
    )


def test_page_complete_without_javascript(new_page, session_url):
    page = new_page(timezone_id="Asia/Tokyo", java_script_enabled=False)
    page.goto(session_url)
    expect(page.locator("#session-when")).to_have_text(
        "Monday 27 November 2023, 11:30–13:00, Bogotá Time (UTC−5)"
    )
    expect(page.locator(".visitor-time")).to_have_count(0)


def test_manage_page_in_the_participants_zone_and_the_visitors(new_page, live_server, site):
    # The participant lives in Madrid (site fixture); here they travel to Tokyo.
    page = new_page(timezone_id="Asia/Tokyo")
    page.goto(live_server.url + site.manage_url)
    mine = page.locator("#mine-heading ~ ul > li")
    expect(mine).to_have_count(2)
    first = mine.first.locator("[data-local-time]")
    expect(first.locator(".participant-time")).to_contain_text("Madrid Time: ")
    expect(first.locator(".visitor-time")).to_contain_text("(UTC+9)")
    # At home in Madrid, the page already shows their time: nothing is added.
    home = new_page(timezone_id="Europe/Madrid")
    home.goto(live_server.url + site.manage_url)
    expect(
        home.locator("#mine-heading ~ ul > li").first.locator(".participant-time")
    ).to_be_visible()
    expect(home.locator(".visitor-time")).to_have_count(0)


def test_register_offers_the_visitors_own_zone_first(new_page, live_server, site):
    page = new_page(timezone_id="Asia/Tokyo")
    page.goto(f"{live_server.url}/events/{site.event.slug}/register/")
    box = page.get_by_label("Your time zone")
    expect(box).to_have_value("Tokyo, Japan (UTC+9)")
    expect(page.locator("#id_time_zone-list option").first).to_have_attribute(
        "data-zone", "Asia/Tokyo"
    )


def test_register_suggests_the_chosen_countrys_zones_first(page, live_server, site):
    page.goto(f"{live_server.url}/events/{site.event.slug}/register/")
    options = page.locator("#id_time_zone-list option")
    # Without JavaScript the list starts with UTC; the script puts the visitor's zone first.
    expect(options.first).to_have_attribute("data-zone", "America/Bogota")
    page.get_by_label("Country").select_option(label="Brazil")
    assert {options.nth(n).get_attribute("data-country") for n in range(16)} == {"BR"}
    expect(options.nth(16)).not_to_have_attribute("data-country", "BR")
    page.get_by_label("Your time zone").fill("Manaus")
    page.get_by_label("Your time zone").press("Escape")
    page.get_by_label("Your time zone").press("Enter")
    expect(page.locator("#error-summary")).to_be_focused()
    # Sent back with errors, the page keeps the zone as typed and Brazil's zones first.
    expect(page.get_by_label("Your time zone")).to_have_value("Manaus")
    expect(options.first).to_have_attribute("data-country", "BR")
