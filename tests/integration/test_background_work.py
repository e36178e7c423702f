"""The outbox, the sweeps and the reminders with real components: PostgreSQL, a redis-server,
Celery workers and beats in their own processes, and an SMTP server.

Each test counts what the SMTP server received, so a lost or a duplicated email fails it. Waits
are bounded polls; a test that times out says what it saw.
"""

import re
import time
from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from events.models import Session
from registrations.emails import message_id
from registrations.models import Message, Registration, SessionChoice
from registrations.outbox import outbox_flush
from registrations.tasks import outbox_sweep, reminders_sweep
from tests.factories import CategoryFactory, EventFactory, RegistrationFactory, SessionFactory

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# The rows of registrations/migrations/0005_periodic_sweeps.py, which every transactional
# test's flush empties.
SWEEPS = [
    ("Send due reminders", "registrations.reminders_sweep"),
    ("Hand pending emails to the workers", "registrations.outbox_sweep"),
    ("Update participants' calendar invitations", "registrations.invites_sweep"),
]


def participants_of_session_starting_soon(count: int) -> tuple[Session, list[str]]:
    """A session starting in 20 minutes (reminders 30 minutes before, so due now), chosen by
    `count` confirmed participants. Returns the session and their addresses."""
    starts_at = (timezone.now() + timedelta(minutes=20)).replace(microsecond=0)
    event = EventFactory(
        time_zone="UTC",
        start_date=starts_at.date(),
        end_date=starts_at.date() + timedelta(days=1),
        session_reminder_minutes=30,
        day_before_reminder_at=None,
    )
    session = SessionFactory(event=event, starts_at=starts_at)
    registrations = RegistrationFactory.create_batch(
        count,
        event=event,
        category=CategoryFactory(),
        status=Registration.Status.CONFIRMED,
        confirmed_at=timezone.now(),
    )
    SessionChoice.objects.bulk_create(
        SessionChoice(registration=registration, session=session) for registration in registrations
    )
    return session, sorted(registration.email for registration in registrations)


def reminders_received(sink, session: Session) -> list[str]:
    """The recipient of every session reminder the SMTP server received, duplicates included."""
    subject = f"Starting soon: {session.title}"
    return sorted(
        recipient
        for message in sink.received
        if message.subject == subject
        for recipient in message.recipients
    )


def duplicates(addresses: list[str]) -> dict[str, int]:
    return {address: n for address, n in Counter(addresses).items() if n > 1}


def statuses(kind: str) -> dict[str, int]:
    return dict(Counter(Message.objects.filter(kind=kind).values_list("status", flat=True)))


def test_reminders_reach_200_participants_exactly_once(broker, smtp_sink, worker):
    session, addresses = participants_of_session_starting_soon(200)
    started = time.monotonic()
    one = worker()

    reminders_sweep.delay()

    # A row is marked sent just after the server took the message: wait for both.
    sent = wait_for(
        lambda: (
            Message.objects.filter(kind="session_reminder", status="sent").count() >= 200
            and smtp_sink.count() >= 200
        ),
        timeout=90,
    )
    assert sent, f"after 90 s: {statuses('session_reminder')}; worker log: {one.log_path}"
    received = reminders_received(smtp_sink, session)
    assert duplicates(received) == {}
    assert received == addresses
    assert statuses("session_reminder") == {"sent": 200}
    print(f"200 reminders delivered in {time.monotonic() - started:.1f} s")

    # A second sweep (the next minute's) finds every reminder recorded and sends nothing.
    again = reminders_sweep.delay()
    assert wait_for(lambda: one.ran(again.id), timeout=30), f"see {one.log_path}"
    time.sleep(3)  # time for any delivery the sweep might have queued
    assert smtp_sink.count() == 200
    assert reminders_received(smtp_sink, session) == addresses
    assert statuses("session_reminder") == {"sent": 200}


