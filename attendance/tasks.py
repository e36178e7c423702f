"""Background work: the sweep that issues certificates of attendance once events have ended."""

from celery import shared_task

from registrations.outbox import outbox_flush

from .services import certificates_record

# A sweep stops after this many batches (of services.BATCH); the next sweep goes on.
MAX_BATCHES = 20


@shared_task(name="attendance.certificates_sweep")
def certificates_sweep() -> int:
    """Every 10 minutes: issue the certificates now due and queue their emails, handing each
    batch to the workers at once."""
    total = 0
    for _batch in range(MAX_BATCHES):
        written = certificates_record()
        outbox_flush()
        total += written
        if not written:
            break
    return total
