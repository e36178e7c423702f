"""Writes to the programme."""

from collections.abc import Iterable

from django.db.models import F
from django.utils import timezone

from .models import Session

# Changes a participant's calendar must learn about: each one bumps the session's SEQUENCE.
SEQUENCED_FIELDS = frozenset({"starts_at", "ends_at", "room", "title", "status"})


def sessions_cancel(*, session_ids: Iterable[int]) -> int:
    """Cancel the given sessions that are still scheduled; return how many were cancelled.

    Cancelled sessions stay in the programme and the feeds, marked cancelled, with a higher
    SEQUENCE so calendar clients replace their copy.
    """
    return Session.objects.filter(pk__in=list(session_ids), status=Session.Status.SCHEDULED).update(
        status=Session.Status.CANCELLED, sequence=F("sequence") + 1, updated_at=timezone.now()
    )


def session_save(*, session: Session, changed_fields: Iterable[str]) -> Session:
    """Save a session edited by an organiser, bumping its SEQUENCE when a change matters to
    participants (time, room, title or status)."""
    if session.pk and SEQUENCED_FIELDS.intersection(changed_fields):
        session.sequence += 1
    session.save()
    return session
