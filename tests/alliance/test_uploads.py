"""No form takes a file or an oversized body: refused with 400, and no row is written."""

import pytest
from django.test.client import encode_multipart
from django.urls import reverse

from registrations.models import Registration
from tests.factories import EventFactory
from tests.registrations.test_flow import form_data

pytestmark = pytest.mark.django_db


def test_register_with_file_part_refused_and_nothing_saved(client, tmp_path):
    event = EventFactory()
    attachment = tmp_path / "big.bin"
    attachment.write_bytes(b"\0" * (20 * 1024 * 1024))

    with attachment.open("rb") as upload:
        response = client.post(
            reverse("registrations:register", args=[event.slug]),
            form_data(attachment=upload),
        )

    assert response.status_code == 400
    assert Registration.objects.count() == 0


def test_register_with_oversized_body_refused_and_nothing_saved(client):
    event = EventFactory()
    body = encode_multipart("BOUNDARY", form_data(needs="x" * (1024 * 1024 + 1)))

    response = client.post(
        reverse("registrations:register", args=[event.slug]),
        body,
        content_type="multipart/form-data; boundary=BOUNDARY",
    )

    assert response.status_code == 400
    assert Registration.objects.count() == 0


def test_register_ordinary_form_still_accepted(client):
    event = EventFactory()

    response = client.post(reverse("registrations:register", args=[event.slug]), form_data())

    assert response.status_code == 302
    assert Registration.objects.get().email == "ana@example.org"
