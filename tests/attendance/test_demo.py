"""`load_demo --past` (events' command, with attendance/demo.py): the demo event ended
yesterday, with participants checked in whose certificates can be downloaded."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from checkin.models import CheckIn
from events.models import Event
from registrations.models import Message, Registration
from tests.attendance.test_badges import pdf_pages

pytestmark = pytest.mark.django_db


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list]:
    return {
        "events": list(Event.objects.values()),
        "registrations": list(Registration.objects.order_by("pk").values()),
        "check_ins": list(CheckIn.objects.order_by("pk").values()),
        "messages": list(Message.objects.order_by("pk").values("pk", "kind", "key")),
    }


def test_load_demo_past_ends_yesterday_with_certificates_to_download(client):
    output = load_demo("--past")

    event = Event.objects.get(slug="digital-alliance-days-2023")
    today = timezone.localdate(timezone=event.tz)
    assert (event.start_date, event.end_date) == (
        today - timedelta(days=3),
        today - timedelta(days=1),
    )
    assert event.sessions.filter(ends_at__gte=event.ends_at).count() == 0
    links = re.findall(r"http://localhost:8000(/r/[\w-]+/certificate\.pdf)", output)
    assert len(links) == 3
    assert (
        output.splitlines()[-1] == "Dario Pérez, 0 day(s) attended; not checked in, no certificate"
    )

    response = client.get(links[0])

    assert response["Content-Type"] == "application/pdf"
    lines = pdf_pages(response.content)[0]
    assert (lines[0], lines[2]) == ("Certificado de asistencia", "Ana Lucía Restrepo Ñáñez")
    assert lines[6].startswith("los días ") and lines[6].count(" de 20") == 3


def test_load_demo_past_twice_changes_nothing():
    load_demo("--past")
    before = snapshot()

    load_demo("--past")

    assert snapshot() == before


def test_load_demo_past_and_starts_in_minutes_refused():
    with pytest.raises(CommandError):
        load_demo("--past", "--starts-in-minutes", "60")
