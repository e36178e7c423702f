"""A participant never waits on a lock for long: past LOCK_TIMEOUT_MS the page says the site is
busy (503, Retry-After), and nothing was written."""

import threading

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse

from events.models import Event
from registrations.models import Message, Registration
from tests.factories import RegistrationFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def event_row_held():
    """Another connection holds the event's row lock until the test is done."""
    locked, release = threading.Event(), threading.Event()

    def hold(event_id: int) -> None:
        try:
            with transaction.atomic():
                Event.objects.select_for_update().get(pk=event_id)
                locked.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    threads = []

    def start(event: Event) -> None:
        thread = threading.Thread(target=hold, args=(event.pk,))
        thread.start()
        threads.append(thread)
        assert locked.wait(timeout=10)

    yield start
    release.set()
    for thread in threads:
        thread.join(timeout=10)


def test_confirm_while_event_locked_answers_busy_page(client, event_row_held):
    registration = RegistrationFactory(status=Registration.Status.PENDING)
    event_row_held(registration.event)

    response = client.post(reverse("registrations:confirm", args=[registration.token]))

    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert response.templates[0].name == "busy.html"
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    assert Message.objects.filter(kind=Message.Kind.CONFIRMED).count() == 0


def test_lock_timeout_is_set_on_every_connection():
    with connection.cursor() as cursor:
        cursor.execute("SELECT setting, unit FROM pg_settings WHERE name = 'lock_timeout'")
        assert cursor.fetchone() == (str(settings.LOCK_TIMEOUT_MS), "ms")
