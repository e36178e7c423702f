"""A participant registers, confirms by email, picks sessions, edits, cancels; a waitlisted
participant gets the freed place. Driven through the real pages in Chromium."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from registrations.models import Registration, SessionChoice, StakeholderCategory
from tests.factories import EventFactory, SessionFactory, ThemeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CATEGORY = "National governments and public agencies"
WAITLISTED = (
    "All places are taken: you are number 1 on the waitlist (In person). "
    "We will email you as soon as a place frees up."
)


@pytest.fixture(autouse=True)
def _links_to_live_server(settings, live_server):
    # Emails and calendar links are built from SITE_URL: point them at the server under test.
    settings.SITE_URL = live_server.url


@pytest.fixture
def category():
    # Seeded by migration 0002, but the live server's transactional database is flushed after
    # each test, so a test that runs after another one finds the table empty.
    category, _ = StakeholderCategory.objects.update_or_create(
        slug="government", defaults={"name": CATEGORY, "position": 0}
    )
    return category


@pytest.fixture
def event(category):
    now = timezone.now()
    return EventFactory(
        name="Digital Alliance Days 2030",
        in_person_capacity=1,
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=now + timedelta(days=30),
    )


@pytest.fixture
def sessions(event):
    """Three sessions on the event's first two days; the workshop has a single seat."""
    data, ai = ThemeFactory(name="Data governance"), ThemeFactory(name="Artificial intelligence")

    def at(day: int, hour: int) -> datetime:
        return datetime.combine(event.start_date + timedelta(days=day), time(hour), event.tz)

    return {
        "plenary": SessionFactory(
            event=event, theme=data, title="Opening plenary", starts_at=at(0, 9), capacity=None
        ),
        "workshop": SessionFactory(
            event=event, theme=data, title="Data spaces workshop", starts_at=at(0, 11), capacity=1
        ),
        "ai": SessionFactory(
            event=event, theme=ai, title="AI in public services", starts_at=at(1, 10), capacity=30
        ),
    }


