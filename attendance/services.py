"""Writes: certificates of attendance, issued once per participant, and announced by email.

A sweep (attendance/tasks.py) finds events that have ended and writes, for every participant
checked in at least once, their certificate and its email into the outbox. Both are unique per
registration, so a second sweep (a second beat, a retry) writes nothing more.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from checkin.models import CheckIn
from events.models import Event
from registrations.models import Message, Registration

from .models import Certificate
from .selectors import certificate_due

# Certificates are announced for events that ended within this period: an event loaded long
# after it ended (an archive) sends nothing.
LOOKBACK = timedelta(days=30)
BATCH = 5000


def certificate_issue(*, registration: Registration) -> Certificate | None:
    """The participant's certificate, made on first request once it is due; None before the
    event has ended, without a check-in, or once their data has been anonymised."""
    if not certificate_due(registration=registration):
        return None
    certificate, _created = Certificate.objects.get_or_create(registration=registration)
    return certificate


def verification_url(code: str) -> str:
    """The public page that confirms a certificate, as printed on it."""
    return settings.SITE_URL + reverse("attendance:verify", kwargs={"code": code})


def _ended_events(now: datetime):
    today = now.date()
    candidates = Event.objects.filter(
        end_date__lt=today + timedelta(days=1), end_date__gte=(now - LOOKBACK).date()
    )
    return [event for event in candidates if event.ends_at <= now]


def certificates_record(*, now: datetime | None = None, limit: int = BATCH) -> int:
    """Issue the certificates due at events that have ended and queue their emails (pending:
    the outbox sweep hands them to the workers). Returns how many emails were written."""
    now = now or timezone.now()
    written = 0
    for event in _ended_events(now):
        announced = Message.objects.filter(
            registration=OuterRef("pk"), kind=Message.Kind.CERTIFICATE
        )
        due = list(
            Registration.objects.filter(event=event, anonymised_at__isnull=True)
            .filter(Exists(CheckIn.objects.filter(registration=OuterRef("pk"))))
            .exclude(Exists(announced))
            .values_list("pk", flat=True)[:limit]
        )
        if not due:
            continue
        with transaction.atomic():
            Certificate.objects.bulk_create(
                [Certificate(registration_id=pk) for pk in due], ignore_conflicts=True
            )
            codes = dict(
                Certificate.objects.filter(registration_id__in=due).values_list(
                    "registration_id", "code"
                )
            )
            messages = Message.objects.bulk_create(
                [
                    Message(
                        registration_id=pk,
                        kind=Message.Kind.CERTIFICATE,
                        context={"verify_url": verification_url(codes[pk])},
                    )
                    for pk in due
                ],
                ignore_conflicts=True,
                batch_size=1000,
            )
        written += len(messages)
    return written
