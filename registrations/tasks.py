"""Background work: delivering the outbox, and the periodic sweeps that fill it."""

from celery import shared_task

from .delivery import messages_send
from .invitations import BATCH as INVITES_BATCH
from .invitations import invites_reconcile
from .models import Message
from .outbox import outbox_flush
from .personal_data import registrations_anonymise_expired
from .reminders import reminders_record

# A sweep stops after this many batches (of reminders.BATCH); the next sweep goes on.
MAX_REMINDER_BATCHES = 20
# Retries of a delivery task, 1 min doubling up to 15 min; after that the outbox sweep hands
# what is still pending to a new task.
RETRY_SECONDS, RETRY_MAX_SECONDS, MAX_RETRIES = 60, 900, 8


@shared_task(
    bind=True, name="registrations.messages_deliver", acks_late=True, max_retries=MAX_RETRIES
)
def messages_deliver(self, message_ids: list[int]) -> dict[str, int]:
    """Send outbox messages, each at most once per claim (registrations/delivery.py); those
    that met a temporary error are retried with capped exponential backoff."""
    countdown = min(RETRY_SECONDS * 2**self.request.retries, RETRY_MAX_SECONDS)
    delivery = messages_send(message_ids=message_ids, retry_in=countdown)
    if delivery.again and self.request.retries < self.max_retries:
        raise self.retry(args=[delivery.again], countdown=countdown)
    return delivery.counts


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
