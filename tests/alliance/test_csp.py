"""Every page type is sent a Content-Security-Policy with no inline script or style, and carries
none: no <script> without src, no <style>, no style or on… attribute."""

import pytest
from django.urls import reverse

from tests.factories import (
    EventFactory,
    RegistrationFactory,
    SessionFactory,
    ThemeFactory,
    UserFactory,
)
from tests.pages import parse

pytestmark = pytest.mark.django_db

# The directives, in any order.
POLICY = [
    "base-uri 'self'",
    "connect-src 'self'",
    "default-src 'self'",
    "font-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "img-src 'self' data:",
    "object-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
]


def inline_code(response) -> list[str]:
    """What a strict policy would block: inline scripts, style elements and attributes, and
    event-handler attributes."""
    found = []
    for element in parse(response).iter():
        if element.tag == "script" and "src" not in element.attrs:
            found.append("<script> without src")
        if element.tag == "style":
            found.append("<style>")
        found += [f"{element.tag}[{name}]" for name in element.attrs if name == "style"]
        found += [f"{element.tag}[{name}]" for name in element.attrs if name.startswith("on")]
    return found


@pytest.fixture
def pages():
    """One URL of every page type, public, private and the organisers'."""
    theme = ThemeFactory(colour="#1b7f5a")
    event = EventFactory(published=True)
    session = SessionFactory(event=event, theme=theme)
    confirmed = RegistrationFactory(event=event, status="confirmed")
    pending = RegistrationFactory(event=event, status="pending")
    return {
        "home": reverse("events:event_list"),
        "event": reverse("events:event_detail", args=[event.slug]),
        "programme": reverse("events:programme", args=[event.slug]) + f"?theme={theme.slug}",
        "session": reverse("events:session_detail", args=[event.slug, session.pk]),
        "speakers": reverse("events:speaker_list", args=[event.slug]),
        "theme": reverse("events:theme_detail", args=[event.slug, theme.slug]),
        "register": reverse("registrations:register", args=[event.slug]),
        "check inbox": reverse("registrations:check_inbox", args=[event.slug]),
        "confirm": reverse("registrations:confirm", args=[pending.token]),
        "manage": reverse("registrations:manage", args=[confirmed.token]),
        "cancel": reverse("registrations:cancel", args=[confirmed.token]),
        "delete": reverse("registrations:delete", args=[confirmed.token]),
        "watch": reverse("registrations:watch", args=[confirmed.token, session.pk]),
        "new link": reverse("registrations:link_request"),
        "privacy": reverse("registrations:privacy"),
        "not found": "/no-such-page/",
        "invalid link": "/r/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/",
        "admin login": reverse("admin:login"),
        "admin home": reverse("admin:index"),
        "admin session": reverse("admin:events_session_change", args=[session.pk]),
        "admin registrations": reverse("admin:registrations_registration_changelist"),
    }


def test_every_page_type_strict_policy_and_no_inline_code(client, pages):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    found = {}
    for name, url in pages.items():
        if name.startswith("admin") and name != "admin login":
            client.force_login(superuser)
        response = client.get(url)
        assert response.status_code in (200, 404), (name, response.status_code)
        assert sorted(response["Content-Security-Policy"].split("; ")) == POLICY, name
        found[name] = inline_code(response)
    assert {name: code for name, code in found.items() if code} == {}


def test_theme_stylesheet_colours_each_theme(client):
    first = ThemeFactory(colour="#1b7f5a")
    second = ThemeFactory(colour="#A0522D")

    response = client.get(reverse("events:theme_stylesheet"))

    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert response.content.decode().splitlines() == [
        f".theme-{first.pk}{{background-color:#1b7f5a}}",
        f".theme-{second.pk}{{background-color:#A0522D}}",
    ]
    again = client.get(
        reverse("events:theme_stylesheet"), headers={"if-none-match": response["ETag"]}
    )
    assert again.status_code == 304


def test_theme_stylesheet_changes_when_a_colour_does(client):
    theme = ThemeFactory(colour="#1b7f5a")
    before = client.get(reverse("events:theme_stylesheet"))
    theme.colour = "#003399"
    theme.save()

    after = client.get(
        reverse("events:theme_stylesheet"), headers={"if-none-match": before["ETag"]}
    )

    assert (after.status_code, after.content.decode()) == (
        200,
        f".theme-{theme.pk}{{background-color:#003399}}\n",
    )
