"""Reminders, found by a periodic sweep (never scheduled as far-future tasks).

Each minute the sweep looks for reminders that are due and not yet in the outbox, and writes
them there: the day-before reminder of each event, and one before each session a participant
chose. The outbox's unique key makes a second sweep (a second beat, a retry) write nothing more.
A reminder found after its session has started (workers were down) is recorded as skipped.
"""

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from events.models import Event, Session

from .models import Message, Registration, SessionChoice

# How far back a sweep still looks: a reminder due earlier than this is not even recorded.
LOOKBACK = timedelta(hours=12)
BATCH = 5000


def _events_around(now: datetime):
    return Event.objects.filter(
        start_date__lte=(now + timedelta(days=2)).date(),
        end_date__gte=(now - timedelta(days=1)).date(),
    )


def _session_reminders(event: Event, now: datetime, limit: int) -> list[Message]:
    lead = timedelta(minutes=event.session_reminder_minutes)
    already = Message.objects.filter(
        registration=OuterRef("registration_id"),
        kind=Message.Kind.SESSION_REMINDER,
        session=OuterRef("session_id"),
        subject_time=OuterRef("session__starts_at"),
    )
    due = (
        SessionChoice.objects.filter(
            session__event=event,
            status=SessionChoice.Status.CHOSEN,
            registration__status=Registration.Status.CONFIRMED,
            registration__session_reminders=True,
            session__status=Session.Status.SCHEDULED,
            session__starts_at__lte=now + lead,
            session__starts_at__gt=now - LOOKBACK,
        )
        .exclude(Exists(already))
        .values_list("registration_id", "session_id", "session__starts_at")[:limit]
    )
    return [
        Message(
            registration_id=registration_id,
            kind=Message.Kind.SESSION_REMINDER,
            key=f"{session_id}@{starts_at.isoformat()}",
            session_id=session_id,
            subject_time=starts_at,
            status=Message.Status.SKIPPED if now >= starts_at else Message.Status.PENDING,
        )
        for registration_id, session_id, starts_at in due
    ]


def _event_reminders(event: Event, now: datetime, limit: int) -> list[Message]:
    due_at = datetime.combine(
        event.start_date - timedelta(days=1), event.day_before_reminder_at, event.tz
    )
    if now < due_at or now > event.starts_at + LOOKBACK:
        return []
    already = Message.objects.filter(
        registration=OuterRef("pk"), kind=Message.Kind.EVENT_REMINDER, subject_time=event.starts_at
    )
    due = (
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
        .exclude(Exists(already))
        .values_list("pk", flat=True)[:limit]
    )
    return [
        Message(
            registration_id=registration_id,
            kind=Message.Kind.EVENT_REMINDER,
            key=event.starts_at.isoformat(),
            subject_time=event.starts_at,
            status=Message.Status.SKIPPED if now >= event.starts_at else Message.Status.PENDING,
        )
        for registration_id in due
    ]


def reminders_record(*, now: datetime | None = None, limit: int = BATCH) -> dict[str, int]:
    """Write the reminders that are due into the outbox (pending, or skipped when too late).
    Returns counts by status. The number of queries depends on the number of events in the
    next days, not on the number of participants."""
    now = now or timezone.now()
    rows = []
    for event in _events_around(now):
        if event.session_reminder_minutes is not None:
            rows += _session_reminders(event, now, limit)
        if event.day_before_reminder_at is not None:
            rows += _event_reminders(event, now, limit)
    Message.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    counts = {Message.Status.PENDING: 0, Message.Status.SKIPPED: 0}
    for row in rows:
        counts[row.status] += 1
    return counts


def session_still_chosen() -> Exists:
    """For outbox rows, as the annotation `session_chosen`: whether the reminder's session is
    still chosen by the participant, scheduled, and at the time the reminder announces."""
    return Exists(
        SessionChoice.objects.filter(
            registration=OuterRef("registration_id"),
            session=OuterRef("session_id"),
            status=SessionChoice.Status.CHOSEN,
            session__status=Session.Status.SCHEDULED,
            session__starts_at=OuterRef("subject_time"),
        )
    )


def reminder_still_due(message: Message, *, now: datetime) -> bool:
    """Checked again when the message is sent, on the message as its batch of up to
    DELIVERY_BATCH loaded it, seconds before (its registration and `session_chosen`, read once
    for the whole batch): the session may have been cancelled or dropped, the registration
    cancelled, or the moment passed while the message waited in the outbox."""
    registration = message.registration
    if registration.status != Registration.Status.CONFIRMED or now >= message.subject_time:
        return False
    if message.kind == Message.Kind.EVENT_REMINDER:
        return True
    return registration.session_reminders and message.session_chosen
