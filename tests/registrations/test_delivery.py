"""Delivery of the outbox against a real SMTP server (aiosmtpd on 127.0.0.1, tests/smtp_sink.py)
through Django's SMTP backend: every reply class at every step of the transaction, drops,
the attempts cap, poison messages and the policy for rows a dead worker left in `sending`."""

import re
from datetime import timedelta

import pytest
from django.core.mail import get_connection
from django.urls import reverse
from django.utils import timezone

from registrations.delivery import messages_send
from registrations.emails import message_email
from registrations.models import Message, Registration
from registrations.outbox import message_queue, outbox_flush
from registrations.tasks import messages_deliver
from tests.factories import RegistrationFactory
from tests.smtp_sink import DROP, free_port

pytestmark = pytest.mark.django_db

SITE = "https://days.example.org"
TEMPORARY = "451 4.3.0 Try again later"


@pytest.fixture(autouse=True)
def _smtp(settings, smtp_sink):
    """Production's backend, pointed at the sink."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        smtp_sink.port,
        5,
    )
    settings.SITE_URL = SITE


def queued(*emails: str) -> list[int]:
    """Pending outbox messages, one per new registration, not yet handed to a worker."""
    return [
        message_queue(registration=RegistrationFactory(email=address), kind="confirm_email").pk
        for address in emails
    ]


def states(ids: list[int]) -> list[tuple]:
    rows = Message.objects.in_bulk(ids)
    return [(rows[pk].status, rows[pk].attempts, rows[pk].error) for pk in ids]


def received(sink) -> list[tuple]:
    return [(r.recipients, r.message_id) for r in sink.received]


def mid(pk: int) -> str:
    return f"<message-{pk}@days.example.org>"


# (step, reply, error recorded by the first try, copies the sink holds after the first try)
TEMPORARY_FAULTS = [
    ("MAIL", TEMPORARY, "SMTPSenderRefused: 451 4.3.0 Try again later", 0),
    ("RCPT", "452 4.2.2 Mailbox full", "ana@example.org refused: 452 4.2.2 Mailbox full", 0),
    ("DATA", TEMPORARY, "SMTPDataError: 451 4.3.0 Try again later", 0),
    ("END", TEMPORARY, "SMTPDataError: 451 4.3.0 Try again later", 0),
    ("MAIL", DROP, "SMTPServerDisconnected: Connection unexpectedly closed", 0),
    ("RCPT", DROP, "SMTPServerDisconnected: Connection unexpectedly closed", 0),
    ("DATA", DROP, "SMTPServerDisconnected: Connection unexpectedly closed", 0),
    # The server kept the message and closed before saying so: the resend is a second copy of
    # the same message (same Message-ID), the one duplicate the README allows.
    ("END", DROP, "SMTPServerDisconnected: Connection unexpectedly closed", 1),
]


@pytest.mark.parametrize(
    ("step", "reply", "error", "kept"),
    TEMPORARY_FAULTS,
    ids=[f"{step}-{reply.split()[0]}" for step, reply, *_ in TEMPORARY_FAULTS],
)
def test_messages_send_temporary_fault_retried_with_same_message_id(
    smtp_sink, step, reply, error, kept
):
    ana, ben = ids = queued("ana@example.org", "ben@example.org")
    smtp_sink.fail(step, reply)

    delivery = messages_send(message_ids=ids, retry_in=60)

    # The fault is Ana's alone: Ben's message goes out on a new connection, in the same run.
    assert (delivery.counts, delivery.again) == ({"retry": 1, "sent": 1}, [ana])
    assert states(ids) == [("pending", 1, error), ("sent", 1, "")]
    ana_copy, ben_copy = (("ana@example.org",), mid(ana)), (("ben@example.org",), mid(ben))
    assert received(smtp_sink) == [ana_copy] * kept + [ben_copy]

    assert messages_deliver.delay(delivery.again).get() == {"sent": 1}
    assert states(ids) == [("sent", 2, ""), ("sent", 1, "")]
    assert received(smtp_sink) == [ana_copy] * kept + [ben_copy, ana_copy]


PERMANENT_FAULTS = [
    ("MAIL", "550 5.7.1 Sender rejected", "SMTPSenderRefused: 550 5.7.1 Sender rejected"),
    ("RCPT", "550 5.1.1 No such user", "ana@example.org refused: 550 5.1.1 No such user"),
    ("DATA", "554 5.5.1 No valid recipients", "SMTPDataError: 554 5.5.1 No valid recipients"),
    ("END", "552 5.3.4 Message too big", "SMTPDataError: 552 5.3.4 Message too big"),
]


@pytest.mark.parametrize(
    ("step", "reply", "error"), PERMANENT_FAULTS, ids=[step for step, *_ in PERMANENT_FAULTS]
)
def test_messages_send_permanent_fault_fails_once(smtp_sink, step, reply, error, caplog):
    _ana, ben = ids = queued("ana@example.org", "ben@example.org")
    smtp_sink.fail(step, reply)

    assert messages_deliver.delay(ids).get() == {"failed": 1, "sent": 1}

    assert states(ids) == [("failed", 1, error), ("sent", 1, "")]
    assert received(smtp_sink) == [(("ben@example.org",), mid(ben))]
    # The address is on the row, for organisers; never in the logs.
    assert [r.getMessage() for r in caplog.records if "example.org" in r.getMessage()] == []


def test_messages_send_temporary_fault_every_time_fails_after_the_cap(settings, smtp_sink):
    """Each run is what one of the task's retries does."""
    settings.OUTBOX_MAX_ATTEMPTS = 5
    ids = queued("ana@example.org", "ben@example.org")
    smtp_sink.fail("RCPT", "450 4.2.1 Mailbox busy", times=None)
    errors = [f"{name}@example.org refused: 450 4.2.1 Mailbox busy" for name in ("ana", "ben")]

    for tries in range(1, 5):
        delivery = messages_send(message_ids=ids, retry_in=60)
        assert (delivery.counts, delivery.again) == ({"retry": 2}, ids)
        assert states(ids) == [("pending", tries, error) for error in errors]
    delivery = messages_send(message_ids=ids, retry_in=60)

    assert (delivery.counts, delivery.again) == ({"failed": 2}, [])
    assert states(ids) == [("failed", 5, f"Gave up after 5 tries: {error}") for error in errors]
    assert received(smtp_sink) == []
    assert outbox_flush() == 0  # nothing is handed out again


