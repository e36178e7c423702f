"""The delivery task: a thin wrapper that retries what met a temporary error, with capped
backoff. What each outcome is, is tested in test_delivery.py against a real SMTP server."""

from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db.models import F
from django.utils import timezone

from registrations.models import Message
from registrations.outbox import message_queue, outbox_flush
from registrations.tasks import MAX_RETRIES, messages_deliver
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def queued(*emails: str) -> list[int]:
    """Pending outbox messages, one per new registration, not yet handed to a worker."""
    return [
        message_queue(registration=RegistrationFactory(email=address), kind="confirm_email").pk
        for address in emails
    ]


def test_messages_deliver_twice_same_ids_sends_once():
    ids = queued("ana@example.org")
    assert messages_deliver(ids) == {"sent": 1}
    assert messages_deliver(ids) == {"taken": 1}
    assert len(mail.outbox) == 1
    assert list(Message.objects.values_list("status", "attempts", "error")) == [("sent", 1, "")]


@pytest.mark.parametrize(("retries", "countdown"), [(0, 60), (1, 120), (3, 480), (5, 900)])
def test_messages_deliver_retries_only_the_temporary_failure_with_capped_backoff(
    settings, smtp_sink, retries, countdown
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_sink.port
    ana, ben = queued("ana@example.org", "ben@example.org")
    smtp_sink.fail("MAIL", "421 4.7.0 Too many connections")
    started = timezone.now()

    with pytest.raises(Retry) as retry:
        messages_deliver.apply(args=[[ana, ben]], retries=retries)

    assert (retry.value.when, retry.value.sig.args) == (countdown, ([ana],))
    rows = Message.objects.in_bulk([ana, ben])
    assert (rows[ana].status, rows[ben].status) == ("pending", "sent")
    # Carried by the retry: the outbox sweep leaves it alone until then.
    due = rows[ana].enqueued_at - started
    assert timedelta(seconds=countdown) <= due < timedelta(seconds=countdown + 5)


def test_messages_deliver_after_its_last_retry_leaves_the_rest_to_the_sweep(settings, smtp_sink):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_sink.port
    ids = queued("ana@example.org")
    smtp_sink.fail("MAIL", "421 4.7.0 Too many connections")

    assert messages_deliver.apply(args=[ids], retries=MAX_RETRIES).get() == {"retry": 1}
    assert list(Message.objects.values_list("status", "attempts")) == [("pending", 1)]
    assert outbox_flush() == 0  # carried by no task, but due only in 15 minutes
    # 15 minutes and OUTBOX_STALE_SECONDS later, the sweep hands it out.
    Message.objects.update(enqueued_at=F("enqueued_at") - timedelta(seconds=901 + 300))
    settings.OUTBOX_STALE_SECONDS = 300
    assert outbox_flush() == 1
    assert list(Message.objects.values_list("status", "attempts")) == [("sent", 2)]
    assert smtp_sink.count() == 1
