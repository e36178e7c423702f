"""Background work: delivering the outbox, and the periodic sweeps that fill it."""

import logging
import smtplib
from collections.abc import Callable

from celery import shared_task
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import DatabaseError, connection
from django.db.models import F
from django.utils import timezone

from events.models import Session
from events.selectors import sessions_for_calendar

from .emails import message_email, message_session_id
from .invitations import BATCH as INVITES_BATCH
from .invitations import invites_reconcile
from .models import Message
from .outbox import outbox_flush
from .personal_data import registrations_anonymise_expired
from .reminders import reminder_still_due, reminders_record
from .smtp import send_recording_first

logger = logging.getLogger(__name__)

REMINDER_KINDS = {Message.Kind.EVENT_REMINDER, Message.Kind.SESSION_REMINDER}
# What _finish(pk, Message.Status.SENT) does, in libpq's own terms.
RECORD_SENT_SQL = (
    b"UPDATE registrations_message SET status = 'sent', error = '', sent_at = now() WHERE id = $1"
)
# A sweep stops after this many batches (of reminders.BATCH); the next sweep goes on.
MAX_REMINDER_BATCHES = 20


class RetryBatch(Exception):
    """Stop this batch and retry its unsent messages later on a new connection."""


def _is_temporary(error: smtplib.SMTPException) -> bool:
    """The server took nothing and said so: the message can safely be tried again."""
    if isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPHeloError):
        return True
    return isinstance(error, smtplib.SMTPResponseException) and 400 <= error.smtp_code < 500


def _finish(message_id: int, status: str, error: str = "") -> None:
    Message.objects.filter(pk=message_id).update(
        status=status,
        error=error,
        sent_at=timezone.now() if status == Message.Status.SENT else None,
    )


def _record_sent_unawaited(message_id: int) -> Callable[[], None]:
    """Mark a message sent, and return the function that waits for the database to confirm it.

    On PostgreSQL the update is only written to the server here: the caller writes the SMTP "."
    and then waits, so the two writes are a few microseconds apart instead of a commit's round
    trip. A worker killed after both has sent both, and each server acts on what it received;
    killed in between, the message is lost (the row says sent), never sent twice. Elsewhere
    (SQLite, the embedded default) the update is done here."""
    if connection.vendor != "postgresql":
        _finish(message_id, Message.Status.SENT)
        return lambda: None
    pgconn = connection.connection.pgconn
    pgconn.nonblocking = 0  # so that the query is on the wire when the call returns
    try:
        pgconn.send_query_params(RECORD_SENT_SQL, [str(message_id).encode()])
    finally:
        pgconn.nonblocking = 1

    def confirmed() -> None:
        errors = []
        while (result := pgconn.get_result()) is not None:
            if result.error_message:
                errors.append(result.error_message.decode(errors="replace"))
        if errors:
            raise DatabaseError(f"message {message_id} not recorded as sent: {errors}")

    return confirmed


def _sessions_of(message_ids: list[int]) -> dict[int, Session]:
    """The sessions a batch of messages is about, loaded once for the whole batch."""
    rows = Message.objects.filter(pk__in=message_ids).values_list("session_id", "context")
    ids = {session_id or context.get("session_id") for session_id, context in rows} - {None}
    if not ids:
        return {}
    return {s.pk: s for s in sessions_for_calendar(sessions=Session.objects.filter(pk__in=ids))}


def _deliver_one(message_id: int, backend, sessions: dict[int, Session]) -> str:
    claimed = Message.objects.filter(pk=message_id, status=Message.Status.PENDING).update(
        status=Message.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return "taken"
    message = Message.objects.select_related("registration__event", "registration__category").get(
        pk=message_id
    )
    if message.kind in REMINDER_KINDS and not reminder_still_due(message, now=timezone.now()):
        _finish(message_id, Message.Status.SKIPPED, "no longer due")
        return Message.Status.SKIPPED
    email = message_email(message=message, session=sessions.get(message_session_id(message)))
    recorded = []

    def record_sent() -> Callable[[], None]:
        confirmed = _record_sent_unawaited(message_id)
        recorded.append(True)
        return confirmed

    try:
        if isinstance(backend, SMTPBackend):
            send_recording_first(backend.connection, email, record_sent)
        else:  # console, file and test backends: nothing to lose between send and record
            backend.send_messages([email])
            record_sent()()  # record, and wait for it
    except smtplib.SMTPException as error:
        dropped = isinstance(error, smtplib.SMTPServerDisconnected)
        # Over SMTP, a drop before the final "." means the server has nothing; after it, or
        # with a backend that cannot tell, the server may have the message.
        maybe_delivered = dropped and (recorded or not isinstance(backend, SMTPBackend))
        if _is_temporary(error) or (dropped and not maybe_delivered):
            Message.objects.filter(pk=message_id).update(
                status=Message.Status.PENDING, error=str(error), sent_at=None
            )
            raise RetryBatch(str(error)) from error
        # Refused for good, or possibly delivered: never resent blindly, an organiser decides
        # (admin action "send again").
        _finish(message_id, Message.Status.FAILED, f"{type(error).__name__}: {error}")
        logger.error("Message %s failed: %s", message_id, error)
        if dropped:
            # The rest of the batch was not tried: it goes out later on a new connection.
            raise RetryBatch(str(error)) from error
        return Message.Status.FAILED
    return Message.Status.SENT


@shared_task(
    bind=True,
    name="registrations.messages_deliver",
    acks_late=True,
    max_retries=6,
)
def messages_deliver(self, message_ids: list[int]) -> dict[str, int]:
    """Send outbox messages over one SMTP connection, each at most once: a row is claimed by a
    conditional update before sending, so a retried or redelivered task skips it. Temporary
    SMTP errors retry the rest with capped exponential backoff."""
    results: dict[str, int] = {}
    try:
        sessions = _sessions_of(message_ids)
        with get_connection() as backend:
            for message_id in message_ids:
                result = _deliver_one(message_id, backend, sessions)
                results[result] = results.get(result, 0) + 1
    except (RetryBatch, smtplib.SMTPConnectError, OSError) as error:
        countdown = min(30 * 2**self.request.retries, 900)
        raise self.retry(exc=error, countdown=countdown) from error
    return results


@shared_task(name="registrations.outbox_sweep")
def outbox_sweep() -> int:
    """Every minute: hand lost or new pending messages to the workers."""
    return outbox_flush()


@shared_task(name="registrations.reminders_sweep")
def reminders_sweep() -> dict[str, int]:
    """Every minute: write the reminders now due into the outbox, a batch at a time, handing
    each batch to the workers at once so they start while the next is written."""
    totals = {Message.Status.PENDING: 0, Message.Status.SKIPPED: 0}
    for _batch in range(MAX_REMINDER_BATCHES):
        counts = reminders_record()
        outbox_flush()
        for status, count in counts.items():
            totals[status] += count
        if not any(counts.values()):
            break
    return totals


@shared_task(bind=True, name="registrations.invites_sweep", acks_late=True)
def invites_sweep(self, session_id: int | None = None) -> int:
    """Queue the calendar invitations, updates and cancellations participants are missing, in
    batches: a full batch schedules the next one."""
    queued = invites_reconcile(session_id=session_id)
    if queued == INVITES_BATCH:
        self.apply_async(kwargs={"session_id": session_id})
    return queued


@shared_task(name="registrations.retention_sweep")
def retention_sweep() -> int:
    """Every hour: anonymise the registrations of events past their retention period."""
    return registrations_anonymise_expired()