def test_kill_minus_nine_mid_batch_every_reminder_at_least_once(broker, smtp_sink, worker):
    """A worker killed in the middle of 1,000 reminders, then a new worker: every reminder
    arrives, every copy with its outbox row's Message-ID. A message the server had taken before
    the kill and its row could say so is sent again (README, "Delivery guarantees"): at most one
    duplicate per kill, the copy recognisably the same message."""
    session, addresses = participants_of_session_starting_soon(1000)
    first = worker()
    reminders_sweep.delay()

    # 125: in the middle of the third batch of 50, not between two tasks.
    assert wait_for(lambda: smtp_sink.count() >= 125, timeout=90), (
        f"fewer than 125 emails after 90 s; worker log: {first.log_path}"
    )
    first.kill()
    kills = 1
    at_kill = smtp_sink.count()
    held = list(
        Message.objects.filter(kind="session_reminder", status="sending").values_list(
            "registration__email", flat=True
        )
    )

    # The next worker's sweep puts back what the dead one held once it is 5 s old (300 s in
    # production), and hands lost tasks' messages out again.
    second = worker(OUTBOX_STALE_SECONDS="5")
    deadline = time.monotonic() + 120
    while Message.objects.filter(kind="session_reminder", status="sent").count() < 1000:
        assert time.monotonic() < deadline, (
            f"after 120 s: {statuses('session_reminder')}; logs: {second.log_path}"
        )
        outbox_sweep.delay()
        time.sleep(3)
    last = outbox_sweep.delay()
    assert wait_for(lambda: second.ran(last.id), timeout=30), f"see {second.log_path}"
    time.sleep(2)

    message_ids = {
        email: message_id(Message(pk=pk))
        for email, pk in Message.objects.filter(kind="session_reminder").values_list(
            "registration__email", "pk"
        )
    }
    copies = [
        (recipient, message.message_id)
        for message in smtp_sink.received
        if message.subject == f"Starting soon: {session.title}"
        for recipient in message.recipients
    ]
    duplicated = duplicates([recipient for recipient, _id in copies])
    print(
        f"killed after {at_kill} emails; held in 'sending': {held}; received {len(copies)}, "
        f"duplicates: {sum(n - 1 for n in duplicated.values())} {duplicated}"
    )
    assert sorted(set(message_ids)) == addresses
    assert sorted({recipient for recipient, _id in copies}) == addresses
    assert [(r, i) for r, i in copies if message_ids[r] != i] == []
    assert sum(n - 1 for n in duplicated.values()) <= kills
    assert set(duplicated) <= set(held)
    assert statuses("session_reminder") == {"sent": 1000}


def test_poison_messages_fail_alone_in_the_first_sweep(broker, smtp_sink, worker):
    """At the head of 60 messages, one that cannot be built (its kind has no template any more)
    and one that cannot be addressed (IDNA refuses the domain): one sweep delivers the other 58,
    the two are failed with their errors after one try, and no later sweep takes them up."""
    unbuildable = Message.objects.create(registration=RegistrationFactory(), kind="retired_kind")
    unaddressable = Message.objects.create(
        registration=RegistrationFactory(email="a@\u202eevil.com"), kind="confirm_email"
    )
    good = [
        Message.objects.create(registration=RegistrationFactory(), kind="confirm_email")
        for _ in range(58)
    ]
    one = worker()

    assert outbox_flush() == 60  # one sweep: tasks of 50 and 10 messages

    assert wait_for(
        lambda: (
            not Message.objects.filter(status__in=["pending", "sending"]).exists()
            and smtp_sink.count() >= 58
        ),
        timeout=60,
    ), (
        f"after 60 s: {dict(Counter(Message.objects.values_list('status', flat=True)))}; "
        f"worker log: {one.log_path}"
    )
    failed = [Message.objects.get(pk=m.pk) for m in (unbuildable, unaddressable)]
    assert [(m.status, m.attempts, m.error) for m in failed] == [
        ("failed", 1, "Cannot be built: TemplateDoesNotExist: emails/retired_kind.subject"),
        (
            "failed",
            1,
            "UnicodeError: encoding with 'idna' codec failed "
            "(UnicodeError: Invalid character '\\u202e')",
        ),
    ]
    assert sorted(Message.objects.filter(status="sent").values_list("pk", "attempts")) == [
        (m.pk, 1) for m in good
    ]
    assert outbox_flush() == 0  # the next sweep
    time.sleep(2)
    assert sorted(r for m in smtp_sink.received for r in m.recipients) == sorted(
        m.registration.email for m in good
    )


