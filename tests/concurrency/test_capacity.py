"""Capacity under real concurrency: many threads, each with its own PostgreSQL connection.

PostgreSQL here allows 100 connections, and the test process holds one of its own, so at most
MAX_THREADS (40) threads run at once: a request for 200 simultaneous calls runs as batches of
40, every thread of a batch opening its connection first and then waiting on one
`threading.Barrier`, so that the whole batch calls the service at the same instant. Each thread
closes its connection when its call ends.

Each test of the locks has a control: the same scenario with the lock taken out (and a 10 ms
pause between counting and writing, to widen the window a slow server would open) overbooks.
That proves the real tests could fail, so their passing means something.
"""

import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from events.models import Event, Session
from registrations import services
from registrations.models import Message, Registration, SessionChoice
from tests.factories import CategoryFactory, EventFactory, RegistrationFactory, SessionFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

MAX_THREADS = 40


def run_at_once(calls: list[Callable[[], object]]) -> tuple[list, list[BaseException]]:
    """Run the calls in batches of MAX_THREADS threads released together by a barrier.

    Returns (results, errors): every call's result, or the exception it raised.
    """

    def at_barrier(barrier: threading.Barrier, call: Callable[[], object]):
        try:
            connection.ensure_connection()
            barrier.wait(timeout=60)
            return call()
        finally:
            connection.close()

    results, errors = [], []
    with ThreadPoolExecutor(max_workers=MAX_THREADS) as pool:
        for start in range(0, len(calls), MAX_THREADS):
            batch = calls[start : start + MAX_THREADS]
            barrier = threading.Barrier(len(batch))
            futures = [pool.submit(at_barrier, barrier, call) for call in batch]
            for future in futures:
                try:
                    results.append(future.result())
                except Exception as error:
                    errors.append(error)
    return results, errors


def confirm_at_once(*, event: Event, registrations: list[Registration]) -> tuple[int, int]:
    """Confirm every registration at once; (confirmed, waitlisted) for the event."""
    _results, errors = run_at_once(
        [
            lambda pk=registration.pk: services.registration_confirm(registration_id=pk)
            for registration in registrations
        ]
    )
    assert errors == []
    statuses = Counter(Registration.objects.filter(event=event).values_list("status", flat=True))
    return statuses["confirmed"], statuses["waitlisted"]


def choose_at_once(*, session: Session, registrations: list[Registration]) -> tuple[int, int]:
    """Every registration chooses the session at once; (chosen, waitlisted) for the session."""
    _results, errors = run_at_once(
        [
            lambda registration=registration: services.session_choose(
                registration=registration, session_id=session.pk
            )
            for registration in registrations
        ]
    )
    assert errors == []
    statuses = Counter(
        SessionChoice.objects.filter(session=session).values_list("status", flat=True)
    )
    return statuses["chosen"], statuses["waitlisted"]


def slow_after(function: Callable) -> Callable:
    """The function, followed by a 10 ms pause: the count goes stale before anything is
    written, as it would on a loaded server."""

    def slowed(**kwargs):
        result = function(**kwargs)
        time.sleep(0.01)
        return result

    return slowed


def event_get_unlocked(*, event_id: int) -> Event:
    return Event.objects.get(pk=event_id)


def session_get_unlocked(*, session_id: int, event_id: int | None = None) -> Session:
    return Session.objects.get(pk=session_id)


def test_registration_confirm_200_at_once_fills_exactly_20_places_every_run():
    """200 participants confirm at once for 20 in-person places, ten times over: each time
    exactly 20 get a place, 180 are waitlisted with positions 1 to 180, and each is emailed
    once."""
    outcomes = []
    for _run in range(10):
        event = EventFactory(in_person_capacity=20)
        registrations = RegistrationFactory.create_batch(
            200, event=event, category=CategoryFactory()
        )
        outcomes.append(confirm_at_once(event=event, registrations=registrations))
        positions = sorted(
            Message.objects.filter(
                registration__event=event, kind=Message.Kind.WAITLISTED
            ).values_list("context__position", flat=True)
        )
        assert positions == list(range(1, 181))
        messages = Counter(
            Message.objects.filter(registration__event=event).values_list("kind", "status")
        )
        assert messages == {("confirmed", "sent"): 20, ("waitlisted", "sent"): 180}
    assert outcomes == [(20, 180)] * 10


