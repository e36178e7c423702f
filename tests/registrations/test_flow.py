"""The participant's path through the real views: register, confirm, choose, cancel."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from registrations.models import Message, Registration, SessionChoice
from tests.factories import CategoryFactory, EventFactory, RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "full_name": "Ana Lucía Restrepo",
        "email": "Ana@Example.org",
        "organisation": "Ministry of ICT",
        "job_title": "Director",
        "country": "CO",
        "category": str(CategoryFactory().pk),
        "mode": "in_person",
        "language": "en",
        "time_zone": "",
        "needs": "Spanish–English interpretation",
        "privacy_consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def link_in(message, path_name):
    pattern = (
        re.escape("http://localhost:8000/r/")
        + r"([\w-]+)/"
        + ("confirm/" if path_name == "confirm" else "")
    )
    return re.search(pattern, message.body).group(1)


def test_register_creates_pending_registration_and_sends_confirmation(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registrations:register", args=[event.slug]), form_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("registrations:check_inbox", args=[event.slug])
    registration = Registration.objects.get()
    assert registration.email == "ana@example.org"
    assert registration.status == Registration.Status.PENDING
    assert registration.time_zone == "America/Bogota"
    assert registration.privacy_notice_version == "2026-12"
    assert len(registration.token) == 43
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["ana@example.org"]
    assert email.subject == f"Confirm your registration for {event.name}"
    assert link_in(email, "confirm") == registration.token
    assert Message.objects.get().status == Message.Status.SENT


def test_register_twice_sends_manage_link_and_same_page(client, django_capture_on_commit_callbacks):
    event = EventFactory()
    url = reverse("registrations:register", args=[event.slug])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, form_data())
        second = client.post(url, form_data(full_name="Someone Else"))
    assert first["Location"] == second["Location"]
    assert Registration.objects.count() == 1
    assert [m.kind for m in Message.objects.order_by("pk")] == ["confirm_email", "manage_link"]
    assert len(mail.outbox) == 2


def test_register_invalid_input_saves_nothing_and_shows_errors(client):
    event = EventFactory()
    response = client.post(
        reverse("registrations:register", args=[event.slug]),
        form_data(
            full_name="x" * 201, email="not-an-email", organisation="Tab\there", privacy_consent=""
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["full_name"] == ["Ensure this value has at most 200 characters (it has 201)."]
    assert errors["email"] == ["Enter a valid email address."]
    assert errors["organisation"] == [
        "Remove the control characters (such as tabs or line breaks) from this field."
    ]
    assert errors["privacy_consent"] == ["You must accept the privacy notice to register."]
    assert Registration.objects.count() == 0


def test_register_honeypot_pretends_success_and_saves_nothing(client):
    event = EventFactory()
    response = client.post(
        reverse("registrations:register", args=[event.slug]), form_data(website="http://spam")
    )
    assert response["Location"] == reverse("registrations:check_inbox", args=[event.slug])
    assert Registration.objects.count() == 0


def test_register_rate_limited_per_email(client, settings):
    event = EventFactory()
    url = reverse("registrations:register", args=[event.slug])
    statuses = [client.post(url, form_data()).status_code for _ in range(6)]
    assert statuses == [302, 302, 302, 302, 302, 429]


def test_confirm_get_shows_button_post_confirms(client, django_capture_on_commit_callbacks):
    registration = RegistrationFactory()
    url = reverse("registrations:confirm", args=[registration.token])
    assert client.get(url).status_code == 200
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response["Location"] == registration.get_absolute_url()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert mail.outbox[0].subject == f"You are registered for {registration.event.name}"


def test_confirm_when_full_waitlists_with_position(client, django_capture_on_commit_callbacks):
    event = EventFactory(in_person_capacity=1)
    RegistrationFactory(event=event, status="confirmed")
    waiting = RegistrationFactory(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registrations:confirm", args=[waiting.token]))
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITLISTED
    assert "you are number 1 on the waitlist" in mail.outbox[0].body


def test_bad_token_gives_404_with_new_link_help(client):
    response = client.get(reverse("registrations:manage", args=["x" * 43]))
    assert response.status_code == 404
    assert response.templates[0].name == "registrations/link_invalid.html"


def test_manage_choose_and_drop_session(client):
    registration = RegistrationFactory(status="confirmed")
    session = SessionFactory(event=registration.event, capacity=1)
    url = reverse("registrations:session_choice", args=[registration.token, session.pk])
    client.post(url, {"action": "choose"})
    assert SessionChoice.objects.get().status == "chosen"
    page = client.get(registration.get_absolute_url())
    ((_day, ((_starts, sessions),)),) = page.context["agenda"].days
    assert [(s.pk, s.choice, s.seats_left) for s in sessions] == [(session.pk, "chosen", 0)]
    client.post(url, {"action": "drop"})
    assert SessionChoice.objects.count() == 0


def test_cancel_promotes_first_waitlisted(client, django_capture_on_commit_callbacks):
    event = EventFactory(in_person_capacity=1)
    holder = RegistrationFactory(event=event, status="confirmed")
    first = RegistrationFactory(event=event)
    second = RegistrationFactory(event=event)
    for registration in (first, second):
        client.post(reverse("registrations:confirm", args=[registration.token]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registrations:cancel", args=[holder.token]))
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert statuses == {holder.pk: "cancelled", first.pk: "confirmed", second.pk: "waitlisted"}
    assert [m.to for m in mail.outbox] == [[holder.email], [first.email]]


# --- private links: asking again never revokes; revoking is the owner's action -------------


def test_link_request_sends_current_link_and_keeps_it_working(
    client, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(status="confirmed")
    token = registration.token
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registrations:link_request"), {"email": registration.email})
    assert response.templates[0].name == "registrations/link_sent.html"
    assert re.findall(r'<p class="lead">(.*?)</p>', response.content.decode()) == [
        "If this address is registered, your private link is on its way."
    ]
    assert response["Cache-Control"] == "private, no-store"
    registration.refresh_from_db()
    assert registration.token == token
    assert client.get(registration.get_absolute_url()).status_code == 200
    (email,) = mail.outbox
    assert (email.to, link_in(email, "manage")) == ([registration.email], token)
    assert "Earlier links" not in email.body


def test_manage_revoke_link_gives_new_link_and_old_one_404(
    client, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(status="confirmed")
    old_manage = registration.get_absolute_url()
    old_calendar = reverse("registrations:calendar", args=[registration.token])
    page = client.get(old_manage).content.decode()
    assert "Calendars subscribed with your current link will stop updating" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registrations:revoke", args=[registration.token]))
    registration.refresh_from_db()
    assert response["Location"] == registration.get_absolute_url() != old_manage
    assert len(registration.token) == 43
    new_page = client.get(registration.get_absolute_url())
    assert [str(m) for m in new_page.context["messages"]] == [
        "Your private link has been renewed: the old one no longer works. Bookmark this page; "
        "we have also emailed you the new link. Subscribe to your calendar again with the new "
        "link below."
    ]
    assert client.get(old_manage).status_code == 404
    assert client.get(old_calendar).status_code == 404
    (email,) = mail.outbox
    assert (email.to, link_in(email, "manage")) == ([registration.email], registration.token)


def test_revoke_link_needs_post(client):
    registration = RegistrationFactory(status="confirmed")
    response = client.get(reverse("registrations:revoke", args=[registration.token]))
    assert response.status_code == 405
    token = registration.token
    registration.refresh_from_db()
    assert registration.token == token


def test_revoke_link_needs_csrf_token():
    from django.test import Client

    registration = RegistrationFactory(status="confirmed")
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("registrations:revoke", args=[registration.token]))
    token = registration.token
    registration.refresh_from_db()
    assert (response.status_code, registration.token) == (403, token)


# --- one mailbox, one registration ---------------------------------------------------------


SPELLINGS = [
    "admin@example.com",
    "admin@example.com\u200b",
    "admin@ｅｘａｍｐｌｅ.com",
    '"admin"@example.com',
]


def test_register_same_mailbox_spelled_four_ways_one_registration(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    url = reverse("registrations:register", args=[event.slug])
    with django_capture_on_commit_callbacks(execute=True):
        for email in SPELLINGS:
            client.post(url, form_data(email=email))
    assert list(Registration.objects.values_list("email", "status")) == [
        ("admin@example.com", "pending")
    ]
    assert [m.to for m in mail.outbox] == [["admin@example.com"]] * 4
    assert [Message.objects.filter(kind=k).count() for k in ("confirm_email", "manage_link")] == [
        1,
        3,
    ]


def test_register_rate_limit_counts_spellings_of_one_mailbox_together(client):
    event = EventFactory()
    url = reverse("registrations:register", args=[event.slug])
    statuses = [
        client.post(url, form_data(email=email)).status_code for email in [*SPELLINGS, *SPELLINGS]
    ]
    assert statuses == [302] * 5 + [429] * 3


def test_link_request_rate_limit_counts_spellings_of_one_mailbox_together(
    client, django_capture_on_commit_callbacks
):
    RegistrationFactory(email="admin@example.com")
    url = reverse("registrations:link_request")
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            client.post(url, {"email": email}).status_code for email in [*SPELLINGS, *SPELLINGS]
        ]
    assert statuses == [200] * 3 + [429] * 5
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("email", ["a@\u202eevil.com", "a@☃.com", '"a b"@example.com'])
def test_register_unencodable_address_is_a_form_error(client, email):
    event = EventFactory()
    response = client.post(
        reverse("registrations:register", args=[event.slug]), form_data(email=email)
    )
    assert response.context["form"].errors == {"email": ["Enter a valid email address."]}
    assert Registration.objects.count() == 0


# --- the registration's language ------------------------------------------------------------


@pytest.mark.parametrize("route", ["manage", "confirm", "cancel"])
def test_private_pages_in_registrations_language_from_english_browser(client, route):
    registration = RegistrationFactory(language="es")
    response = client.get(
        reverse(f"registrations:{route}", args=[registration.token]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert (response.status_code, response["Content-Language"]) == (200, "es")
    assert re.findall(r'<html lang="([^"]*)">', response.content.decode()) == ["es"]


def test_private_page_language_switcher_wins_for_that_visitor(client, settings):
    registration = RegistrationFactory(language="es")
    client.get(reverse("set_language"), {"language": "pt-br", "next": "/"})
    response = client.get(registration.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "pt-br"


def test_watch_page_in_registrations_language(client):
    registration = RegistrationFactory(language="pt-br", status="confirmed")
    session = SessionFactory(event=registration.event)
    response = client.get(
        reverse("registrations:watch", args=[registration.token, session.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response["Content-Language"] == "pt-br"


# --- cached nowhere ---------------------------------------------------------------------------


@pytest.mark.parametrize("route", ["manage", "confirm", "cancel"])
def test_private_pages_not_cached(client, route):
    registration = RegistrationFactory()
    response = client.get(reverse(f"registrations:{route}", args=[registration.token]))
    assert (response.status_code, response["Cache-Control"]) == (200, "private, no-store")


def test_watch_page_not_cached(client):
    registration = RegistrationFactory(status="confirmed")
    session = SessionFactory(event=registration.event)
    response = client.get(reverse("registrations:watch", args=[registration.token, session.pk]))
    assert (response.status_code, response["Cache-Control"]) == (200, "private, no-store")


def test_session_choice_redirect_not_cached(client):
    registration = RegistrationFactory(status="confirmed")
    session = SessionFactory(event=registration.event)
    url = reverse("registrations:session_choice", args=[registration.token, session.pk])
    response = client.post(url, {"action": "choose"})
    assert (response.status_code, response["Cache-Control"]) == (302, "private, no-store")


# --- no 500 for bad input ---------------------------------------------------------------------


@pytest.mark.parametrize("session_id", [0, 2**31, 2**63, 10**38])
@pytest.mark.parametrize("action", ["choose", "drop"])
@pytest.mark.parametrize("status", ["confirmed", "pending"])
def test_session_choice_unknown_session_404(client, session_id, action, status):
    registration = RegistrationFactory(status=status)
    url = reverse("registrations:session_choice", args=[registration.token, session_id])
    response = client.post(url, {"action": action})
    assert (response.status_code, SessionChoice.objects.count()) == (404, 0)


@pytest.mark.parametrize("action", ["choose", "drop"])
@pytest.mark.parametrize("status", ["confirmed", "pending"])
def test_session_choice_other_events_session_404(client, action, status):
    registration = RegistrationFactory(status=status)
    other = SessionFactory()
    RegistrationFactory(event=other.event, status="confirmed")
    url = reverse("registrations:session_choice", args=[registration.token, other.pk])
    response = client.post(url, {"action": action})
    assert (response.status_code, SessionChoice.objects.count()) == (404, 0)


def test_session_drop_not_on_agenda_refused_with_message(client):
    registration = RegistrationFactory(status="pending")
    session = SessionFactory(event=registration.event)
    url = reverse("registrations:session_choice", args=[registration.token, session.pk])
    response = client.post(url, {"action": "drop"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["This session is not on your agenda."]


def test_manage_post_on_cancelled_registration_refused_with_message(client):
    registration = RegistrationFactory(status="cancelled", organisation="Ministry of ICT")
    data = {
        "full_name": registration.full_name,
        "organisation": "Another",
        "country": "CO",
        "category": registration.category_id,
        "mode": "in_person",
        "language": "en",
        "time_zone": "",
    }
    response = client.post(registration.get_absolute_url(), data, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "This registration is cancelled: it can no longer be changed."
    ]
    registration.refresh_from_db()
    assert registration.organisation == "Ministry of ICT"


BAD_TOKENS = ["abc\x00def" * 6, "\x00", "é" * 43, "a" * 43 + "%", "x" * 500]


@pytest.mark.parametrize("token", BAD_TOKENS)
@pytest.mark.parametrize(
    ("route", "extra", "method"),
    [
        ("manage", [], "get"),
        ("manage", [], "post"),
        ("confirm", [], "post"),
        ("cancel", [], "post"),
        ("revoke", [], "post"),
        ("session_choice", [1], "post"),
        ("watch", [1], "get"),
        ("calendar", [], "get"),
    ],
)
def test_garbage_token_404_on_every_token_route(client, token, route, extra, method):
    RegistrationFactory(status="confirmed")
    url = reverse(f"registrations:{route}", args=[token, *extra])
    response = getattr(client, method)(url)
    assert response.status_code == 404
    assert response.get("ETag") is None


@pytest.mark.parametrize("session_id", [0, 2**31, 2**63, 10**38])
def test_watch_page_unknown_session_404(client, session_id):
    registration = RegistrationFactory(status="confirmed")
    response = client.get(reverse("registrations:watch", args=[registration.token, session_id]))
    assert (response.status_code, response.templates[0].name) == (404, "404.html")


def test_watch_page_other_events_session_404(client):
    registration = RegistrationFactory(status="confirmed")
    other = SessionFactory()
    response = client.get(reverse("registrations:watch", args=[registration.token, other.pk]))
    assert (response.status_code, response.templates[0].name) == (404, "404.html")
