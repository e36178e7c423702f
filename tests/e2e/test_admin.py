"""An organiser adds and edits sessions in the admin and finds them on the public pages."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from events.demo import demo_programme_load
from events.models import Session
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long organiser password"
MADRID = ZoneInfo("Europe/Madrid")
HOUR, MINUTE = timedelta(hours=1), timedelta(minutes=1)


@pytest.fixture
def organiser_with_password():
    user = UserFactory(username="carmen", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    # The live server needs a transactional database, which is flushed after each such test:
    # the group made by migration 0003 (checked in tests/events/test_admin.py) may be gone, the
    # permissions are made again by the flush.
    group, _ = Group.objects.get_or_create(name="Organisers")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="events"))
    user.groups.add(group)
    return user


def log_in(page, live_server) -> None:
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "carmen")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#site-name")).to_have_text("Alliance Days")


def open_session(page, live_server, title: str) -> None:
    """From the admin home, as an organiser would: Sessions, then the session by its title."""
    page.goto(f"{live_server.url}/admin/")
    page.locator("#content-main").get_by_role("link", name="Sessions", exact=True).click()
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.locator("#content > h2")).to_have_text("Times in Bogotá Time")


def test_organiser_adds_session_seen_on_programme(live_server, page, organiser_with_password):
    event = demo_programme_load()
    log_in(page, live_server)

    page.goto(f"{live_server.url}/admin/events/session/add/")
    page.select_option("#id_event", label=event.name)
    page.fill("#id_title_en", "Post-quantum cryptography for public services")
    page.fill("#id_title_es", "Criptografía poscuántica para los servicios públicos")
    page.select_option("#id_theme", label="Cybersecurity")
    page.select_option("#id_format", value="workshop")
    page.select_option("#id_language", value="es")
    page.get_by_label("English").check()  # interpreted into English
    # The organiser types times in the event's zone (the only zone of the demo data).
    expect(page.locator("#content > h2")).to_have_text("Times in Bogotá Time")
    page.fill("#id_starts_at_0", "2023-11-28")
    page.fill("#id_starts_at_1", "16:00:00")
    page.fill("#id_ends_at_0", "2023-11-28")
    page.fill("#id_ends_at_1", "16:45:00")
    page.locator("input[name=_save]").click()

    expect(page.locator("ul.messagelist li.success")).to_have_text(
        re.compile(r"^The session “Post-quantum cryptography for public services” was added")
    )
    session = Session.objects.get(title_en="Post-quantum cryptography for public services")
    assert (session.event_id, session.format, session.sequence) == (event.pk, "workshop", 0)
    assert (session.title_es, session.title_pt_br, session.language, session.interpretation) == (
        "Criptografía poscuántica para los servicios públicos",
        None,
        "es",
        ["en"],
    )

    page.goto(f"{live_server.url}/events/{event.slug}/programme/?theme=cybersecurity")
    day = page.locator("main section", has=page.locator("h2", has_text="Tuesday 28 November"))
    assert day.locator("a.session-title").all_inner_texts() == [
        "Protecting critical infrastructure",
        "Workshop: incident response across CSIRTs",
        "Post-quantum cryptography for public services",
        "Cybersecurity skills and careers",
    ]
    card = page.locator(f"#session-{session.pk}")
    expect(card.locator(".time-col")).to_have_text("16:00–16:45")
    expect(card.locator(".session-languages")).to_have_text("Spanish, interpreted into English")


@pytest.fixture
def madrid_page(browser):
    """A browser whose clock is in Madrid, far from the event's zone."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", timezone_id="Europe/Madrid"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_organiser_moves_existing_session_public_time_follows(
    live_server, madrid_page, organiser_with_password
):
    page = madrid_page
    event = demo_programme_load()
    session = Session.objects.get(title="Cyber diplomacy and norms")
    log_in(page, live_server)

    open_session(page, live_server, "Cyber diplomacy and norms")
    # The form shows the time the programme shows, in the event's zone.
    expect(page.locator("#id_starts_at_0")).to_have_value("2023-11-29")
    expect(page.locator("#id_starts_at_1")).to_have_value("13:30:00")
    # The shortcuts count in the event's zone too, and say how far the browser is from it.
    now = datetime.now(ZoneInfo("America/Bogota"))
    hours = int((now.replace(tzinfo=None) - now.astimezone(MADRID).replace(tzinfo=None)) / HOUR)
    expect(page.locator(".field-starts_at .timezonewarning")).to_have_text(
        f"Note: your computer is {-hours} hours ahead of the times shown here."
    )
    page.locator(".field-starts_at .datetimeshortcuts a", has_text="Now").click()
    shown = datetime.strptime(page.locator("#id_starts_at_1").input_value(), "%H:%M:%S")
    assert abs(shown - now.replace(tzinfo=None, year=1900, month=1, day=1)) < 2 * MINUTE
    page.fill("#id_starts_at_1", "14:00:00")
    page.fill("#id_ends_at_1", "15:15:00")
    page.locator("input[name=_save]").click()
    expect(page.locator("ul.messagelist li.success")).to_have_text(
        re.compile(r"^The session “Cyber diplomacy and norms” was changed")
    )

    page.goto(f"{live_server.url}/events/{event.slug}/sessions/{session.pk}/")
    when = page.locator("#session-when")
    expect(when).to_contain_text("Wednesday 29 November 2023, 14:00–15:15, Bogotá Time (UTC−5)")
    # The organiser's browser is in Madrid: the page adds their time.
    expect(when.locator(".visitor-time")).to_have_text("Your time: 20:00–21:15 (UTC+1)")
    session.refresh_from_db()
    assert session.sequence == 1


