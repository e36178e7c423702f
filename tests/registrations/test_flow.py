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
    assert registration.privacy_notice_version == "2023-11"
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
    ((_day, themes),) = page.context["agenda"]
    ((_theme, sessions),) = themes
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


def test_link_request_rotates_token(client, django_capture_on_commit_callbacks):
    registration = RegistrationFactory()
    old = registration.token
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registrations:link_request"), {"email": registration.email})
    assert response.status_code == 200
    registration.refresh_from_db()
    assert registration.token != old
    assert client.get(reverse("registrations:manage", args=[old])).status_code == 404
    assert link_in(mail.outbox[0], "manage") == registration.token
