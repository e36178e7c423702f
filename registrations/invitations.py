"""Calendar invitations (iTIP) for the sessions participants chose: a reconciling sweep.

What each participant's calendar should hold is derived from the data: a REQUEST for every
session they chose while confirmed, at the session's current SEQUENCE; a CANCEL for anything
they were invited to that no longer holds (dropped, session cancelled, registration cancelled).
`Invite` rows record what was last sent. The sweep sends the difference, so it is idempotent,
survives crashes, batches naturally, and serves programme changes made in `events` without
`events` knowing about participants.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from events.models import Session

from .models import Invite, Message, Registration, SessionChoice
from .outbox import message_queue

BATCH = 500


def _wanted_choices():
    """Session choices that should be in the participant's calendar right now."""
    return SessionChoice.objects.filter(
        status=SessionChoice.Status.CHOSEN,
        registration__status=Registration.Status.CONFIRMED,
        session__status=Session.Status.SCHEDULED,
    )


def _send(*, registration_id: int, session: Session, method: str) -> bool:
    """Record and queue one invitation if the participant's calendar needs it. Returns whether
    a message was queued. The Invite row is locked, so concurrent sweeps queue it once."""
    with transaction.atomic():
        state, created = Invite.objects.select_for_update().get_or_create(
            registration_id=registration_id,
            session=session,
            defaults={
                "method": method,
                "sequence": session.sequence,
                "session_sequence": session.sequence,
            },
        )
        if not created:
            if state.method == method and (
                method == Invite.Method.CANCEL or state.session_sequence == session.sequence
            ):
                return False
            # Never lower: a client ignores an update whose SEQUENCE is not above its copy's.
            state.sequence = max(state.sequence + 1, session.sequence)
            state.method = method
            state.session_sequence = session.sequence
            state.save()
        context = {
            "session_id": session.pk,
            "sequence": state.sequence,
            "method": method,
            "update": not created,
        }
        if method == Invite.Method.CANCEL:
            context["reason"] = _cancel_reason(registration_id=registration_id, session=session)
        kind = Message.Kind.SESSION_INVITE if method == "REQUEST" else Message.Kind.SESSION_CANCEL
        message_queue(
            registration=state.registration,
            kind=kind,
            key=f"{session.pk}:{state.sequence}",
            context=context,
        )
        return True


def _cancel_reason(*, registration_id: int, session: Session) -> str:
    """Why a session leaves a participant's calendar, so that the email says what happened
    (the calendar gets the same CANCEL whatever the reason)."""
    if session.is_cancelled:
        return "session_cancelled"
    registration = Registration.objects.only("status").get(pk=registration_id)
    if registration.status == Registration.Status.CANCELLED:
        return "registration_cancelled"
    if registration.status != Registration.Status.CONFIRMED:
        return "registration_unconfirmed"
    if SessionChoice.objects.filter(registration_id=registration_id, session=session).exists():
        return "waitlisted"
    return "dropped"


def invites_reconcile(
    *, registration_id: int | None = None, session_id: int | None = None, limit: int = BATCH
) -> int:
    """Send the invitations, updates and cancellations that participants' calendars are
    missing, for one registration, one session, or everyone; at most `limit` per call.
    Returns how many were queued (a caller seeing `limit` should call again)."""
    scope = Q()
    if registration_id is not None:
        scope &= Q(registration_id=registration_id)
    if session_id is not None:
        scope &= Q(session_id=session_id)
    up_to_date = Invite.objects.filter(
        registration=OuterRef("registration"),
        session=OuterRef("session"),
        method=Invite.Method.REQUEST,
        session_sequence=OuterRef("session__sequence"),
    )
    to_request = (
        _wanted_choices()
        .filter(scope)
        .exclude(Exists(up_to_date))
        .select_related("session")
        .order_by("pk")[:limit]
    )
    queued = sum(
        _send(registration_id=c.registration_id, session=c.session, method="REQUEST")
        for c in to_request
    )
    still_wanted = _wanted_choices().filter(
        registration=OuterRef("registration"), session=OuterRef("session")
    )
    to_cancel = (
        Invite.objects.filter(scope, method=Invite.Method.REQUEST)
        .exclude(Exists(still_wanted))
        .select_related("session")
        .order_by("pk")[: max(limit - queued, 0)]
    )
    queued += sum(
        _send(registration_id=i.registration_id, session=i.session, method="CANCEL")
        for i in to_cancel
    )
    return queued
