"""The outbox: every email is a row written in the transaction that decides to send it, and
handed to a worker only after that transaction commits.

Rows move pending → sending (claimed by one worker with a conditional update) → sent, or to
failed / skipped (registrations/delivery.py). `outbox_flush` hands pending rows to the workers
again when their task was lost (broker down, worker killed), and puts back rows whose worker
died while holding them: such a row is sent again, with the same Message-ID, unless it has
had OUTBOX_MAX_ATTEMPTS tries already; then it is failed, for organisers to decide.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from alliance.celery import app

from .models import Message, Registration

logger = logging.getLogger(__name__)

DELIVER_TASK = "registrations.messages_deliver"
DELIVERY_BATCH = 50


def message_queue(
    *, registration: Registration, kind: str, key: str = "", context: dict | None = None
) -> Message:
    """Queue an email, once per (registration, kind, key): asking again returns the row that
    exists and queues nothing."""
    with transaction.atomic():
        message, created = Message.objects.get_or_create(
            registration=registration,
            kind=kind,
            key=key,
            defaults={"context": context or {}, "enqueued_at": timezone.now()},
        )
    if created:
        transaction.on_commit(lambda: _deliver_enqueue([message.pk]))
    return message


def task_enqueue(name: str, *args, **kwargs) -> bool:
    """Send a task by name; a broker outage is logged, not raised: the work it would do is
    recorded in the database and a periodic sweep finds it. Returns whether it was sent."""
    try:
        app.tasks[name].apply_async(args=args, kwargs=kwargs)
    except OperationalError:
        logger.warning("Broker unreachable; %s%s left to the sweep", name, args or kwargs)
        return False
    return True


def _deliver_enqueue(message_ids: list[int]) -> bool:
    """Hand messages to the workers. When the broker is down, mark them as carried by no task,
    so that the next sweep hands them out, not only once they look stale (minutes later)."""
    if task_enqueue(DELIVER_TASK, message_ids):
        return True
    Message.objects.filter(pk__in=message_ids, status=Message.Status.PENDING).update(
        enqueued_at=None
    )
    return False


def outbox_flush(*, limit: int = 20000) -> int:
    """Hand to the workers the pending messages no task is carrying: new ones written by a
    sweep, and those whose task was lost. Rows a dead worker held in `sending` longer than
    OUTBOX_STALE_SECONDS go back to pending first (or to failed, after OUTBOX_MAX_ATTEMPTS
    tries). Returns how many were handed over."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_STALE_SECONDS)
    abandoned = Message.objects.filter(status=Message.Status.SENDING, claimed_at__lt=stale)
    given_up = abandoned.filter(attempts__gte=settings.OUTBOX_MAX_ATTEMPTS).update(
        status=Message.Status.FAILED,
        error=f"Gave up after {settings.OUTBOX_MAX_ATTEMPTS} tries: the last worker sending it "
        "stopped before recording the outcome (it may have been delivered)",
    )
    if given_up:
        logger.error("%d messages held by dead workers too often are failed", given_up)
    revived = abandoned.update(status=Message.Status.PENDING, enqueued_at=None)
    if revived:
        logger.warning("%d messages held by a dead worker are pending again", revived)
    ids = list(
        Message.objects.filter(status=Message.Status.PENDING)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    Message.objects.filter(pk__in=ids).update(enqueued_at=now)
    for start in range(0, len(ids), DELIVERY_BATCH):
        if not task_enqueue(DELIVER_TASK, ids[start : start + DELIVERY_BATCH]):
            # The broker is down: what is left is carried by no task, for the next sweep.
            Message.objects.filter(pk__in=ids[start:], status=Message.Status.PENDING).update(
                enqueued_at=None
            )
            return start
    return len(ids)


def messages_retry(*, message_ids: list[int]) -> int:
    """Send failed messages again, with a new count of tries: an organiser's decision, since a
    message given up after a worker stopped could already be in the participant's inbox."""
    with transaction.atomic():
        ids = list(
            Message.objects.select_for_update()
            .filter(pk__in=message_ids, status=Message.Status.FAILED)
            .values_list("pk", flat=True)
        )
        Message.objects.filter(pk__in=ids).update(
            status=Message.Status.PENDING, enqueued_at=timezone.now(), error="", attempts=0
        )
        if ids:
            transaction.on_commit(lambda: _deliver_enqueue(ids))
    return len(ids)
