from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from tests.factories import CheckpointFactory, EventFactory, RegistrationFactory, UserFactory


@pytest.fixture
def event(db):
    """An event running yesterday, today and tomorrow (in its own zone)."""
    today = timezone.localtime(timezone.now(), EventFactory.build().tz).date()
    return EventFactory(start_date=today - timedelta(days=1), end_date=today + timedelta(days=1))


@pytest.fixture
def entrance(event):
    return CheckpointFactory(event=event, name="Main entrance")


@pytest.fixture
def participant(event):
    return RegistrationFactory(
        event=event,
        status="confirmed",
        full_name="Ana Lucía Restrepo",
        organisation="MinTIC Colombia",
        needs="Wheelchair access",
    )


@pytest.fixture
def staff(db):
    """An account in the Check-in staff group (made by a migration), and nothing else."""
    user = UserFactory(username="door", first_name="Marta", last_name="Gómez")
    user.groups.add(Group.objects.get(name="Check-in staff"))
    return user