def test_organiser_saves_session_unchanged_public_time_stays(
    live_server, page, organiser_with_password
):
    event = demo_programme_load()
    session = Session.objects.get(title="Cyber diplomacy and norms")
    log_in(page, live_server)

    open_session(page, live_server, "Cyber diplomacy and norms")
    page.locator("input[name=_save]").click()
    expect(page.locator("ul.messagelist li.success")).to_have_text(
        re.compile(r"^The session “Cyber diplomacy and norms” was changed")
    )

    page.goto(f"{live_server.url}/events/{event.slug}/sessions/{session.pk}/")
    expect(page.locator("#session-when")).to_have_text(
        "Wednesday 29 November 2023, 13:30–15:00, Bogotá Time (UTC−5)"
    )
    stored = Session.objects.get(pk=session.pk)
    assert (stored.starts_at, stored.sequence, stored.updated_at) == (
        session.starts_at,
        0,
        session.updated_at,
    )


def test_visitor_sees_a_speaker_removed_in_the_admin_at_once(
    live_server, page, browser, organiser_with_password
):
    """The visitor's page is cached before the change; removing a speaker changes no row of
    the session or the speaker, yet the next visit shows it (the programme's version)."""
    event = demo_programme_load()
    session = Session.objects.get(title="Cyber diplomacy and norms")
    kept, removed = (speaker.name for speaker in session.speakers.order_by("name"))
    context = browser.new_context()
    visitor = context.new_page()
    visitor.goto(f"{live_server.url}/events/{event.slug}/sessions/{session.pk}/")
    speakers = visitor.locator("main ul").last
    expect(speakers).to_contain_text(removed)
    log_in(page, live_server)

    open_session(page, live_server, "Cyber diplomacy and norms")
    page.locator(".select2-selection__choice", has_text=removed).locator(
        ".select2-selection__choice__remove"
    ).click()
    page.keyboard.press("Escape")  # the list of speakers to add opens; nothing chosen
    page.locator("input[name=_save]").click()
    expect(page.locator("ul.messagelist li.success")).to_have_text(
        re.compile(r"^The session “Cyber diplomacy and norms” was changed")
    )

    visitor.reload()
    expect(speakers).to_contain_text(kept)
    expect(speakers).not_to_contain_text(removed)
    context.close()
