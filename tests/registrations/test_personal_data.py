"""Personal data under the participant's control: download it, delete it (anonymise), and the
retention period after which organisers' events anonymise it anyway."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from checkin.models import CheckIn
from registrations.models import Message, Registration, SessionChoice
from registrations.personal_data import (
    registration_anonymise,
    registration_data_export,
    registrations_anonymise_expired,
)
from registrations.tasks import messages_deliver
from tests.factories import CheckpointFactory, EventFactory, RegistrationFactory, SessionFactory
from tests.pages import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant():
    registration = RegistrationFactory(
        status="confirmed",
        full_name="Ana Lucía Restrepo",
        email="ana@example.org",
        job_title="Director",
        needs="Step-free access",
    )
    session = SessionFactory(event=registration.event, title="Data governance", capacity=1)
    SessionChoice.objects.create(registration=registration, session=session)
    Message.objects.create(registration=registration, kind=Message.Kind.CONFIRMED, status="sent")
    return registration


def test_registration_data_export_holds_everything(participant):
    data = registration_data_export(registration=participant)

    assert sorted(data) == ["check_ins", "emails", "event", "pass_id", "registration", "sessions"]
    assert data["event"] == {"name": participant.event.name, "slug": participant.event.slug}
    person = data["registration"]
    assert (person["full_name"], person["email"], person["job_title"], person["needs"]) == (
        "Ana Lucía Restrepo",
        "ana@example.org",
        "Director",
        "Step-free access",
    )
    assert (person["status"], person["attendance"], person["stakeholder_category"]) == (
        "confirmed",
        "in_person",
        participant.category.name,
    )
    assert [(s["title"], s["status"]) for s in data["sessions"]] == [("Data governance", "chosen")]
    assert data["emails"] == [{"kind": "confirmed", "status": "sent", "sent_at": None}]
    assert (data["pass_id"], data["check_ins"]) == (participant.pass_id, [])


def test_registration_data_export_holds_the_check_ins(participant):
    entrance = CheckpointFactory(event=participant.event, name="Main entrance")
    scanned_at = datetime(2030, 11, 27, 14, 3, tzinfo=UTC)
    CheckIn.objects.create(
        registration=participant,
        checkpoint=entrance,
        day=date(2030, 11, 27),
        scanned_at=scanned_at,
        nonce="export-test",
    )

    data = registration_data_export(registration=participant)

    assert data["check_ins"] == [
        {"checkpoint": "Main entrance", "day": "2030-11-27", "scanned_at": scanned_at.isoformat()}
    ]


def test_data_export_view_is_private_json_download(client, participant):
    response = client.get(reverse("registrations:data_export", args=[participant.token]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "private, no-store"
    slug = participant.event.slug
    assert response["Content-Disposition"] == f'attachment; filename="{slug}-my-data.json"'
    assert json.loads(response.content)["registration"]["full_name"] == "Ana Lucía Restrepo"


def test_data_export_unknown_token_404(client):
    response = client.get("/r/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/data.json")

    assert (response.status_code, response["Cache-Control"]) == (404, "private, no-store")


def test_delete_page_asks_first_and_changes_nothing(client, participant):
    response = client.get(reverse("registrations:delete", args=[participant.token]))

    assert response.status_code == 200
    assert parse(response).one("h1").text == "Delete your data?"
    participant.refresh_from_db()
    assert (participant.full_name, participant.anonymised_at) == ("Ana Lucía Restrepo", None)


def test_delete_needs_csrf_token(participant):
    response = Client(enforce_csrf_checks=True).post(
        reverse("registrations:delete", args=[participant.token])
    )

    participant.refresh_from_db()
    assert (response.status_code, participant.anonymised_at) == (403, None)


def test_delete_anonymises_and_old_links_stop(client, participant):
    old_token = participant.token
    waiting = RegistrationFactory(event=participant.event, status="confirmed")
    session = participant.choices.get().session
    SessionChoice.objects.create(registration=waiting, session=session, status="waitlisted")
    pending = Message.objects.create(
        registration=participant, kind=Message.Kind.SESSION_INVITE, key="x", status="pending"
    )

    response = client.post(reverse("registrations:delete", args=[old_token]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert parse(response).one("h1").text == "Your data has been deleted"
    participant.refresh_from_db()
    assert (
        participant.full_name,
        participant.email,
        participant.organisation,
        participant.job_title,
        participant.needs,
        participant.status,
    ) == ("", "", "", "", "", Registration.Status.CANCELLED)
    assert participant.anonymised_at is not None
    assert participant.token != old_token
    # The figures stay.
    assert (participant.category_id, participant.mode, participant.country) == (
        participant.category.pk,
        "in_person",
        "CO",
    )
    assert client.get(reverse("registrations:manage", args=[old_token])).status_code == 404
    assert client.get(reverse("registrations:calendar", args=[old_token])).status_code == 404
    # The freed seat went to the waitlist; nothing more is sent to the anonymised participant.
    assert SessionChoice.objects.get(registration=waiting).status == "chosen"
    pending.refresh_from_db()
    assert (pending.status, pending.error) == (Message.Status.SKIPPED, "anonymised")
    mail.outbox.clear()
    messages_deliver.delay([pending.pk])
    unsent = Message.objects.filter(registration=participant).exclude(status="sent")
    assert set(unsent.values_list("status", flat=True)) == {Message.Status.SKIPPED}
    assert [m.to for m in mail.outbox] == []


def test_registration_anonymise_twice_changes_nothing(participant):
    first = registration_anonymise(registration_id=participant.pk)
    again = registration_anonymise(registration_id=participant.pk)

    assert (again.token, again.anonymised_at) == (first.token, first.anonymised_at)


@pytest.mark.parametrize(("days_ago", "anonymised"), [(91, True), (90, False), (10, False)])
def test_registrations_anonymise_expired_after_retention(days_ago, anonymised):
    today = date(2024, 6, 1)
    event = EventFactory(
        start_date=today - timedelta(days=days_ago + 2),
        end_date=today - timedelta(days=days_ago),
        personal_data_retention_days=90,
    )
    registration = RegistrationFactory(event=event, status="confirmed")

    count = registrations_anonymise_expired(today=today)

    registration.refresh_from_db()
    assert (count, registration.anonymised_at is not None) == (int(anonymised), anonymised)


def test_retention_sweep_scheduled_hourly():
    task = PeriodicTask.objects.get(task="registrations.retention_sweep")
    assert (task.enabled, task.interval.every, task.interval.period) == (True, 1, "hours")


def test_privacy_page_names_controller_contact_and_retention(client, settings):
    settings.PRIVACY_CONTROLLER = "AECID Colombia"
    settings.PRIVACY_CONTACT_EMAIL = "datos@aecid.example"
    EventFactory(
        name="Alliance Days",
        published=True,
        end_date=date(2023, 11, 29),
        start_date=date(2023, 11, 27),
        personal_data_retention_days=90,
    )

    page = parse(client.get(reverse("registrations:privacy")))

    paragraphs = [p.text for p in page.select("p")]
    assert paragraphs[1] == (
        "AECID Colombia is responsible for your registration data. Write to "
        "datos@aecid.example with any question or request about it."
    )
    assert [li.text for li in page.select("li") if "until" in li.text] == [
        "Alliance Days: until 27 February 2024"
    ]


def test_manage_page_offers_download_and_delete(client, participant):
    page = parse(client.get(reverse("registrations:manage", args=[participant.token])))

    section = page.one("section", **{"aria-labelledby": "data-heading"})
    assert [(a.text, a.attrs["href"]) for a in section.select("a", cls="btn")] == [
        ("Download my data (JSON)", f"/r/{participant.token}/data.json"),
        ("Delete my data", f"/r/{participant.token}/delete/"),
    ]


def test_admin_anonymise_action_asks_then_anonymises(client, organiser, participant):
    client.force_login(organiser)
    url = reverse("admin:registrations_registration_changelist")
    data = {"action": "anonymise", "_selected_action": [participant.pk]}

    asked = client.post(url, data)
    participant.refresh_from_db()
    assert (asked.status_code, participant.anonymised_at) == (200, None)
    assert parse(asked).one("h1").text == "Anonymise personal data?"

    done = client.post(url, {**data, "confirmed": "yes"})
    participant.refresh_from_db()
    assert (done.status_code, done["Location"]) == (302, url)
    assert (participant.full_name, participant.status) == ("", "cancelled")


def test_admin_event_action_anonymises_ended_events_only(client, organiser):
    ended = EventFactory(start_date=date(2023, 11, 27), end_date=date(2023, 11, 29))
    coming = EventFactory(
        start_date=date.today() + timedelta(days=30), end_date=date.today() + timedelta(days=32)
    )
    past = RegistrationFactory(event=ended, status="confirmed")
    future = RegistrationFactory(event=coming, status="confirmed")
    client.force_login(organiser)

    client.post(
        reverse("admin:events_event_changelist"),
        {
            "action": "anonymise_registrations",
            "_selected_action": [ended.pk, coming.pk],
            "confirmed": "yes",
        },
    )

    past.refresh_from_db()
    future.refresh_from_db()
    assert (past.anonymised_at is not None, future.anonymised_at) == (True, None)
