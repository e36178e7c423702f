import smtplib

import pytest
from django.core import mail
from django.core.mail.backends import locmem

from registrations.models import Message, Registration
from registrations.outbox import message_queue
from registrations.tasks import RetryBatch, messages_deliver
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def queued(count: int = 1) -> list[int]:
    """Ids of pending outbox messages, one per new registration, not yet handed to a worker."""
    return [
        message_queue(registration=RegistrationFactory(), kind="confirm_email").pk
        for _ in range(count)
    ]


def message_states() -> list[tuple]:
    return list(Message.objects.order_by("pk").values_list("status", "attempts", "error"))


def test_messages_deliver_twice_same_id_sends_once():
    ids = queued()
    assert messages_deliver(ids) == {"sent": 1}
    assert messages_deliver(ids) == {"taken": 1}
    assert len(mail.outbox) == 1
    assert message_states() == [("sent", 1, "")]


def disconnect(self, messages):
    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_messages_deliver_smtp_disconnected_fails_message_without_resending(monkeypatch):
    """A dropped connection is ambiguous: the server may have taken the message. It is marked
    failed for an organiser to decide, never resent blindly."""
    ids = queued()
    monkeypatch.setattr(locmem.EmailBackend, "send_messages", disconnect)
    # Called directly, the task raises what its retry would carry.
    with pytest.raises(RetryBatch):
        messages_deliver(ids)
    assert message_states() == [
        ("failed", 1, "SMTPServerDisconnected: Connection unexpectedly closed")
    ]
    assert messages_deliver(ids) == {"taken": 1}
    assert mail.outbox == []


def test_messages_deliver_smtp_temporary_error_leaves_message_pending(monkeypatch):
    ids = queued()

    def busy(self, messages):
        raise smtplib.SMTPSenderRefused(451, b"Try again later", "noreply@alliance-days.example")

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", busy)
    with pytest.raises(RetryBatch):
        messages_deliver(ids)
    assert message_states() == [
        ("pending", 1, "(451, b'Try again later', 'noreply@alliance-days.example')")
    ]


def test_messages_deliver_smtp_disconnected_mid_batch_retries_the_rest_once(monkeypatch):
    """The server drops the connection on the second of three messages. The second is failed
    (it may have arrived); the third, never tried, goes out on the retry's new connection."""
    ids = queued(3)
    send = locmem.EmailBackend.send_messages
    attempts = []

    def drop_on_second(self, messages):
        attempts.append(messages[0].to[0])
        if len(attempts) == 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return send(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", drop_on_second)
    # Eager, the retry runs at once instead of after its countdown; throw=False lets it run
    # instead of raising the Retry.
    assert messages_deliver.apply(args=[ids], throw=False).get() == {"taken": 2, "sent": 1}
    first, second, third = Registration.objects.order_by("pk").values_list("email", flat=True)
    assert attempts == [first, second, third]
    assert [m.to for m in mail.outbox] == [[first], [third]]
    assert message_states() == [
        ("sent", 1, ""),
        ("failed", 1, "SMTPServerDisconnected: Connection unexpectedly closed"),
        ("sent", 1, ""),
    ]


def test_messages_deliver_smtp_refused_fails_without_retry(monkeypatch):
    ids = queued()

    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({"ana@example.org": (550, b"No such user")})

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", refuse)
    assert messages_deliver(ids) == {"failed": 1}
    assert message_states() == [
        ("failed", 1, "SMTPRecipientsRefused: {'ana@example.org': (550, b'No such user')}")
    ]


def test_messages_deliver_over_smtp_records_each_message_sent(settings, smtp_sink):
    """Over SMTP the 'sent' update goes to the database before the final "." and is awaited
    after it (on PostgreSQL without waiting in between): every row ends sent, once."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_sink.port
    ids = queued(3)
    assert messages_deliver(ids) == {"sent": 3}
    assert sorted(r for m in smtp_sink.received for r in m.recipients) == sorted(
        Registration.objects.values_list("email", flat=True)
    )
    assert message_states() == [("sent", 1, "")] * 3
    assert not Message.objects.filter(sent_at=None).exists()
    assert messages_deliver(ids) == {"taken": 3}
    assert smtp_sink.count() == 3