@pytest.fixture
def other_page(browser):
    """A second participant's own browser: no cookies shared with the first one."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def field(page, label: str):
    """A form field by its whole label, which ends with an asterisk when the field is required
    (a regular expression is matched against the label's raw text, line breaks included)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\*?\s*$"))


def emails_to(address: str) -> list:
    return [email for email in mail.outbox if email.to == [address]]


def link_in(email, pattern: str) -> str:
    return re.search(pattern, email.body).group(0)


def register(page, live_server, event, *, name: str, email: str) -> None:
    page.goto(f"{live_server.url}/events/{event.slug}/")
    page.get_by_role("link", name="Register", exact=True).click()
    expect(page.locator("h1")).to_have_text("Register")
    field(page, "Full name").fill(name)
    field(page, "Email").fill(email)
    field(page, "Organisation").fill("Ministry of ICT")
    field(page, "Country").select_option(label="Colombia")
    field(page, "Stakeholder category").select_option(label=CATEGORY)
    field(page, "In person").check()
    field(page, "I have read and accept the privacy notice.").check()
    page.get_by_role("button", name="Register").click()
    expect(page.locator("h1")).to_have_text("Check your inbox")
    expect(page.locator("p.lead")).to_have_text(
        "We have sent you an email. Open the link in it to confirm your registration."
    )


def confirm_from_email(page, live_server, *, email: str) -> str:
    """Open the link of the confirmation email and confirm; returns the manage page's URL."""
    (message,) = [m for m in emails_to(email) if m.subject.startswith("Confirm your registration")]
    confirm_url = link_in(message, re.escape(live_server.url) + r"/r/[\w-]+/confirm/")
    page.goto(confirm_url)
    expect(page.locator("h1")).to_have_text("Confirm your registration")
    page.get_by_role("button", name="Confirm my registration").click()
    manage_url = confirm_url.removesuffix("confirm/")
    expect(page).to_have_url(manage_url)
    return manage_url


def session_row(page, session):
    return page.locator(f"#session-{session.pk}")


def flash(page):
    """The message shown after an action (not the registration's status box)."""
    return page.locator("main > .alert:not(#registration-status)")


def test_participant_registers_confirms_picks_sessions_and_cancels(
    live_server, page, other_page, event, sessions
):
    register(page, live_server, event, name="Ana Lucía Restrepo", email="ana@example.org")
    ana = Registration.objects.get()
    assert (ana.full_name, ana.status, ana.mode, ana.category.slug, ana.time_zone) == (
        "Ana Lucía Restrepo",
        "pending",
        "in_person",
        "government",
        "America/Bogota",
    )
    assert [m.subject for m in emails_to("ana@example.org")] == [
        "Confirm your registration for Digital Alliance Days 2030"
    ]

    ana_url = confirm_from_email(page, live_server, email="ana@example.org")
    expect(flash(page)).to_have_text("Your registration is confirmed. Welcome!")
    expect(page.locator("#registration-status")).to_have_text("You are registered (In person).")

    workshop, ai = sessions["workshop"], sessions["ai"]
    expect(session_row(page, sessions["plenary"]).locator(".seats")).to_have_text("Open seating")
    expect(session_row(page, workshop).locator(".seats")).to_have_text("1 seat left")
    expect(session_row(page, ai).locator(".seats")).to_have_text("30 seats left")
    for session, seats_left in [(workshop, "0 seats left"), (ai, "29 seats left")]:
        session_row(page, session).get_by_role("button", name="Add").click()
        expect(flash(page)).to_have_text("The session was added to your agenda.")
        row = session_row(page, session)
        expect(row.locator("form .badge")).to_have_text("On your agenda")
        expect(row.get_by_role("button", name="Remove")).to_be_visible()
        expect(row.locator(".seats")).to_have_text(seats_left)
    assert set(
        SessionChoice.objects.filter(registration=ana).values_list("session_id", "status")
    ) == {(workshop.pk, "chosen"), (ai.pk, "chosen")}

    feed_url = f"{live_server.url}/calendar/{ana.token}.ics"
    subscribe = page.locator("section.subscribe")
    expect(subscribe.get_by_role("link", name="Download .ics")).to_have_attribute("href", feed_url)
    expect(
        subscribe.get_by_role("link", name="Subscribe (Apple, Outlook desktop, Thunderbird)")
    ).to_have_attribute("href", "webcal://" + feed_url.removeprefix("http://"))
    response = page.request.get(feed_url)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.body())
    assert sorted(str(vevent["UID"]) for vevent in calendar.walk("VEVENT")) == sorted(
        [f"session-{workshop.pk}@localhost", f"session-{ai.pk}@localhost"]
    )

    session_row(page, ai).get_by_role("button", name="Remove").click()
    expect(flash(page)).to_have_text("The session was removed from your agenda.")
    expect(session_row(page, ai).get_by_role("button", name="Add")).to_be_visible()
    expect(session_row(page, ai).locator(".seats")).to_have_text("30 seats left")
    assert list(
        SessionChoice.objects.filter(registration=ana).values_list("session_id", flat=True)
    ) == [workshop.pk]

    field(page, "Job title").fill("Director of Digital Government")
    page.get_by_role("button", name="Save my details").click()
    expect(flash(page)).to_have_text("Your details have been saved.")
    expect(field(page, "Job title")).to_have_value("Director of Digital Government")
    ana.refresh_from_db()
    assert ana.job_title == "Director of Digital Government"

    # The only in-person place is Ana's: Bruno, in his own browser, waits for it.
    register(other_page, live_server, event, name="Bruno Costa", email="bruno@example.org")
    bruno_url = confirm_from_email(other_page, live_server, email="bruno@example.org")
    expect(other_page.locator("#registration-status")).to_have_text(WAITLISTED)
    expect(other_page.locator("#agenda-heading")).to_have_count(0)
    bruno = Registration.objects.get(email="bruno@example.org")
    assert bruno.status == "waitlisted"

    page.goto(ana_url)
    page.get_by_role("link", name="Cancel my registration").click()
    expect(page.locator("h1")).to_have_text("Cancel your registration?")
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page).to_have_url(ana_url)
    expect(flash(page)).to_have_text("Your registration has been cancelled.")
    expect(page.locator("#registration-status")).to_have_text(
        "This registration is cancelled. Register again"
    )

    other_page.reload()
    expect(other_page).to_have_url(bruno_url)
    expect(other_page.locator("#registration-status")).to_have_text(
        "You are registered (In person)."
    )
    expect(session_row(other_page, workshop).locator(".seats")).to_have_text("1 seat left")
    ana.refresh_from_db()
    bruno.refresh_from_db()
    assert (ana.status, bruno.status) == ("cancelled", "confirmed")
    assert SessionChoice.objects.filter(registration=ana).count() == 0
    bruno_emails = emails_to("bruno@example.org")
    assert [m.subject for m in bruno_emails] == [
        "Confirm your registration for Digital Alliance Days 2030",
        "You are on the waitlist for Digital Alliance Days 2030",
        "A place is yours at Digital Alliance Days 2030",
    ]
    assert link_in(bruno_emails[-1], re.escape(live_server.url) + r"/r/[\w-]+/") == bruno_url


