"""The participant's pass: on the manage page, attached to the confirmation email, renewed."""

import base64
import io

import pytest
import zxingcpp
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from registrations.emails import QR_ATTACHMENT_NAME, message_email
from registrations.models import Registration, new_token
from registrations.outbox import message_queue
from registrations.passes import pass_verify
from tests.factories import EventFactory, RegistrationFactory
from tests.pages import parse


def decoded(png: bytes) -> str:
    (result,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return result.text


@pytest.mark.django_db
def test_manage_page_shows_the_pass_that_verifies(client):
    registration = RegistrationFactory(
        status="confirmed", full_name="Ana <b>Restrepo</b>", organisation="MinTIC"
    )

    page = parse(client.get(registration.get_absolute_url()))

    pass_section = page.one("section", id_="pass")
    image = pass_section.one("img").attrs["src"]
    png = base64.b64decode(image.removeprefix("data:image/png;base64,"))
    claim = pass_verify(decoded(png))
    assert (claim.event_id, claim.pass_id) == (registration.event_id, registration.pass_id)
    assert [dd.text for dd in pass_section.select("dd")] == [
        "Ana <b>Restrepo</b>",
        "MinTIC",
        str(registration.category),
        "In person",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["pending", "waitlisted", "cancelled"])
def test_manage_page_shows_no_pass_unless_confirmed(client, status):
    registration = RegistrationFactory(status=status, waitlisted_at=timezone.now())

    page = parse(client.get(registration.get_absolute_url()))

    assert page.select("section", id_="pass") == []


@pytest.mark.django_db
def test_pass_renew_gives_a_new_pass_and_revokes_the_old(client):
    registration = RegistrationFactory(status="confirmed")
    old_pass_id = registration.pass_id

    response = client.post(reverse("registrations:pass_renew", args=[registration.token]))

    registration.refresh_from_db()
    assert response["Location"] == registration.get_absolute_url()
    assert registration.pass_id != old_pass_id
    assert list(registration.pass_revocations.values_list("pass_id", "reason")) == [
        (old_pass_id, "renewed")
    ]
    page = parse(client.get(registration.get_absolute_url()))
    assert [alert.text for alert in page.select(cls="alert-success")] == [
        "Your pass has been replaced: the old one no longer admits anyone.",
        "You are registered (In person).",
    ]


@pytest.mark.django_db
def test_pass_renew_refused_for_a_waitlisted_registration(client):
    registration = RegistrationFactory(status="waitlisted", waitlisted_at=timezone.now())

    client.post(reverse("registrations:pass_renew", args=[registration.token]))

    registration.refresh_from_db()
    assert registration.pass_revocations.count() == 0
    page = parse(client.get(registration.get_absolute_url()))
    assert page.one(cls="alert-danger").text == ("Only a confirmed registration has a pass.")


@pytest.mark.django_db
def test_pass_renew_needs_post(client):
    registration = RegistrationFactory(status="confirmed")

    response = client.get(reverse("registrations:pass_renew", args=[registration.token]))

    assert (response.status_code, registration.pass_revocations.count()) == (405, 0)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["confirmed", "promoted"])
def test_place_email_carries_the_pass_as_png(kind):
    registration = RegistrationFactory(
        status="confirmed",
        confirmed_at=timezone.now(),
        full_name="Ana Lucía Restrepo",
        organisation="MinTIC",
    )

    email = message_email(message=message_queue(registration=registration, kind=kind))

    (png,) = [
        content for name, content, mimetype in email.attachments if name == QR_ATTACHMENT_NAME
    ]
    assert pass_verify(decoded(png)).pass_id == registration.pass_id
    paragraph = email.body.split("Your pass is attached (a QR code): ", 1)[1].splitlines()
    assert paragraph[:2] == [
        "show it on your phone or on paper at the entrance. Keep it to yourself.",
        f"Ana Lucía Restrepo · MinTIC · {registration.category} · In person",
    ]


@pytest.mark.django_db
def test_place_email_sent_after_cancelling_carries_no_pass():
    registration = RegistrationFactory(status="cancelled", confirmed_at=timezone.now())

    email = message_email(message=message_queue(registration=registration, kind="confirmed"))

    assert [name for name, _content, _mimetype in email.attachments] == ["invite.ics"]
    assert "Your pass is attached" not in email.body


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["confirm_email", "waitlisted", "manage_link"])
def test_other_emails_carry_no_pass(kind):
    registration = RegistrationFactory(status="confirmed")

    email = message_email(message=message_queue(registration=registration, kind=kind))

    assert email.attachments == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_0010_gives_every_existing_registration_its_own_pass_id():
    before, after = [("registrations", "0009_retention")], [("registrations", "0010_passes")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    old = old_apps.get_model("registrations", "Registration")
    event = EventFactory()
    # As the category was then: later fields (its translations, badge colour) are not there yet.
    category = old_apps.get_model("registrations", "StakeholderCategory").objects.create(
        name="Delegates", slug="delegates"
    )
    for n in range(3):
        old.objects.create(
            event_id=event.pk,
            category_id=category.pk,
            email=f"p{n}@example.org",
            full_name="Ana",
            organisation="Ministry",
            country="CO",
            time_zone="America/Bogota",
            privacy_consent_at=timezone.now(),
            privacy_notice_version="2023-11",
            token=new_token(),
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)

    pass_ids = list(Registration.objects.values_list("pass_id", flat=True))
    assert len(set(pass_ids)) == 3
    assert {len(pass_id) for pass_id in pass_ids} == {22}
