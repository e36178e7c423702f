"""Check-in under real concurrency: one pass scanned at several doors at the same instant is
admitted once (checkin/services.py: the registration's row lock, backed by the unique
constraints of CheckIn), and a session door admits no more than its seats.

Each guard is shown to hold alone (lock without constraint, constraint without lock), and a
control with both taken out (and a 10 ms pause between looking and writing) admits the same
pass more than once, so the real tests could fail.
"""

from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from checkin import services
from checkin.models import CheckIn
from registrations.models import Registration, SessionChoice
from registrations.pass_lifecycle import registration_pass_code
from tests.concurrency.test_capacity import run_at_once, slow_after
from tests.factories import CheckpointFactory, EventFactory, RegistrationFactory, SessionFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

DOORS = 8


def today_event():
    today = timezone.localtime(timezone.now(), EventFactory.build().tz).date()
    return EventFactory(start_date=today - timedelta(days=1), end_date=today + timedelta(days=1))


def scan_at_once(*, registration: Registration, checkpoints: list, nonces: list[str]) -> list:
    """Scan the registration's pass at every checkpoint at the same instant (one nonce each);
    returns the results."""
    code = registration_pass_code(registration=registration)
    outcomes, errors = run_at_once(
        [
            lambda checkpoint=checkpoint, nonce=nonce: services.check_in_scan(
                event=registration.event,
                code=code,
                checkpoint=checkpoint,
                nonce=nonce,
                scanned_at=timezone.now(),
                staff=None,
            )
            for checkpoint, nonce in zip(checkpoints, nonces, strict=True)
        ]
    )
    assert errors == []
    return [outcome.result for outcome in outcomes]


def double_scans(runs: int) -> list[tuple[int, Counter]]:
    """`runs` participants, each scanned at DOORS entrances at once: (rows, answers) each."""
    event = today_event()
    doors = [CheckpointFactory(event=event) for _ in range(DOORS)]
    found = []
    for run in range(runs):
        registration = RegistrationFactory(event=event, status="confirmed")
        results = scan_at_once(
            registration=registration,
            checkpoints=doors,
            nonces=[f"run{run}-door{door}" for door in range(DOORS)],
        )
        found.append((CheckIn.objects.filter(registration=registration).count(), Counter(results)))
    return found


ONCE = (1, Counter({"checked_in": 1, "already": DOORS - 1}))


@contextmanager
def without_constraint(name: str):
    """The CheckIn constraint `name` dropped from the database for the block."""
    constraint = next(c for c in CheckIn._meta.constraints if c.name == name)
    with connection.schema_editor() as editor:
        editor.remove_constraint(CheckIn, constraint)
    try:
        yield
    finally:
        CheckIn.objects.all().delete()  # duplicates would stop the constraint coming back
        with connection.schema_editor() as editor:
            editor.add_constraint(CheckIn, constraint)


def no_lock(*, registration_id: int) -> None:
    return None


def test_same_pass_at_eight_entrances_at_once_checked_in_once_every_run():
    assert double_scans(10) == [ONCE] * 10


def test_same_pass_at_once_checked_in_once_by_the_lock_alone(monkeypatch):
    monkeypatch.setattr(services, "_earlier", slow_after(services._earlier))
    with without_constraint("one_entrance_check_in_per_day"):
        assert double_scans(5) == [ONCE] * 5


def test_same_pass_at_once_checked_in_once_by_the_constraint_alone(monkeypatch):
    monkeypatch.setattr(services, "registration_lock", no_lock)
    monkeypatch.setattr(services, "_earlier", slow_after(services._earlier))
    assert double_scans(5) == [ONCE] * 5


def test_same_pass_at_once_without_lock_or_constraint_checked_in_twice(monkeypatch):
    """Control: with neither guard, the same pass is admitted more than once."""
    monkeypatch.setattr(services, "registration_lock", no_lock)
    monkeypatch.setattr(services, "_earlier", slow_after(services._earlier))
    with without_constraint("one_entrance_check_in_per_day"):
        rows = [count for count, _results in double_scans(3)]
    assert max(rows) > 1


def test_same_scan_uploaded_eight_times_at_once_recorded_once():
    """An offline queue uploaded from two tabs, retried: one nonce, one row, one answer."""
    event = today_event()
    entrance = CheckpointFactory(event=event)
    registration = RegistrationFactory(event=event, status="confirmed")

    results = scan_at_once(
        registration=registration, checkpoints=[entrance] * DOORS, nonces=["same-nonce"] * DOORS
    )

    assert results == ["checked_in"] * DOORS
    assert CheckIn.objects.filter(nonce="same-nonce").count() == 1


def seats_run() -> int:
    """20 seated participants, a door whose session now has 5 seats, all scanned at once:
    how many were admitted."""
    event = today_event()
    session = SessionFactory(event=event, capacity=20)
    door = CheckpointFactory(event=event, kind="session", session=session)
    registrations = RegistrationFactory.create_batch(20, event=event, status="confirmed")
    SessionChoice.objects.bulk_create(
        SessionChoice(registration=registration, session=session) for registration in registrations
    )
    session.capacity = 5
    session.save(update_fields=["capacity"])
    codes = [registration_pass_code(registration=r) for r in registrations]
    outcomes, errors = run_at_once(
        [
            lambda code=code, n=n: services.check_in_scan(
                event=event,
                code=code,
                checkpoint=door,
                nonce=f"seat-{session.pk}-{n}",
                scanned_at=timezone.now(),
                staff=None,
            )
            for n, code in enumerate(codes)
        ]
    )
    assert errors == []
    assert Counter(outcome.result for outcome in outcomes)["session_full"] == 20 - len(
        CheckIn.objects.filter(session=session)
    )
    return CheckIn.objects.filter(session=session).count()


def test_session_door_admits_exactly_its_seats_every_run():
    assert [seats_run() for _ in range(5)] == [5] * 5


def test_session_door_without_session_lock_admits_more_than_its_seats(monkeypatch):
    """Control: the session row left unlocked, 20 scans at once take more than 5 seats."""
    monkeypatch.setattr(
        services, "session_lock", lambda *, session_id: services.Session.objects.get(pk=session_id)
    )
    monkeypatch.setattr(services, "_seats_taken", slow_after(services._seats_taken))
    admitted = []
    for _ in range(3):
        admitted.append(seats_run())
        if admitted[-1] > 5:
            break
    assert max(admitted) > 5