def test_bad_input_shows_errors_next_to_fields_and_saves_nothing(live_server, page, event):
    page.goto(f"{live_server.url}/events/{event.slug}/register/")
    name = field(page, "Full name")
    # The input's maxlength keeps people from typing more; a script or an old browser can.
    name.evaluate("input => input.removeAttribute('maxlength')")
    name.fill("N" * 201)
    field(page, "Email").fill("ana-at-example.org")
    field(page, "Organisation").fill("Ministry of ICT")
    field(page, "Country").select_option(label="Colombia")
    field(page, "Stakeholder category").select_option(label=CATEGORY)
    page.get_by_role("button", name="Register").click()

    expect(page.locator("h1")).to_have_text("Register")
    expect(page.locator("#div_id_full_name .invalid-feedback")).to_have_text(
        "Ensure this value has at most 200 characters (it has 201)."
    )
    expect(page.locator("#div_id_email .invalid-feedback")).to_have_text(
        "Enter a valid email address."
    )
    expect(page.locator("#div_id_privacy_consent .invalid-feedback")).to_have_text(
        "You must accept the privacy notice to register."
    )
    for name in ("full_name", "email", "privacy_consent"):
        expect(page.locator(f"#div_id_{name} .invalid-feedback")).to_be_visible()
    expect(page.locator(".invalid-feedback")).to_have_count(3)
    # What was typed is kept, so it can be corrected.
    expect(field(page, "Email")).to_have_value("ana-at-example.org")
    expect(field(page, "Organisation")).to_have_value("Ministry of ICT")
    assert Registration.objects.count() == 0
    assert mail.outbox == []


