"""Certificates of attendance (attendance/views.py, services.py, certificate_pdf.py): the PDF in
each language, when it is refused, the verification page, and the email through the outbox."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from attendance.models import Certificate
from attendance.services import certificates_record
from attendance.tasks import certificates_sweep
from registrations.models import Message
from registrations.personal_data import registration_anonymise
from tests.attendance.conftest import check_in
from tests.attendance.test_badges import pdf_pages
from tests.factories import EventFactory, RegistrationFactory
from tests.pages import parse

pytestmark = pytest.mark.django_db

MONTHS = {
    "en": ["", "January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
    "es": ["", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"],
    "pt": ["", "Janeiro", "Fevereiro", "Março", "Abril", "Maio", "Junho", "Julho", "Agosto",
           "Setembro", "Outubro", "Novembro", "Dezembro"],
}  # fmt: skip


def long_date(day, language: str) -> str:
    month = MONTHS[language][day.month]
    if language == "en":
        return f"{day.day} {month} {day.year}"
    return f"{day.day} de {month} de {day.year}"


def certificate_url(registration) -> str:
    return reverse("attendance:certificate", kwargs={"token": registration.token})


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        ("en", ["Certificate of attendance", "This certifies that", "attended", "on {days}.",
                "Check this certificate at:"]),
        ("es", ["Certificado de asistencia", "Se certifica que", "asistió a", "los días {days}.",
                "Compruebe este certificado en:"]),
        ("pt", ["Certificado de participação", "Certificamos que", "participou de",
                "nos dias {days}.", "Verifique este certificado em:"]),
    ],
)  # fmt: skip
def test_certificate_in_the_participants_language_names_the_days(client, attendee, language, lines):
    attendee.language = language
    attendee.save(update_fields=["language"])
    event = attendee.event
    first, last = long_date(event.start_date, language), long_date(event.end_date, language)
    conjunction = {"en": "and", "es": "y", "pt": "e"}[language]

    response = client.get(certificate_url(attendee))

    assert (response["Content-Type"], response["Cache-Control"]) == (
        "application/pdf",
        "private, no-store",
    )
    certificate = Certificate.objects.get(registration=attendee)
    title, certifies, attended, days, check = lines
    assert pdf_pages(response.content) == [
        [
            title,
            certifies,
            "Ana Lucía Restrepo Ñáñez",
            attended,
            "Días de la Alianza Digital",
            f"{event.venue}, {event.city}",
            days.format(days=f"{first} {conjunction} {last}"),
            check,
            f"http://localhost:8000/verify/{certificate.code}/",
        ]
    ]


def test_certificate_refused_before_the_event_has_ended(client, government):
    today = timezone.localdate(timezone=EventFactory.build().tz)
    running = EventFactory(start_date=today - timedelta(days=1), end_date=today)
    registration = RegistrationFactory(event=running, status="confirmed", category=government)
    entrance = running.checkpoints.create(name="Main entrance")
    check_in(registration, entrance, running.start_date)

    response = client.get(certificate_url(registration))

    assert (response.status_code, response["Cache-Control"]) == (404, "private, no-store")
    assert Certificate.objects.count() == 0


def test_certificate_refused_without_a_check_in(client, past_event, government):
    registration = RegistrationFactory(event=past_event, status="confirmed", category=government)

    response = client.get(certificate_url(registration))

    assert (response.status_code, response["Cache-Control"]) == (404, "private, no-store")


def test_certificate_refused_for_an_unknown_or_anonymised_link(client, attendee):
    token = attendee.token
    assert client.get(certificate_url(attendee)).status_code == 200
    registration_anonymise(registration_id=attendee.pk)

    responses = [
        client.get(f"/r/{token}/certificate.pdf"),
        client.get("/r/not-a-token-at-all/certificate.pdf"),
    ]

    assert [(r.status_code, r["Cache-Control"]) for r in responses] == [
        (404, "private, no-store")
    ] * 2


def test_verify_page_shows_who_attended_what_and_nothing_else(client, attendee):
    client.get(certificate_url(attendee))
    code = Certificate.objects.get(registration=attendee).code

    response = client.get(
        reverse("attendance:verify", kwargs={"code": code}), HTTP_ACCEPT_LANGUAGE="en"
    )

    page = parse(response)
    event = attendee.event
    assert response["Cache-Control"] == "private, no-store"
    certificate = page.one("dl", id="certificate")
    assert [dt.text for dt in certificate.select("dt")] == ["Participant", "Event", "Days attended"]
    assert [dd.text for dd in certificate.select("dd")[:2]] == [
        "Ana Lucía Restrepo Ñáñez",
        "Días de la Alianza Digital",
    ]
    assert [li.text for li in certificate.select("li")] == [
        long_date(event.start_date, "en"),
        long_date(event.end_date, "en"),
    ]
    body = response.content.decode()
    assert [secret in body for secret in ("ana@example.org", "MinTIC", attendee.token)] == [
        False
    ] * 3


def test_verify_unknown_malformed_or_anonymised_code_is_404(client, attendee):
    client.get(certificate_url(attendee))
    code = Certificate.objects.get(registration=attendee).code
    registration_anonymise(registration_id=attendee.pk)

    statuses = [
        client.get(f"/verify/{value}/").status_code
        for value in (code, "A" * 22, "short", "x" * 40, "%00" * 10)
    ]

    assert statuses == [404] * 5


def test_manage_page_links_the_certificate_only_once_due(client, attendee, government):
    absent = RegistrationFactory(event=attendee.event, status="confirmed", category=government)

    links = [
        [a.attrs["href"] for a in parse(client.get(r.get_absolute_url())).select("a")
         if a.attrs.get("href", "").endswith("certificate.pdf")]
        for r in (attendee, absent)
    ]  # fmt: skip

    assert links == [[certificate_url(attendee)], []]


def test_sweep_issues_one_certificate_email_per_attendee(
    attendee, government, django_capture_on_commit_callbacks
):
    RegistrationFactory(event=attendee.event, status="confirmed", category=government)  # absent

    with django_capture_on_commit_callbacks(execute=True):
        assert certificates_sweep() == 1
        assert certificates_sweep() == 0
    assert certificates_record() == 0

    (message,) = Message.objects.filter(kind="certificate")
    certificate = Certificate.objects.get(registration=attendee)
    assert (message.registration, message.status) == (attendee, "sent")
    (email,) = mail.outbox
    assert email.to == ["ana@example.org"]
    assert email.subject == "Su certificado de asistencia: Días de la Alianza Digital"
    manage = f"http://localhost:8000{attendee.get_absolute_url()}"
    assert f"{manage}certificate.pdf\n" in email.body
    assert f"http://localhost:8000/verify/{certificate.code}/" in email.body


def test_sweep_skips_events_not_yet_ended_and_anonymised_attendees(attendee):
    registration_anonymise(registration_id=attendee.pk)

    assert certificates_record() == 0
    assert certificates_record(now=attendee.event.starts_at + timedelta(days=1)) == 0
    assert Message.objects.filter(kind="certificate").count() == 0