def test_registration_confirm_without_event_lock_overbooks(monkeypatch):
    """Control: the same 200 confirmations with the event row left unlocked give more than 20
    places in at least one of three runs."""
    monkeypatch.setattr(services, "event_lock", event_get_unlocked)
    monkeypatch.setattr(services, "_places_taken", slow_after(services._places_taken))
    confirmed = []
    for _run in range(3):
        event = EventFactory(in_person_capacity=20)
        registrations = RegistrationFactory.create_batch(
            200, event=event, category=CategoryFactory()
        )
        confirmed.append(confirm_at_once(event=event, registrations=registrations)[0])
        if confirmed[-1] > 20:
            break
    assert max(confirmed) > 20


def test_session_choose_200_at_once_seats_exactly_20_every_run():
    """200 confirmed participants choose a 20-seat session at once, ten times over: each time
    exactly 20 are seated and 180 wait."""
    outcomes = []
    for _run in range(10):
        event = EventFactory()
        session = SessionFactory(event=event, capacity=20)
        registrations = RegistrationFactory.create_batch(
            200, event=event, category=CategoryFactory(), status="confirmed"
        )
        outcomes.append(choose_at_once(session=session, registrations=registrations))
    assert outcomes == [(20, 180)] * 10


def test_session_choose_without_session_lock_overbooks(monkeypatch):
    """Control: the same 200 choices with the session row left unlocked seat more than 20 in
    at least one of three runs."""
    monkeypatch.setattr(services, "session_lock", session_get_unlocked)
    monkeypatch.setattr(services, "_seats_taken", slow_after(services._seats_taken))
    chosen = []
    for _run in range(3):
        event = EventFactory()
        session = SessionFactory(event=event, capacity=20)
        registrations = RegistrationFactory.create_batch(
            200, event=event, category=CategoryFactory(), status="confirmed"
        )
        chosen.append(choose_at_once(session=session, registrations=registrations)[0])
        if chosen[-1] > 20:
            break
    assert max(chosen) > 20


def test_registration_create_same_email_50_at_once_one_registration():
    """The same form posted 50 times at once (two batches: 40, then 10) makes one registration;
    every other call gets it back with a private-link email, and none raises."""
    event = EventFactory()
    data = {
        "full_name": "Ana Lucía Restrepo",
        "email": "ana@example.org",
        "organisation": "Ministry of ICT",
        "country": "CO",
        "category": CategoryFactory(),
        "mode": "in_person",
        "language": "es",
        "time_zone": "America/Bogota",
    }
    results, errors = run_at_once(
        [lambda: services.registration_create(event=event, data=data) for _ in range(50)]
    )
    assert errors == []
    registration = Registration.objects.get()
    assert Counter((r.pk, created) for r, created in results) == {
        (registration.pk, True): 1,
        (registration.pk, False): 49,
    }
    assert Counter(Message.objects.values_list("kind", flat=True)) == {
        "confirm_email": 1,
        "manage_link": 49,
    }


def test_registration_confirm_50_at_once_respects_category_quota():
    """50 participants of a category with an in-person quota of 5 confirm at once for an event
    with 100 places: exactly 5 get one."""
    event = EventFactory(in_person_capacity=100)
    category = CategoryFactory(in_person_quota=5)
    registrations = RegistrationFactory.create_batch(50, event=event, category=category)
    assert confirm_at_once(event=event, registrations=registrations) == (5, 45)
