"""The programme's version grows in the writer's own transaction (events/services.py,
`programme_changed`): locked in the order registrations lock (the event, then sessions), and
grown again after a write that commits on its own."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.db.models.signals import pre_save

from events import signals
from events.models import Event, Session
from registrations import services as registration_services
from tests.factories import SessionFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def in_thread(work, errors: list) -> threading.Thread:
    def run():
        try:
            work()
        except Exception as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def edit_while_a_registration_holds_the_event(session: Session) -> list:
    """A registration's transaction locks the event, then, while an organiser's save of the
    session waits, the session (as choosing a session after a change of mode does). Returns
    the errors of either."""
    errors, event_locked, registration_done = [], threading.Event(), threading.Event()

    def registration():
        with transaction.atomic():
            registration_services.event_lock(event_id=session.event_id)
            event_locked.set()
            time.sleep(0.5)  # the organiser's save is under way meanwhile
            registration_services.session_lock(session_id=session.pk)
        registration_done.set()

    def organiser():
        assert event_locked.wait(timeout=10)
        with transaction.atomic():
            edited = Session.objects.get(pk=session.pk)
            edited.title = "Opening, retitled"
            edited.save()

    threads = [in_thread(registration, errors), in_thread(organiser, errors)]
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_session_edited_while_a_registration_holds_the_event_no_deadlock():
    session = SessionFactory(title="Opening")
    before = Event.objects.get().programme_version

    errors = edit_while_a_registration_holds_the_event(session)

    assert errors == []
    stored = Session.objects.select_related("event").get()
    assert (stored.title, stored.event.programme_version) == ("Opening, retitled", before + 2)


def test_control_version_grown_only_after_the_write_deadlocks():
    """Without the update before the write, the organiser's transaction holds the session and
    waits for the event, which the registration holds while it waits for the session."""
    session = SessionFactory(title="Opening")
    pre_save.disconnect(sender=Session, dispatch_uid="programme-Session")
    try:
        errors = edit_while_a_registration_holds_the_event(session)
    finally:
        signals.connect()

    assert ["deadlock detected" in str(error) for error in errors] == [True]


def test_page_cached_between_the_first_update_and_the_write_is_not_served(client):
    """Outside a transaction the first update commits before the write: a request then caches
    the old title under the new version; the update after the write leaves it unused."""
    session = SessionFactory(title="Opening")
    url = f"/events/{session.event.slug}/sessions/{session.pk}/"
    seen = []

    def request_in_between(sender, instance, **kwargs):
        seen.append(client.get(url).content.decode())

    pre_save.connect(request_in_between, sender=Session)  # after the update: connected later
    try:
        session.title = "Opening, retitled"
        session.save()
    finally:
        pre_save.disconnect(request_in_between, sender=Session)

    assert ("Opening" in seen[0], "Opening, retitled" in seen[0]) == (True, False)
    assert "Opening, retitled" in client.get(url).content.decode()
