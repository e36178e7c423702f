"""In Chromium: an organiser prints one category's badges from the admin; a participant finds
their certificate on their page after the event, and its verification page."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from attendance.models import Certificate
from tests.attendance.test_badges import pdf_pages
from tests.factories import CategoryFactory, RegistrationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long organiser password"


def test_organiser_prints_one_categorys_badges(live_server, page, past_event, government):
    press = CategoryFactory(name="Press", slug="press", position=3)
    for name, category in (("Ana Ñáñez", government), ("Zoë Ruiz", government), ("Olaf", press)):
        RegistrationFactory(event=past_event, status="confirmed", full_name=name, category=category)
    user = UserFactory(username="carmen", is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "carmen")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()

    page.goto(f"{live_server.url}/admin/registrations/registration/")
    page.locator("#changelist-filter").get_by_role("link", name="Government", exact=True).click()
    page.locator("#action-toggle").check()
    page.select_option("select[name=action]", value="print_badges")
    page.locator("button[name=index]").click()
    expect(page.locator("#badge-count")).to_have_text(
        "2 badges will be printed, sorted by category and name."
    )
    page.get_by_label("Four A6 badges per A4 sheet").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the badges (PDF)").click()

    (lines,) = pdf_pages(Path(download.value.path()).read_bytes())
    assert [line for line in lines if line in {"Ana Ñáñez", "Zoë Ruiz", "Olaf"}] == [
        "Ana Ñáñez",
        "Zoë Ruiz",
    ]


def test_participant_downloads_certificate_and_checks_it(live_server, page, attendee):
    page.goto(f"{live_server.url}{attendee.get_absolute_url()}")
    card = page.locator("#certificate")
    expect(card.locator("h2")).to_have_text("Certificado de asistencia")
    link = card.get_by_role("link", name="Descargar mi certificado (PDF)")

    response = page.request.get(f"{live_server.url}{link.get_attribute('href')}")

    assert response.headers["content-type"] == "application/pdf"
    lines = pdf_pages(response.body())[0]
    assert lines[2] == "Ana Lucía Restrepo Ñáñez"
    page.goto(lines[-1].replace("http://localhost:8000", live_server.url))
    code = Certificate.objects.get(registration=attendee).code
    assert lines[-1].endswith(f"/verify/{code}/")
    expect(page.locator("#verified")).to_be_visible()
    expect(page.locator("#certificate dd").first).to_have_text("Ana Lucía Restrepo Ñáñez")
