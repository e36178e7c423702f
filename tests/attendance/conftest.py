from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from checkin.models import CheckIn, Checkpoint
from tests.factories import CategoryFactory, EventFactory, RegistrationFactory


def today_in(event_zone) -> "datetime.date":
    return timezone.localtime(timezone.now(), event_zone).date()


@pytest.fixture
def past_event(db):
    """An event that ended yesterday, after three days (in its own zone)."""
    today = today_in(EventFactory.build().tz)
    return EventFactory(
        name="Días de la Alianza Digital",
        start_date=today - timedelta(days=3),
        end_date=today - timedelta(days=1),
    )


@pytest.fixture
def entrance(past_event):
    return Checkpoint.objects.create(event=past_event, name="Main entrance")


@pytest.fixture
def government(db):
    return CategoryFactory(
        name="Government", slug="gov", name_es="Gobierno", name_pt="Governo", position=0
    )


def check_in(registration, checkpoint, day, *, session=None) -> CheckIn:
    """A check-in as a scan records it, at 09:00 on the day in the event's zone."""
    return CheckIn.objects.create(
        registration=registration,
        checkpoint=checkpoint,
        session=session,
        day=day,
        scanned_at=datetime.combine(day, time(9), registration.event.tz),
        nonce=f"scan-{registration.pk}-{checkpoint.pk}-{day}",
    )


@pytest.fixture
def attendee(past_event, entrance, government):
    """Confirmed, Spanish-speaking, checked in on the first and last days."""
    registration = RegistrationFactory(
        event=past_event,
        status="confirmed",
        full_name="Ana Lucía Restrepo Ñáñez",
        email="ana@example.org",
        organisation="MinTIC Colombia",
        category=government,
        language="es",
    )
    check_in(registration, entrance, past_event.start_date)
    check_in(registration, entrance, past_event.end_date)
    return registration
