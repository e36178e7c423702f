"""Delivering the outbox: claim a row, build its email, send it through Django's email backend,
record the outcome on that row.

Each row is claimed with a conditional update (pending → sending), so a retried or redelivered
task finds it taken and sends nothing. The outcome is recorded with a conditional update too
(sending → sent, failed, skipped or pending again), on the claim this worker made. Any error is
that row's: it is recorded on the row and the batch goes on.

- The email cannot be built or addressed (a template error, a domain IDNA cannot encode,
  anything): the row is `failed` with the error. Trying again would fail the same way.
- The server refuses it for good (5xx): `failed`.
- The server asks to try later (4xx), or the connection drops or times out before its answer
  to the final ".": `pending` again, retried later with the same Message-ID, until
  OUTBOX_MAX_ATTEMPTS tries; then `failed`. After a drop that followed the final ".", the
  server may have kept the message: the resend is the same message (same Message-ID).
- No connection can be opened (refused, timed out, greeting or login refused): the rest of
  the batch is left pending, unclaimed (no try is counted), for the task's retry.

Every failed row shows its error to organisers in the admin, where "Send failed messages again"
queues it again.
"""

import contextlib
import logging
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import F
from django.utils import timezone

from events.models import Session
from events.selectors import sessions_for_calendar

from .emails import message_email, message_session_id
from .models import Message
from .reminders import reminder_still_due, session_still_chosen

logger = logging.getLogger(__name__)

REMINDER_KINDS = {Message.Kind.EVENT_REMINDER, Message.Kind.SESSION_REMINDER}
TAKEN = "taken"  # another worker, or an earlier run of this task, has the row
RETRY = "retry"  # a temporary error: pending again, for the task's retry


@dataclass
class Delivery:
    """What one run did: how many rows ended in each outcome, and the rows to try again."""

    counts: dict[str, int] = field(default_factory=dict)
    again: list[int] = field(default_factory=list)

    def add(self, outcome: str, count: int = 1) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + count


def _temporary(error: Exception) -> bool:
    """Whether the server may take the message if asked again later: it answered 4xx, or the
    connection failed before we had its answer."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _reply in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    # smtplib's other errors are OSErrors too: refusals we cannot read as temporary.
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def _describe(error: Exception) -> str:
    """The error as an organiser reads it in the admin."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address} refused: {code} {reply.decode(errors='replace')}"
            for address, (code, reply) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return f"{type(error).__name__}: {error.smtp_code} {text}"
    return f"{type(error).__name__}: {error}"


def _close(backend) -> None:
    """Drop the connection, whatever state an error left it in: the next row opens a new one."""
    with contextlib.suppress(OSError):
        backend.close()


def _batch_of(message_ids: list[int]) -> tuple[dict[int, Message], dict[int, Session]]:
    """The batch's messages with their registrations and events (and, for reminders, whether
    their session is still chosen), and the sessions they are about, each loaded once for the
    whole batch."""
    messages = (
        Message.objects.select_related("registration__event", "registration__category")
        .annotate(session_chosen=session_still_chosen())
        .in_bulk(message_ids)
    )
    ids = {message_session_id(message) for message in messages.values()}
    ids = {pk for pk in ids if isinstance(pk, int)}  # anything else fails its own row later
    if not ids:
        return messages, {}
    sessions = sessions_for_calendar(sessions=Session.objects.filter(pk__in=ids))
    return messages, {session.pk: session for session in sessions}


def _message_deliver(message: Message, backend, sessions: dict[int, Session], retry_at) -> str:
    """Claim, build, send and record one message; return its outcome."""
    message_id = message.pk
    claimed_at = timezone.now()
    claimed = Message.objects.filter(pk=message_id, status=Message.Status.PENDING).update(
        status=Message.Status.SENDING, claimed_at=claimed_at, attempts=F("attempts") + 1
    )
    if not claimed:
        return TAKEN
    # The row as this claim holds it: if the claim was presumed dead (OUTBOX_STALE_SECONDS)
    # and the row handed to another worker, nothing below changes it.
    mine = Message.objects.filter(
        pk=message_id, status=Message.Status.SENDING, claimed_at=claimed_at
    )

    def record(status: str, error: str = "", **fields) -> str:
        mine.update(status=status, error=error, **fields)
        return status

    attempts = message.attempts + 1  # as the claim counted
    try:
        if message.kind in REMINDER_KINDS and not reminder_still_due(message, now=claimed_at):
            return record(Message.Status.SKIPPED, "no longer due")
        email = message_email(message=message, session=sessions.get(message_session_id(message)))
    except Exception as error:  # any error building it is this row's, never the batch's
        # The log names the error's kind only: its text may hold the address (no personal
        # data in logs); organisers read it on the row.
        logger.error("Message %s cannot be built: %s", message_id, type(error).__name__)
        return record(Message.Status.FAILED, f"Cannot be built: {_describe(error)}")

    try:
        sent = backend.send_messages([email])
    except Exception as error:  # recorded on this row below; the batch goes on
        _close(backend)
        if not _temporary(error):
            logger.error("Message %s failed: %s", message_id, type(error).__name__)
            return record(Message.Status.FAILED, _describe(error))
        if attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            logger.error("Message %s failed after %s tries", message_id, attempts)
            return record(
                Message.Status.FAILED, f"Gave up after {attempts} tries: {_describe(error)}"
            )
        record(Message.Status.PENDING, _describe(error), enqueued_at=retry_at)
        return RETRY
    if not sent:  # the backend skipped it (no recipient)
        return record(Message.Status.FAILED, "The email backend sent nothing")
    if not mine.update(status=Message.Status.SENT, error="", sent_at=timezone.now()):
        logger.warning("Message %s was sent after it was handed to another worker", message_id)
    return Message.Status.SENT


def messages_send(*, message_ids: list[int], retry_in: int) -> Delivery:
    """Send the given outbox messages over one connection, each at most once per claim (see the
    module docstring for every outcome). Rows to try again are marked as carried by a task due
    in `retry_in` seconds, so that the outbox sweep leaves them to it meanwhile.

    Each step commits on its own: call it outside any transaction."""
    delivery = Delivery()
    retry_at = timezone.now() + timedelta(seconds=retry_in)
    messages, sessions = _batch_of(message_ids)
    backend = get_connection()
    try:
        for position, message_id in enumerate(message_ids):
            try:
                backend.open()
            except OSError as error:
                # No server to talk to: not these messages' fault, no try is counted.
                rest = message_ids[position:]
                logger.warning(
                    "No connection to the email server, %d messages wait: %s", len(rest), error
                )
                Message.objects.filter(pk__in=rest, status=Message.Status.PENDING).update(
                    error=f"No connection to the email server: {_describe(error)}",
                    enqueued_at=retry_at,
                )
                delivery.again.extend(rest)
                delivery.add(RETRY, len(rest))
                break
            message = messages.get(message_id)
            outcome = _message_deliver(message, backend, sessions, retry_at) if message else TAKEN
            delivery.add(outcome)
            if outcome == RETRY:
                delivery.again.append(message_id)
    finally:
        _close(backend)
    return delivery
