"""A participant who uses only the keyboard registers in Spanish, corrects a mistake from the
error summary, confirms and chooses a session: Tab, typing, Space and Enter, no click. Every
control they stop at shows a focus ring of 3:1 at least against what surrounds it."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from registrations.models import Registration, SessionChoice, StakeholderCategory
from tests.factories import EventFactory, SessionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The colour of an element's focus ring, and the first opaque background behind it.
FOCUS_RING = """element => {
  const style = getComputedStyle(element);
  let behind = element.parentElement, background = "rgba(0, 0, 0, 0)";
  while (behind) {
    background = getComputedStyle(behind).backgroundColor;
    if (!/rgba\\(.*, 0\\)$/.test(background) && background !== "transparent") break;
    behind = behind.parentElement;
    background = "rgb(255, 255, 255)";
  }
  return {style: style.outlineStyle, width: parseFloat(style.outlineWidth),
          colour: style.outlineColor, background: background};
}"""


def luminance(rgb: str) -> float:
    channels = [int(value) / 255 for value in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def tab_to(page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus, and check its ring."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            ring = page.evaluate(FOCUS_RING, page.locator(":focus").element_handle())
            assert ring["style"] == "solid" and ring["width"] >= 2, (selector, ring)
            assert contrast(ring["colour"], ring["background"]) >= 3, (selector, ring)
            return
    raise AssertionError(f"{selector} never received the focus in {limit} presses of Tab")


@pytest.fixture
def event():
    now = timezone.now()
    # A name the same in both languages (the migrations' categories may be flushed by now).
    StakeholderCategory.objects.update_or_create(slug="academia", defaults={"name": "Academia"})
    event = EventFactory(
        name="Días de la Alianza 2030",
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=now + timedelta(days=30),
    )
    SessionFactory(event=event, title="Gobernanza de datos")
    return event


def test_keyboard_only_registration_and_session_choice_in_spanish(
    new_page, live_server, event, settings_site_url
):
    page = new_page(locale="es-CO")
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "es", "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/events/{event.slug}/")
    tab_to(page, "main a[href$='/register/']")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Inscribirse")

    tab_to(page, "#id_full_name")
    page.keyboard.type("Lucía Fernández")
    page.keyboard.press("Tab")
    page.keyboard.type("lucia@ejemplo.org")
    tab_to(page, "#id_organisation")
    page.keyboard.type("Fundación Karisma")
    tab_to(page, "#id_country")
    page.keyboard.type("España")
    tab_to(page, "#id_time_zone")
    page.keyboard.type("Madrid")
    page.keyboard.press("Escape")  # closes the suggestions
    page.keyboard.press("Enter")  # sends the form, with two answers missing

    expect(page).to_have_title(f"Error: 2 problemas · Inscribirse · {event.name}")
    expect(page.locator("#error-summary")).to_be_focused()
    tab_to(page, "#error-summary a[href='#id_category']", limit=1)
    page.keyboard.press("Enter")
    expect(page.locator("#id_category")).to_be_focused()
    page.keyboard.type("Academia")
    tab_to(page, "#id_needs")
    page.keyboard.type("Subtítulos")
    tab_to(page, "#id_privacy_consent")
    page.keyboard.press("Space")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Revise su bandeja de entrada")

    lucia = Registration.objects.get()
    assert (
        lucia.full_name,
        lucia.country,
        lucia.time_zone,
        lucia.category.slug,
        lucia.language,
        lucia.needs,
    ) == ("Lucía Fernández", "ES", "Europe/Madrid", "academia", "es", "Subtítulos")
    (message,) = mail.outbox
    page.goto(re.search(r"http://\S+/confirm/", message.body).group(0))
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#mine-heading")).to_have_text("Mis sesiones")

    session = event.sessions.get()
    tab_to(page, f"#session-{session.pk} button[value=choose]")
    page.keyboard.press("Enter")
    expect(page.locator(f"#mine-{session.pk}")).to_contain_text("Gobernanza de datos")
    expect(page.locator(f"#session-{session.pk} form .badge")).to_have_text("En su agenda")
    assert list(SessionChoice.objects.values_list("registration", "session", "status")) == [
        (lucia.pk, session.pk, "chosen")
    ]


@pytest.fixture
def settings_site_url(settings, live_server):
    settings.SITE_URL = live_server.url