def test_messages_send_server_unreachable_leaves_batch_unclaimed(settings, smtp_sink):
    ids = queued("ana@example.org", "ben@example.org")
    settings.EMAIL_PORT = free_port()  # nothing listens there

    delivery = messages_send(message_ids=ids, retry_in=60)

    assert (delivery.counts, delivery.again) == ({"retry": 2}, ids)
    error = (
        "No connection to the email server: ConnectionRefusedError: [Errno 111] Connection refused"
    )
    assert states(ids) == [("pending", 0, error)] * 2
    settings.EMAIL_PORT = smtp_sink.port
    assert messages_deliver.delay(delivery.again).get() == {"sent": 2}
    assert states(ids) == [("sent", 1, "")] * 2
    assert smtp_sink.count() == 2


def test_messages_send_poison_messages_fail_alone(smtp_sink):
    """One message that cannot be built (its kind has no template any more) and one that cannot
    be addressed (IDNA refuses the domain) at the head of a batch of 60: the other 58 go out in
    the same run, and the two are failed with their errors, tried once."""
    registration = RegistrationFactory(email="bad-template@example.org")
    unbuildable = Message.objects.create(registration=registration, kind="retired_kind")
    (unaddressable,) = queued("a@\u202eevil.com")
    good = queued(*(f"p{n}@example.org" for n in range(58)))

    delivery = messages_send(message_ids=[unbuildable.pk, unaddressable, *good], retry_in=60)

    assert (delivery.counts, delivery.again) == ({"failed": 2, "sent": 58}, [])
    assert states([unbuildable.pk, unaddressable]) == [
        ("failed", 1, "Cannot be built: TemplateDoesNotExist: emails/retired_kind.subject"),
        (
            "failed",
            1,
            "UnicodeError: encoding with 'idna' codec failed "
            "(UnicodeError: Invalid character '\\u202e')",
        ),
    ]
    assert states(good) == [("sent", 1, "")] * 58
    assert sorted(r for r, _mid in received(smtp_sink)) == sorted(
        (f"p{n}@example.org",) for n in range(58)
    )
    assert outbox_flush() == 0


