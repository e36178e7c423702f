"""Reminders: found by a sweep, written once into the outbox, sent with the right content."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from registrations import services
from registrations.delivery import messages_send
from registrations.models import Message, Registration, SessionChoice
from registrations.reminders import reminders_record
from registrations.tasks import messages_deliver, reminders_sweep
from tests.factories import EventFactory, RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db

BOGOTA = ZoneInfo("America/Bogota")
STARTS = datetime(2030, 11, 27, 10, 0, tzinfo=BOGOTA)


def chosen(session, **registration_fields):
    registration = RegistrationFactory(
        event=session.event, status="confirmed", **registration_fields
    )
    SessionChoice.objects.create(registration=registration, session=session)
    return registration


@pytest.fixture
def session():
    return SessionFactory(
        event=EventFactory(day_before_reminder_at=None),
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=1),
        livestream_url="https://stream.example/live",
        livestream_visibility="registered",
    )


def reminders():
    return list(
        Message.objects.filter(kind__in=["session_reminder", "event_reminder"])
        .order_by("pk")
        .values_list("registration__email", "kind", "status")
    )


def test_session_reminder_due_30_minutes_before_and_recorded_once(session):
    ana = chosen(session, email="ana@example.org")
    assert reminders_record(now=STARTS - timedelta(minutes=31)) == {"pending": 0, "skipped": 0}
    assert reminders_record(now=STARTS - timedelta(minutes=30)) == {"pending": 1, "skipped": 0}
    assert reminders_record(now=STARTS - timedelta(minutes=29)) == {"pending": 0, "skipped": 0}
    assert reminders() == [(ana.email, "session_reminder", "pending")]


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ("reminders off", {"session_reminders": False}),
        ("registration cancelled", {"status": "cancelled"}),
        ("registration waitlisted", {"status": "waitlisted"}),
    ],
)
def test_session_reminder_none_for(session, change, fields):
    registration = chosen(session)
    type(registration).objects.filter(pk=registration.pk).update(**fields)
    assert reminders_record(now=STARTS - timedelta(minutes=10)) == {"pending": 0, "skipped": 0}


def test_session_reminder_none_for_cancelled_session_or_waitlisted_seat(session):
    chosen(session)
    SessionChoice.objects.update(status="waitlisted")
    assert reminders_record(now=STARTS - timedelta(minutes=10)) == {"pending": 0, "skipped": 0}
    SessionChoice.objects.update(status="chosen")
    session.status = "cancelled"
    session.save()
    assert reminders_record(now=STARTS - timedelta(minutes=10)) == {"pending": 0, "skipped": 0}


def test_session_reminder_found_after_start_is_recorded_skipped(session):
    ana = chosen(session)
    assert reminders_record(now=STARTS + timedelta(minutes=5)) == {"pending": 0, "skipped": 1}
    assert reminders() == [(ana.email, "session_reminder", "skipped")]


def test_moved_session_gets_a_new_reminder(session):
    chosen(session)
    reminders_record(now=STARTS - timedelta(minutes=20))
    session.starts_at += timedelta(hours=2)
    session.ends_at += timedelta(hours=2)
    session.save()
    later = session.starts_at - timedelta(minutes=20)
    assert reminders_record(now=later) == {"pending": 1, "skipped": 0}
    assert Message.objects.filter(kind="session_reminder").count() == 2


def _session_moved(registration, session):
    session.starts_at += timedelta(hours=1)
    session.ends_at += timedelta(hours=1)
    session.save()


def _session_cancelled(registration, session):
    session.status = "cancelled"
    session.save()


# What can change while a reminder waits in the outbox, checked again when it is sent.
NO_LONGER_DUE = {
    "session dropped": lambda r, s: services.session_drop(registration=r, session_id=s.pk),
    "seat waitlisted": lambda r, s: SessionChoice.objects.update(status="waitlisted"),
    "session moved": _session_moved,
    "session cancelled": _session_cancelled,
    "registration cancelled": lambda r, s: Registration.objects.update(status="cancelled"),
    "reminders off": lambda r, s: Registration.objects.update(session_reminders=False),
}


@pytest.mark.parametrize("change", NO_LONGER_DUE)
def test_reminder_no_longer_due_at_delivery_is_skipped_not_sent(session, change):
    registration = chosen(session)
    reminders_record(now=STARTS - timedelta(minutes=20))
    NO_LONGER_DUE[change](registration, session)
    message = Message.objects.get(kind="session_reminder")
    assert messages_deliver([message.pk]) == {"skipped": 1}
    message.refresh_from_db()
    assert (message.status, message.attempts, message.error) == ("skipped", 1, "no longer due")
    assert mail.outbox == []


def test_reminder_delivered_after_its_session_started_is_skipped(session, monkeypatch):
    chosen(session)
    reminders_record(now=STARTS - timedelta(minutes=20))
    monkeypatch.setattr("django.utils.timezone.now", lambda: STARTS)
    assert messages_deliver(list(Message.objects.values_list("pk", flat=True))) == {"skipped": 1}
    assert mail.outbox == []


def test_event_reminder_skipped_once_registration_cancelled():
    event = EventFactory(start_date=date(2030, 11, 27), session_reminder_minutes=None)
    ana, ben = (RegistrationFactory(event=event, status="confirmed") for _ in range(2))
    reminders_record(now=datetime.combine(date(2030, 11, 26), time(18), BOGOTA))
    Registration.objects.filter(pk=ben.pk).update(status="cancelled")
    ids = list(Message.objects.order_by("registration").values_list("pk", flat=True))
    assert messages_deliver(ids) == {"sent": 1, "skipped": 1}
    assert [email.to for email in mail.outbox] == [[ana.email]]


# Up to 50, a batch (outbox.DELIVERY_BATCH).
@pytest.mark.parametrize("participants", [1, 10, 50])
def test_session_reminders_delivered_with_two_queries_each(
    session, participants, django_assert_num_queries
):
    for _ in range(participants):
        chosen(session)
    reminders_record(now=STARTS - timedelta(minutes=20))
    ids = list(Message.objects.values_list("pk", flat=True))
    # Once for the batch: the messages, with their registrations, events, categories and
    # whether their session is still chosen; the session, its event, theme, room and
    # speakers. Then for each message: its claim, and its outcome.
    with django_assert_num_queries(6 + 2 * participants):
        delivery = messages_send(message_ids=ids, retry_in=60)
    assert delivery.counts == {"sent": participants}
    assert len(mail.outbox) == participants


def test_day_before_reminder_at_18_00_event_time():
    event = EventFactory(start_date=date(2030, 11, 27), session_reminder_minutes=None)
    ana = RegistrationFactory(event=event, status="confirmed")
    RegistrationFactory(event=event, status="pending")
    evening = datetime.combine(date(2030, 11, 26), time(18), BOGOTA)
    assert reminders_record(now=evening - timedelta(minutes=1)) == {"pending": 0, "skipped": 0}
    assert reminders_record(now=evening) == {"pending": 1, "skipped": 0}
    assert reminders_record(now=evening + timedelta(hours=1)) == {"pending": 0, "skipped": 0}
    assert reminders() == [(ana.email, "event_reminder", "pending")]


# Up to 50: SQLite caps the parameters of one statement, so it splits a bulk insert of more than
# ~70 rows (PostgreSQL inserts 1,000 per statement); the reads never grow.
@pytest.mark.parametrize("participants", [1, 10, 50])
def test_reminders_record_queries_do_not_grow_with_participants(
    session, participants, django_assert_num_queries
):
    for _ in range(participants):
        chosen(session)
    # events around now, due session reminders, the bulk insert (one batch of ≤ 1000 rows)
    with django_assert_num_queries(3):
        counts = reminders_record(now=STARTS - timedelta(minutes=10))
    assert counts == {"pending": participants, "skipped": 0}


def test_reminders_sweep_writes_every_batch_in_one_run(session, monkeypatch):
    for _ in range(5):
        chosen(session)
    monkeypatch.setattr("registrations.reminders.BATCH", 2)
    monkeypatch.setattr(
        "registrations.tasks.reminders_record",
        lambda: reminders_record(now=STARTS - timedelta(minutes=10), limit=2),
    )
    assert reminders_sweep() == {"pending": 5, "skipped": 0}
    assert Message.objects.filter(kind="session_reminder").count() == 5


def test_session_reminder_email_for_online_participant(session, settings):
    settings.SITE_URL = "https://days.example.org"
    registration = chosen(session, mode="online", time_zone="Europe/Madrid", full_name="Ana Lucía")
    reminders_record(now=STARTS - timedelta(minutes=30))
    messages_deliver(list(Message.objects.values_list("pk", flat=True)))
    (email,) = mail.outbox
    assert email.subject == f"Starting soon: {session.title}"
    watch = f"https://days.example.org/r/{registration.token}/sessions/{session.pk}/watch/"
    assert email.body.splitlines()[4:11] == [
        f"“{session.title}” starts soon.",
        "",
        "When: Wednesday 27 November 2030, 10:00–11:00, Bogotá Time (UTC−5)",
        "Your time: Wednesday 27 November 2030, 16:00–17:00, Madrid Time (UTC+1)",
        "",
        "Language: English",
        f"Watch online (the link appears shortly before the start): {watch}",
    ]


def test_session_reminder_email_in_person_names_the_room(session):
    chosen(session, mode="in_person", time_zone="America/Bogota")
    reminders_record(now=STARTS - timedelta(minutes=30))
    messages_deliver(list(Message.objects.values_list("pk", flat=True)))
    (email,) = mail.outbox
    lines = email.body.splitlines()
    assert lines[6:9] == [
        "When: Wednesday 27 November 2030, 10:00–11:00, Bogotá Time (UTC−5)",
        f"Where: {session.room.name}, Convention Centre, Cartagena de Indias",
        "Language: English",
    ]


def test_session_reminder_email_online_carries_stream_once_revealed(session, monkeypatch):
    session.event.livestream_reveal_minutes = 45
    session.event.save()
    chosen(session, mode="online")
    monkeypatch.setattr("django.utils.timezone.now", lambda: STARTS - timedelta(minutes=30))
    reminders_record(now=STARTS - timedelta(minutes=30))
    messages_deliver(list(Message.objects.values_list("pk", flat=True)))
    (email,) = mail.outbox
    assert "Watch online: https://stream.example/live" in email.body.splitlines()
