"""Reads for registrations."""

import re
import secrets
from collections import defaultdict
from datetime import date, datetime
from itertools import groupby
from typing import NamedTuple

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from events.models import Event, Session

from .models import TOKEN_PREFIX_LENGTH, Registration, SessionChoice, StakeholderCategory

# What new_token() makes (URL-safe base64), with room for longer tokens: anything else, such as
# a NUL byte PostgreSQL refuses in a query, is no token.
TOKEN_PATTERN = re.compile(rf"[A-Za-z0-9_-]{{{TOKEN_PREFIX_LENGTH},64}}")


def registration_by_token(*, token: str) -> Registration | None:
    """The registration whose private link carries this token, or None. The token is compared
    in constant time; cancelled registrations are still found (their page says so)."""
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    candidates = Registration.objects.select_related("event", "category").filter(
        token_prefix=token[:TOKEN_PREFIX_LENGTH]
    )
    for registration in candidates:
        if secrets.compare_digest(registration.token.encode(), token.encode()):
            return registration
    return None


def sessions_with_seats(*, event: Event):
    """The event's sessions with `seated` (chosen by in-person participants: online ones take
    no seat) and `waiting` counts, theme and room."""
    in_the_room = Q(
        choices__status=SessionChoice.Status.CHOSEN,
        choices__registration__mode=Registration.Mode.IN_PERSON,
    )
    return (
        event.sessions.select_related("theme", "room")
        .annotate(
            seated=Count("choices", filter=in_the_room),
            waiting=Count("choices", filter=Q(choices__status=SessionChoice.Status.WAITLISTED)),
        )
        .order_by("starts_at", "theme__position", "pk")
    )


class Agenda(NamedTuple):
    mine: list[Session]  # on the participant's agenda or its waitlist, in time order
    days: list[tuple[date, list[tuple[datetime, list[Session]]]]]  # every session by start


def agenda_for_registration(*, registration: Registration) -> Agenda:
    """The programme as the manage page shows it: the participant's own sessions first, then
    every session by day and start time in the event's zone.

    Each session carries `seats_left` (None when unlimited), `choice` (this participant's
    SessionChoice status, or None) and `overlaps` (the other sessions on the agenda at the
    same time, to warn about). Three queries whatever the programme's size.
    """
    event = registration.event
    choices = dict(registration.choices.values_list("session_id", "status"))
    tz = event.tz
    sessions = list(sessions_with_seats(event=event))
    for session in sessions:
        session.seats_left = (
            None if session.capacity is None else max(session.capacity - session.seated, 0)
        )
        session.choice = choices.get(session.pk)
    agenda = [s for s in sessions if s.choice and not s.is_cancelled]
    for session in sessions:
        session.overlaps = [
            other
            for other in agenda
            if session.choice
            and other.pk != session.pk
            and other.starts_at < session.ends_at
            and session.starts_at < other.ends_at
        ]
    days = [
        (day, [(starts, list(slot)) for starts, slot in groupby(day_sessions, key=_starts)])
        for day, day_sessions in groupby(
            sessions, key=lambda s: timezone.localtime(s.starts_at, tz).date()
        )
    ]
    return Agenda(mine=[s for s in sessions if s.choice], days=days)


def _starts(session: Session) -> datetime:
    return session.starts_at


def sessions_chosen(*, registration: Registration):
    """The sessions on the participant's agenda (not those they only wait for)."""
    return Session.objects.filter(
        choices__registration=registration, choices__status=SessionChoice.Status.CHOSEN
    )


def choices_stamp(*, registration: Registration) -> str:
    """Changes whenever the participant's agenda changes. One query."""
    stamps = registration.choices.filter(status=SessionChoice.Status.CHOSEN).aggregate(
        count=Count("pk"), ids=Sum("pk"), latest=Max("created_at")
    )
    return "-".join(str(stamps[name]) for name in ("count", "ids", "latest"))


def event_summary(*, event: Event) -> dict:
    """Counts for the organisers' summary page: category × mode × status, places left,
    waitlist lengths, and each session's fill. Five queries."""
    statuses = Registration.Status
    rows = (
        Registration.objects.filter(event=event)
        .values("category_id", "mode", "status")
        .annotate(n=Count("pk"))
        .order_by("category__position", "category_id", "mode", "status")
    )
    # Named in the organiser's language (categories are translated: registrations/translation.py).
    categories = StakeholderCategory.objects.in_bulk()
    table = defaultdict(lambda: defaultdict(int))
    totals = defaultdict(int)
    for row in rows:
        table[(categories[row["category_id"]], row["mode"])][row["status"]] += row["n"]
        totals[(row["mode"], row["status"])] += row["n"]
    capacities = {
        Registration.Mode.IN_PERSON: event.in_person_capacity,
        Registration.Mode.ONLINE: event.online_capacity,
    }
    places = []
    for mode, capacity in capacities.items():
        confirmed = totals[(mode, statuses.CONFIRMED)]
        places.append(
            {
                "mode": mode.label,
                "confirmed": confirmed,
                "capacity": capacity,
                "left": None if capacity is None else max(capacity - confirmed, 0),
                "waitlist": totals[(mode, statuses.WAITLISTED)],
            }
        )
    return {
        "statuses": statuses.choices,
        "rows": [
            {
                "category": category,
                "mode": Registration.Mode(mode).label,
                "counts": [table[(category, mode)][status] for status, _label in statuses.choices],
            }
            for category, mode in table
        ],
        "places": places,
        "sessions": sessions_with_seats(event=event),
    }
