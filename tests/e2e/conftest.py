"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server."""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from events.demo import demo_programme_load
from registrations.models import SessionChoice
from tests.factories import CategoryFactory, RegistrationFactory


@dataclass
class Site:
    event: object
    session: object
    manage_url: str
    confirm_url: str


@pytest.fixture
def site(live_server) -> Site:
    """The demo programme two days from now, open for registration; a confirmed participant
    in Madrid with the first two sessions on their agenda, and a participant yet to confirm."""
    event = demo_programme_load(starts_in=timedelta(days=2))
    category = CategoryFactory(name="National governments and public agencies")
    sessions = list(event.sessions.order_by("starts_at")[:3])
    confirmed = RegistrationFactory(
        event=event, category=category, status="confirmed", time_zone="Europe/Madrid"
    )
    for session in sessions[:2]:
        SessionChoice.objects.create(registration=confirmed, session=session)
    pending = RegistrationFactory(event=event, category=category, status="pending")
    return Site(
        event=event,
        session=sessions[0],
        manage_url=confirmed.get_absolute_url(),
        confirm_url=f"{pending.get_absolute_url()}confirm/",
    )
