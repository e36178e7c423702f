"""Writes to the programme."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from modeltranslation.utils import get_translation_fields

from .models import Event, Room, Session, Speaker, Theme

# Changes a participant's calendar must learn about: each one bumps the session's SEQUENCE.
# The title in any language: a participant's calendar shows it in theirs.
SEQUENCED_FIELDS = frozenset(
    {"starts_at", "ends_at", "room", "title", *get_translation_fields("title"), "status"}
    | {"language", "interpretation"}
)


def sessions_cancel(*, session_ids: Iterable[int]) -> int:
    """Cancel the given sessions that are still scheduled; return how many were cancelled.

    Cancelled sessions stay in the programme and the feeds, marked cancelled, with a higher
    SEQUENCE so calendar clients replace their copy.
    """
    with transaction.atomic():
        programme_changed()  # an update() sends no signal
        return Session.objects.filter(
            pk__in=list(session_ids), status=Session.Status.SCHEDULED
        ).update(
            status=Session.Status.CANCELLED, sequence=F("sequence") + 1, updated_at=timezone.now()
        )


def programme_changed() -> None:
    """Grow every event's `programme_version`, in the current transaction, so that its cached
    pages and feeds are built again. Called before and after each write to what the programme
    shows (events/signals.py):

    - before, so that the event rows are locked before any session row, in the order a
      registration locks them (its event, then sessions): the two never deadlock; past
      LOCK_TIMEOUT_MS the whole change is refused, never half-made;
    - after, for writes outside a transaction, where each statement commits on its own: a
      request between the first update and the write may cache the old content under the
      new version, which the second update leaves unused.

    All events: themes, rooms and speakers are shared, a session may move between events, and
    there are a handful of events."""
    Event.objects.update(
        programme_version=F("programme_version") + 1, programme_changed_at=timezone.now()
    )


def session_save(*, session: Session, changed_fields: Iterable[str]) -> Session:
    """Save a session edited by an organiser, bumping its SEQUENCE when a change matters to
    participants (time, room, title in any language, status, spoken or interpreted
    languages).

    An existing session is written only when something changed, and then only the changed
    fields: saving an unchanged form changes nothing, not even `updated_at`.
    """
    if session.pk and SEQUENCED_FIELDS.intersection(changed_fields):
        session.sequence += 1
        changed_fields = [*changed_fields, "sequence"]
    return programme_save(record=session, changed_fields=changed_fields)


# --- the organisers' admin ------------------------------------------------------------------


def programme_save(
    *, record: Event | Theme | Room | Speaker | Session, changed_fields: Iterable[str]
) -> Event | Theme | Room | Speaker | Session:
    """Save a record of the programme edited by an organiser: a new one in full, an existing
    one only in the fields that changed, with its `updated_at` (which dates the feeds), and
    not at all when nothing changed. Many-to-many changes (a session's speakers) are saved by
    the form; they count as a change here."""
    changed_fields = list(changed_fields)
    if record.pk is None:
        record.save()
    elif changed_fields:
        columns = {field.name for field in record._meta.concrete_fields}
        record.save(
            update_fields=[name for name in changed_fields if name in columns] + ["updated_at"]
        )
    return record


def sessions_save(
    *, changes: Iterable[tuple[Session, Iterable[str]]], deleted: Iterable[Session]
) -> None:
    """Save sessions edited together (the event form's list of sessions): each with the
    names of its changed fields, as `session_save` does; delete those removed."""
    for session, changed_fields in changes:
        session_save(session=session, changed_fields=changed_fields)
    for session in deleted:
        session.delete()