def registration_form(category_pk: int, n: int) -> dict[str, str]:
    return {
        "full_name": f"Participant {n}",
        "email": f"outage{n}@example.org",
        "organisation": "Ministry of ICT",
        "job_title": "Director",
        "country": "CO",
        "category": str(category_pk),
        "mode": "in_person",
        "language": "en",
        "time_zone": "",
        "needs": "",
        "privacy_consent": "on",
        "website": "",
    }


def test_registrations_survive_redis_outage(broker, redis_server, smtp_sink, worker, client):
    event = EventFactory()
    category = CategoryFactory()
    url = reverse("registrations:register", args=[event.slug])
    redis_server.stop()

    started = time.monotonic()
    for n in range(20):
        response = client.post(url, registration_form(category.pk, n))
        assert response.status_code == 302
        assert response["Location"] == reverse("registrations:check_inbox", args=[event.slug])
    registering = time.monotonic() - started
    assert Registration.objects.filter(event=event).count() == 20
    assert statuses("confirm_email") == {"pending": 20}

    redis_server.start()
    one = worker()
    assert outbox_flush() == 20  # what the beat's outbox sweep does each minute

    assert wait_for(
        lambda: statuses("confirm_email") == {"sent": 20} and smtp_sink.count() >= 20, timeout=60
    ), f"after 60 s: {statuses('confirm_email')}; worker log: {one.log_path}"
    time.sleep(1)
    print(f"20 registrations with the broker down took {registering:.1f} s")
    received = smtp_sink.received
    assert sorted(r for message in received for r in message.recipients) == sorted(
        f"outage{n}@example.org" for n in range(20)
    )
    assert {message.subject for message in received} == {
        f"Confirm your registration for {event.name}"
    }


def test_two_beats_no_duplicates(broker, smtp_sink, worker, beat):
    session, addresses = participants_of_session_starting_soon(50)
    every_5_seconds, _ = IntervalSchedule.objects.get_or_create(
        every=5, period=IntervalSchedule.SECONDS
    )
    for name, task in SWEEPS:
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "interval": every_5_seconds, "enabled": True}
        )
    # Two workers, so that the two beats' sweeps really run at the same time.
    workers = [worker(), worker()]
    beats = [beat(), beat()]

    assert wait_for(
        lambda: (
            Message.objects.filter(kind="session_reminder", status="sent").count() >= 50
            and len(reminders_received(smtp_sink, session)) >= 50
        ),
        timeout=60,
    ), f"after 60 s: {statuses('session_reminder')}; logs in {workers[0].log_path.parent}"

    # Let both beats go on ticking: four more reminder sweeps after all were sent.
    def sweeps_run() -> int:
        return sum(w.succeeded("registrations.reminders_sweep") for w in workers)

    done = sweeps_run()
    assert wait_for(lambda: sweeps_run() >= done + 4, timeout=30), (
        f"the beats stopped sending sweeps; logs in {workers[0].log_path.parent}"
    )
    time.sleep(2)  # time for any delivery those sweeps might have queued

    sending = "Sending due task Send due reminders (registrations.reminders_sweep)"
    assert [b.count_in_log(sending) >= 2 for b in beats] == [True, True]
    assert [b.alive() for b in beats] == [True, True]
    received = reminders_received(smtp_sink, session)
    assert duplicates(received) == {}
    assert received == addresses
    assert statuses("session_reminder") == {"sent": 50}
    # The invitations sweep ran as often: each participant's calendar invitation, once.
    invitations = sorted(
        r for m in smtp_sink.received if "Starting soon" not in m.subject for r in m.recipients
    )
    assert invitations == addresses
    assert statuses("session_invite") == {"sent": 50}


def test_console_emails_keep_their_links(broker, worker, client):
    """`make run` prints emails in the worker's terminal (the console backend): the link to
    confirm must be there whole, not masked like the private links in logged lines."""
    event = EventFactory()
    one = worker(EMAIL_URL="console://")
    form = registration_form(CategoryFactory().pk, 0)
    client.post(reverse("registrations:register", args=[event.slug]), form)
    outbox_flush()

    assert wait_for(lambda: statuses("confirm_email") == {"sent": 1}, timeout=60), one.log_path
    links = set(re.findall(r"http://\S+/r/\S+/confirm/", one.log()))
    assert len(links) == 1, one.log_path
    page = client.get(urlsplit(links.pop()).path)
    assert page.status_code == 200
    assert page.context["registration"].email == form["email"]
