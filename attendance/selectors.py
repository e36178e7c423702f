"""Reads: who attended which days, whether a certificate can be had, and the attendance of an
event by day, session and stakeholder category."""

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q
from django.utils import timezone

from checkin.models import CheckIn
from events.models import Event, Session
from registrations.models import Registration, StakeholderCategory

from .models import Certificate

CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{22,32}")


def days_attended(*, registration: Registration) -> list[date]:
    """The days the participant was checked in anywhere (an entrance or a session door)."""
    return sorted(
        set(CheckIn.objects.filter(registration=registration).values_list("day", flat=True))
    )


def certificate_due(*, registration: Registration, now: datetime | None = None) -> bool:
    """A certificate is for a participant whose data we still hold, checked in at least once,
    once the event has ended."""
    now = now or timezone.now()
    return (
        registration.anonymised_at is None
        and now >= registration.event.ends_at
        and CheckIn.objects.filter(registration=registration).exists()
    )


@dataclass(frozen=True)
class Verified:
    """All a verification page shows: who attended what."""

    name: str
    event: Event
    days: list[date]


def certificate_verify(*, code: str) -> Verified | None:
    """What a certificate's code vouches for, or None when no valid certificate has it."""
    if not CODE_PATTERN.fullmatch(code):
        return None
    certificate = (
        Certificate.objects.select_related("registration__event").filter(code=code).first()
    )
    if certificate is None or not certificate_due(registration=certificate.registration):
        return None
    registration = certificate.registration
    return Verified(
        name=registration.full_name,
        event=registration.event,
        days=days_attended(registration=registration),
    )


@dataclass(frozen=True)
class Attendance:
    days: list[date]
    by_day: list[int]
    categories: list[dict]
    sessions: list[dict]
    confirmed: int
    attended: int

    @property
    def days_counts(self) -> list[tuple[date, int]]:
        return list(zip(self.days, self.by_day, strict=True))


def event_attendance(*, event: Event) -> Attendance:
    """Participants checked in per day, per stakeholder category (and day) and per session:
    a fixed number of queries, whatever the number of participants."""
    check_ins = CheckIn.objects.filter(registration__event=event)
    days = sorted(set(check_ins.values_list("day", flat=True)))
    per_day = dict(
        check_ins.values("day")
        .annotate(n=Count("registration", distinct=True))
        .values_list("day", "n")
    )
    per_category_day = {
        (row["registration__category"], row["day"]): row["n"]
        for row in check_ins.values("registration__category", "day").annotate(
            n=Count("registration", distinct=True)
        )
    }
    confirmed = Q(registrations__event=event, registrations__status=Registration.Status.CONFIRMED)
    attended = Q(registrations__event=event, registrations__check_ins__isnull=False)
    categories = (
        StakeholderCategory.objects.annotate(
            confirmed=Count("registrations", filter=confirmed, distinct=True),
            attended=Count("registrations", filter=attended, distinct=True),
        )
        .filter(Q(confirmed__gt=0) | Q(attended__gt=0))
        .order_by("position", "name")
    )
    sessions = (
        Session.objects.filter(event=event)
        .annotate(checked_in=Count("check_ins__registration", distinct=True))
        .order_by("starts_at", "pk")
    )
    category_rows = [
        {
            "category": category,
            "confirmed": category.confirmed,
            "attended": category.attended,
            "by_day": [per_category_day.get((category.pk, day), 0) for day in days],
        }
        for category in categories
    ]
    return Attendance(
        days=days,
        by_day=[per_day[day] for day in days],
        categories=category_rows,
        sessions=[{"session": session, "checked_in": session.checked_in} for session in sessions],
        confirmed=sum(row["confirmed"] for row in category_rows),
        attended=check_ins.values("registration").distinct().count(),
    )