def test_wrong_private_link_shows_help_page(live_server, page):
    response = page.goto(f"{live_server.url}/r/not-a-real-token/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    page.get_by_role("link", name="Send me a new link").click()
    expect(page).to_have_url(f"{live_server.url}/new-link/")
    expect(page.locator("h1")).to_have_text("Get your private link")

    field(page, "Your email address").fill("nobody@example.org")
    page.get_by_role("button", name="Send me my link").click()
    expect(page.locator("h1")).to_have_text("Check your inbox")
    expect(page.locator("p.lead")).to_have_text(
        "If this address is registered, your private link is on its way."
    )
    # No registration has this address: nothing is sent, and the page does not tell.
    assert mail.outbox == []


def test_manage_page_fits_a_phone_screen(live_server, page, event, sessions, tmp_path):
    page.set_viewport_size({"width": 390, "height": 844})
    register(page, live_server, event, name="Ana Lucía Restrepo", email="ana@example.org")
    confirm_from_email(page, live_server, email="ana@example.org")
    session_row(page, sessions["workshop"]).get_by_role("button", name="Add").click()
    expect(flash(page)).to_have_text("The session was added to your agenda.")

    screenshot = tmp_path / "manage-mobile.png"
    page.screenshot(path=screenshot, full_page=True)
    assert screenshot.stat().st_size > 0

    assert page.evaluate("document.documentElement.scrollWidth") == 390
    buttons = page.locator("#agenda-heading ~ ul").get_by_role("button")
    expect(buttons).to_have_text(["Add", "Remove", "Add"])
    for index in range(buttons.count()):
        button = buttons.nth(index)
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 390


@pytest.fixture
def english_page(browser):
    """A browser that asks for English only (Accept-Language: en)."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="en-US",
        extra_http_headers={"Accept-Language": "en"},
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


RENEWED_ES = (
    "Su enlace privado se ha renovado: el anterior ya no funciona. Guarde esta página en sus "
    "marcadores; también le hemos enviado el nuevo enlace por correo. Vuelva a suscribirse a su "
    "calendario con el nuevo enlace que aparece abajo."
)


def test_spanish_participant_registers_and_manages_in_spanish_from_english_browser(
    live_server, english_page, event, sessions
):
    page = english_page
    page.goto(f"{live_server.url}/events/{event.slug}/register/")
    expect(page.locator("h1")).to_have_text("Register")
    field(page, "Full name").fill("Lucía Gómez")
    field(page, "Email").fill("Lucia@Ejemplo.org")
    field(page, "Organisation").fill("MinTIC")
    field(page, "Country").select_option(label="Colombia")
    field(page, "Stakeholder category").select_option(label=CATEGORY)
    field(page, "In person").check()
    field(page, "Preferred language").select_option(label="Español")
    field(page, "I have read and accept the privacy notice.").check()
    page.get_by_role("button", name="Register").click()
    expect(page.locator("h1")).to_have_text("Check your inbox")
    lucia = Registration.objects.get()
    assert (lucia.email, lucia.language) == ("lucia@ejemplo.org", "es")

    (message,) = emails_to("lucia@ejemplo.org")
    assert message.subject == "Confirme su inscripción en Digital Alliance Days 2030"
    page.goto(link_in(message, re.escape(live_server.url) + r"/r/[\w-]+/confirm/"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("h1")).to_have_text("Confirme su inscripción")
    page.get_by_role("button", name="Confirmar mi inscripción").click()
    old_url = f"{live_server.url}/r/{lucia.token}/"
    expect(page).to_have_url(old_url)
    expect(flash(page)).to_have_text("Su inscripción está confirmada. ¡Bienvenido/a!")
    expect(page.locator("h1")).to_have_text("Su inscripción")
    expect(page.locator("#agenda-heading")).to_have_text("Elija sus sesiones")

    workshop = sessions["workshop"]
    session_row(page, workshop).get_by_role("button", name="Añadir").click()
    expect(flash(page)).to_have_text("La sesión se añadió a su agenda.")
    expect(session_row(page, workshop).locator("form .badge")).to_have_text("En su agenda")
    assert list(lucia.choices.values_list("session_id", "status")) == [(workshop.pk, "chosen")]

    expect(page.locator("#link-heading + p + p")).to_have_text(
        "Los calendarios suscritos con su enlace actual dejarán de actualizarse."
    )
    mail.outbox.clear()
    page.get_by_role("button", name="Reemplazar mi enlace privado").click()
    lucia.refresh_from_db()
    new_url = f"{live_server.url}/r/{lucia.token}/"
    expect(page).to_have_url(new_url)
    assert new_url != old_url
    expect(flash(page)).to_have_text(RENEWED_ES)
    (renewed,) = emails_to("lucia@ejemplo.org")
    assert link_in(renewed, re.escape(live_server.url) + r"/r/[\w-]+/") == new_url
    assert page.goto(old_url).status == 404
    assert page.goto(new_url).status == 200
    expect(session_row(page, workshop).locator("form .badge")).to_have_text("En su agenda")
