"""checkin/services.py: what a scan decides, and that it decides it once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from checkin.models import CheckIn
from checkin.services import NonceReused, Result, check_in_scan
from registrations import services as registration_services
from registrations.models import SessionChoice
from registrations.pass_lifecycle import pass_renew, registration_pass_code
from registrations.passes import b64decode, b64encode, pass_code
from tests.factories import CheckpointFactory, EventFactory, RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db


def scan(registration, checkpoint, *, nonce="nonce-0001", scanned_at=None, staff=None, code=None):
    registration.refresh_from_db()
    return check_in_scan(
        event=checkpoint.event,
        code=code or pass_code(event_id=registration.event_id, pass_id=registration.pass_id),
        checkpoint=checkpoint,
        nonce=nonce,
        scanned_at=scanned_at or timezone.now(),
        staff=staff,
    )


def test_scan_checks_in_once_and_the_same_nonce_gives_the_same_answer(participant, entrance):
    first = scan(participant, entrance)
    again = scan(participant, entrance)

    assert (first.result, again.result) == (Result.CHECKED_IN, Result.CHECKED_IN)
    assert first.check_in == again.check_in == CheckIn.objects.get()
    assert (first.check_in.registration, first.check_in.session) == (participant, None)


def test_scan_second_entrance_same_day_answers_already_with_the_first(participant, event, staff):
    main, side = CheckpointFactory(event=event), CheckpointFactory(event=event)
    first = scan(participant, main, staff=staff)
    second = scan(participant, side, nonce="nonce-0002")

    assert second.result == Result.ALREADY
    assert second.check_in == first.check_in
    assert (second.check_in.checkpoint, second.check_in.staff) == (main, staff)
    assert CheckIn.objects.count() == 1


def test_scan_each_day_at_the_entrance_is_its_own_check_in(participant, entrance):
    yesterday = scan(participant, entrance, scanned_at=timezone.now() - timedelta(days=1))
    today = scan(participant, entrance, nonce="nonce-0002")

    assert (yesterday.result, today.result) == (Result.CHECKED_IN, Result.CHECKED_IN)
    assert today.check_in.day - yesterday.check_in.day == timedelta(days=1)


def test_scan_time_in_the_future_is_recorded_as_now(participant, entrance):
    outcome = scan(participant, entrance, scanned_at=timezone.now() + timedelta(hours=3))

    assert abs(outcome.check_in.scanned_at - timezone.now()) < timedelta(seconds=5)


def test_scan_outside_the_event_days_refused(participant):
    past = EventFactory(start_date=participant.event.start_date - timedelta(days=30))
    past.end_date = past.start_date + timedelta(days=2)
    past.save()
    registration = RegistrationFactory(event=past, status="confirmed")

    outcome = scan(registration, CheckpointFactory(event=past))

    assert (outcome.result, CheckIn.objects.count()) == (Result.NOT_EVENT_DAY, 0)


@pytest.mark.parametrize(
    ("changes", "result"),
    [
        ({"status": "pending"}, Result.NOT_CONFIRMED),
        ({"status": "waitlisted"}, Result.NOT_CONFIRMED),
        ({"mode": "online"}, Result.ONLINE),
    ],
)
def test_scan_refused_by_the_registration_state(participant, entrance, changes, result):
    for name, value in changes.items():
        setattr(participant, name, value)
    participant.save()

    outcome = scan(participant, entrance)

    assert (outcome.result, outcome.registration, CheckIn.objects.count()) == (
        result,
        participant,
        0,
    )


def test_scan_of_a_cancelled_registration_answers_cancelled(participant, entrance):
    code = registration_pass_code(registration=participant)
    registration_services.registration_cancel(registration_id=participant.pk)

    assert scan(participant, entrance, code=code).result == Result.CANCELLED


def test_scan_of_a_renewed_pass_answers_revoked_and_the_new_one_admits(participant, entrance):
    old_code = registration_pass_code(registration=participant)
    pass_renew(registration_id=participant.pk)

    assert scan(participant, entrance, code=old_code).result == Result.REVOKED
    assert scan(participant, entrance, nonce="nonce-0002").result == Result.CHECKED_IN


def test_scan_of_another_events_pass_refused(participant, entrance):
    other = RegistrationFactory(status="confirmed")

    assert scan(other, entrance).result == Result.WRONG_EVENT


def test_scan_of_a_forged_or_unknown_pass_refused(participant, entrance):
    data = bytearray(b64decode(registration_pass_code(registration=participant)))
    data[10] ^= 1

    assert scan(participant, entrance, code=b64encode(bytes(data))).result == Result.INVALID
    assert scan(participant, entrance, code="hello").result == Result.INVALID
    unknown = pass_code(event_id=participant.event_id, pass_id=b64encode(bytes(16)))
    assert scan(participant, entrance, code=unknown).result == Result.INVALID
    assert CheckIn.objects.count() == 0


def session_door(event, *, capacity):
    session = SessionFactory(event=event, capacity=capacity)
    return CheckpointFactory(
        event=event, name=f"Door {session.pk}", kind="session", session=session
    )


def test_session_door_with_seats_admits_only_those_seated(participant, event):
    door = session_door(event, capacity=10)

    assert scan(participant, door).result == Result.NOT_FOR_SESSION
    SessionChoice.objects.create(registration=participant, session=door.session)
    outcome = scan(participant, door, nonce="nonce-0002")
    assert (outcome.result, outcome.check_in.session) == (Result.CHECKED_IN, door.session)
    assert scan(participant, door, nonce="nonce-0003").result == Result.ALREADY


def test_session_door_waitlisted_choice_is_not_a_seat(participant, event):
    door = session_door(event, capacity=10)
    SessionChoice.objects.create(
        registration=participant, session=door.session, status="waitlisted"
    )

    assert scan(participant, door).result == Result.NOT_FOR_SESSION


def test_session_door_without_seats_admits_every_in_person_participant(participant, event):
    assert scan(participant, session_door(event, capacity=None)).result == Result.CHECKED_IN


def test_session_door_counts_its_seats(event):
    """Seats reduced after participants chose: the door admits no more than the seats."""
    door = session_door(event, capacity=2)
    first, second = RegistrationFactory.create_batch(2, event=event, status="confirmed")
    for registration in (first, second):
        SessionChoice.objects.create(registration=registration, session=door.session)
    door.session.capacity = 1
    door.session.save()

    assert scan(first, door).result == Result.CHECKED_IN
    assert scan(second, door, nonce="nonce-0002").result == Result.SESSION_FULL


def test_session_door_of_a_cancelled_session_refused(participant, event):
    door = session_door(event, capacity=None)
    door.session.status = "cancelled"
    door.session.save()

    assert scan(participant, door).result == Result.NOT_FOR_SESSION


def test_entrance_and_session_door_are_separate_check_ins(participant, event, entrance):
    door = session_door(event, capacity=None)

    assert scan(participant, entrance).result == Result.CHECKED_IN
    assert scan(participant, door, nonce="nonce-0002").result == Result.CHECKED_IN
    assert CheckIn.objects.count() == 2


def test_scan_id_reused_for_another_pass_refused(participant, entrance, event):
    other = RegistrationFactory(event=event, status="confirmed")
    scan(participant, entrance, nonce="nonce-0001")

    with pytest.raises(NonceReused):
        scan(other, entrance, nonce="nonce-0001")
    assert list(CheckIn.objects.values_list("registration", flat=True)) == [participant.pk]


def test_scan_retried_after_the_pass_was_renewed_gives_the_same_answer(participant, entrance):
    old_code = registration_pass_code(registration=participant)
    first = scan(participant, entrance, code=old_code)
    pass_renew(registration_id=participant.pk)

    again = scan(participant, entrance, code=old_code)

    assert (again.result, again.check_in) == (Result.CHECKED_IN, first.check_in)
