"""Venue Wi-Fi fails: pages visited before open without a connection, saying how old they
are; the public pages of a participant's agenda too; private pages are never kept."""

import re

import pytest
from playwright.sync_api import Error, expect

from events.demo import demo_programme_load
from registrations.models import SessionChoice
from tests.factories import RegistrationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OFFLINE_NOTE = re.compile(r"^Offline copy, last updated .*20\d\d.*\.$")


@pytest.fixture
def event():
    return demo_programme_load()


def controlled(page) -> None:
    """Wait until the service worker controls the page (it claims it once active)."""
    # (page.evaluate, not wait_for_function: the CSP forbids the eval that one needs)
    page.evaluate(
        """() => navigator.serviceWorker.controller || new Promise((resolve) =>
            navigator.serviceWorker.addEventListener("controllerchange", resolve))"""
    )


def test_programme_and_session_open_offline_with_last_updated(live_server, page, event):
    programme = f"{live_server.url}/events/{event.slug}/programme/"
    session = event.sessions.get(title="Building cyber resilience together")
    session_page = f"{live_server.url}/events/{event.slug}/sessions/{session.pk}/"
    page.goto(programme)
    controlled(page)
    page.reload()  # through the worker now: kept
    expect(page.locator("#offline-note")).to_have_count(0)
    page.goto(session_page)

    page.context.set_offline(True)
    page.goto(programme)

    expect(page.locator("#offline-note")).to_have_text(OFFLINE_NOTE)
    assert page.locator("a.session-title").count() == 34
    page.goto(session_page)
    expect(page.locator("h1")).to_have_text("Building cyber resilience together")
    expect(page.locator("#offline-note")).to_have_text(OFFLINE_NOTE)
    # A page never visited is not there.
    with pytest.raises(Error):
        page.goto(f"{live_server.url}/events/{event.slug}/speakers/")

    page.context.set_offline(False)
    page.goto(programme)
    expect(page.locator("#offline-note")).to_have_count(0)


def test_agenda_and_its_sessions_kept_private_page_not(live_server, page, event):
    registration = RegistrationFactory(event=event, status="confirmed")
    chosen = event.sessions.get(title="Cyber diplomacy and norms")
    SessionChoice.objects.create(registration=registration, session=chosen)
    private_page = f"{live_server.url}/r/{registration.token}/"
    page.goto(private_page)
    controlled(page)
    page.reload()  # the worker is told which public session pages to keep
    session_page = f"{live_server.url}/events/{event.slug}/sessions/{chosen.pk}/"
    page.evaluate(
        """async (url) => {
            const cache = await caches.open("pages-v1");
            for (let tries = 0; tries < 100 && !(await cache.match(url)); tries++) {
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
        }""",
        session_page,
    )

    agenda = page.locator("#offline-agenda a")
    expect(agenda).to_have_text("My agenda, also without a connection")
    agenda_page = f"{live_server.url}{agenda.get_attribute('href')}"
    assert agenda_page.endswith(f"/events/{event.slug}/agenda/?sessions={chosen.pk}")

    page.context.set_offline(True)
    page.goto(agenda_page)  # never visited, kept for the participant
    expect(page.locator("h1")).to_have_text("My agenda")
    assert page.locator("a.session-title").all_inner_texts() == ["Cyber diplomacy and norms"]
    expect(page.locator("#offline-note")).to_have_text(OFFLINE_NOTE)
    page.goto(session_page)  # never visited, kept for the agenda
    expect(page.locator("h1")).to_have_text("Cyber diplomacy and norms")
    expect(page.locator("#offline-note")).to_have_text(OFFLINE_NOTE)
    with pytest.raises(Error):
        page.goto(private_page)  # `no-store`: never kept