def test_outbox_flush_stale_sending_row_resent_with_same_message_id(settings, smtp_sink):
    """A worker killed after the server took the message and before the row said so leaves it
    in `sending`: after OUTBOX_STALE_SECONDS the sweep sends it again, as the same message."""
    settings.OUTBOX_STALE_SECONDS = 300
    dead, recent = ids = queued("ana@example.org", "ben@example.org")
    now = timezone.now()
    Message.objects.filter(pk=dead).update(
        status="sending", attempts=1, claimed_at=now - timedelta(seconds=301)
    )
    Message.objects.filter(pk=recent).update(
        status="sending", attempts=1, claimed_at=now - timedelta(seconds=299)
    )
    with get_connection() as backend:  # what the dead worker sent
        backend.send_messages([message_email(message=Message.objects.get(pk=dead))])

    assert outbox_flush() == 1

    assert states(ids) == [("sent", 2, ""), ("sending", 1, "")]
    assert received(smtp_sink) == [(("ana@example.org",), mid(dead))] * 2


def test_outbox_flush_stale_sending_row_at_the_cap_fails(settings, smtp_sink):
    settings.OUTBOX_STALE_SECONDS, settings.OUTBOX_MAX_ATTEMPTS = 300, 5
    ids = queued("ana@example.org")
    Message.objects.filter(pk__in=ids).update(
        status="sending", attempts=5, claimed_at=timezone.now() - timedelta(seconds=301)
    )

    assert outbox_flush() == 0

    assert states(ids) == [
        (
            "failed",
            5,
            "Gave up after 5 tries: the last worker sending it stopped before recording the "
            "outcome (it may have been delivered)",
        )
    ]
    assert received(smtp_sink) == []


def test_messages_deliver_redelivered_task_sends_nothing_again(smtp_sink):
    ids = queued("ana@example.org", "ben@example.org")
    assert messages_deliver.delay(ids).get() == {"sent": 2}
    assert messages_deliver.delay(ids).get() == {"taken": 2}
    assert states(ids) == [("sent", 1, "")] * 2
    assert received(smtp_sink) == [
        (("ana@example.org",), mid(ids[0])),
        (("ben@example.org",), mid(ids[1])),
    ]
    assert Registration.objects.count() == 2


def test_failed_message_shown_to_organisers_and_sent_again(
    client, organiser, smtp_sink, django_capture_on_commit_callbacks
):
    ana, ben = ids = queued("ana@example.org", "ben@example.org")
    smtp_sink.fail("RCPT", "550 5.1.1 No such user")
    messages_deliver.delay(ids).get()
    client.force_login(organiser)
    changelist = reverse("admin:registrations_message_changelist")

    response = client.get(changelist, {"status__exact": "failed"})

    assert [m.pk for m in response.context["cl"].result_list] == [ana]
    errors = re.findall(r'<td class="field-error">(.*?)</td>', response.content.decode())
    assert errors == ["ana@example.org refused: 550 5.1.1 No such user"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist, {"action": "retry", "_selected_action": ids, "index": "0"}, follow=True
        )

    assert [str(m) for m in response.context["messages"]] == ["1 message queued again."]
    assert states(ids) == [("sent", 1, ""), ("sent", 1, "")]
    assert received(smtp_sink) == [
        (("ben@example.org",), mid(ben)),
        (("ana@example.org",), mid(ana)),
    ]
