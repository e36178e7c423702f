"""Writes for registrations: sign-up, confirmation, capacity, waitlists, session choices.

Capacity is always checked under a row lock inside one transaction: the event row for in-person
and online places (and the category quotas, counted per event), the session row for its seats.
Every email is queued through `message_queue` in the same transaction as the change causing it.
"""

import secrets
from collections.abc import Iterable
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event, Session
from events.services import programme_save, session_save, sessions_save

from .invitations import invites_reconcile
from .models import Message, PassRevocation, Registration, SessionChoice, StakeholderCategory
from .outbox import message_queue, task_enqueue
from .pass_lifecycle import pass_revoke

PRIVACY_NOTICE_VERSION = "2026-12"  # adds how long data is kept, and by whom


# --- capacity -----------------------------------------------------------------------------


def event_lock(*, event_id: int) -> Event:
    """Lock the event row: every decision about its places waits for the holder."""
    return Event.objects.select_for_update().get(pk=event_id)


def _places_taken(*, event: Event) -> dict:
    """Confirmed places per mode, and in-person places per category, for the event."""
    rows = (
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
        .values("mode", "category_id")
        .annotate(n=Count("pk"))
    )
    taken = {"modes": {}, "categories": {}}
    for row in rows:
        taken["modes"][row["mode"]] = taken["modes"].get(row["mode"], 0) + row["n"]
        if row["mode"] == Registration.Mode.IN_PERSON:
            taken["categories"][row["category_id"]] = row["n"]
    return taken


def _place_refusal(*, event: Event, registration: Registration, taken: dict) -> dict | None:
    """Why the registration cannot have a place now, as {field: message}; None when it can."""
    if registration.mode == Registration.Mode.ONLINE:
        limit = event.online_capacity
        if limit is not None and taken["modes"].get(registration.mode, 0) >= limit:
            return {"mode": _("There are no online places left.")}
        return None
    if event.in_person_capacity is not None and (
        taken["modes"].get(registration.mode, 0) >= event.in_person_capacity
    ):
        return {"mode": _("There are no in-person places left. You can attend online.")}
    quota = registration.category.in_person_quota
    if quota is not None and taken["categories"].get(registration.category_id, 0) >= quota:
        return {
            "category": _("The in-person places for %(category)s are all taken.")
            % {"category": registration.category}
        }
    return None


def _has_place(*, event: Event, registration: Registration, taken: dict) -> bool:
    return _place_refusal(event=event, registration=registration, taken=taken) is None


def _take_place(*, registration: Registration, taken: dict) -> None:
    taken["modes"][registration.mode] = taken["modes"].get(registration.mode, 0) + 1
    if registration.mode == Registration.Mode.IN_PERSON:
        taken["categories"][registration.category_id] = (
            taken["categories"].get(registration.category_id, 0) + 1
        )


def _confirm(*, registration: Registration, kind: str) -> None:
    registration.status = Registration.Status.CONFIRMED
    registration.confirmed_at = timezone.now()
    registration.save(update_fields=["status", "confirmed_at"])
    message_queue(registration=registration, kind=kind, key=registration.confirmed_at.isoformat())


def waitlist_position(*, registration: Registration) -> int:
    """1 for the first person waiting for a place in the same mode."""
    return (
        Registration.objects.filter(
            event_id=registration.event_id,
            mode=registration.mode,
            status=Registration.Status.WAITLISTED,
            waitlisted_at__lte=registration.waitlisted_at,
        ).count()
        if registration.status == Registration.Status.WAITLISTED
        else 0
    )


def waitlist_promote(*, event_id: int) -> list[int]:
    """Give freed places to the waitlist, first come first served; tell each person promoted.

    Someone whose category quota is full does not block those behind them.
    Returns the ids of the registrations promoted.
    """
    promoted = []
    with transaction.atomic():
        event = event_lock(event_id=event_id)
        taken = _places_taken(event=event)
        waiting = (
            Registration.objects.filter(event=event, status=Registration.Status.WAITLISTED)
            .select_related("category")
            .order_by("waitlisted_at", "pk")
        )
        for registration in waiting:
            if _has_place(event=event, registration=registration, taken=taken):
                _take_place(registration=registration, taken=taken)
                _confirm(registration=registration, kind=Message.Kind.PROMOTED)
                promoted.append(registration.pk)
    return promoted


# --- registration lifecycle ---------------------------------------------------------------


def registration_create(*, event: Event, data: dict) -> tuple[Registration, bool]:
    """Register a participant (pending until they confirm their email). `data["email"]` is
    normalised (registrations.addresses), so one mailbox has one active registration per event.

    Returns (registration, created). An address already registered for the event gets its
    private link again instead, so the response never reveals who is registered.
    """
    try:
        with transaction.atomic():
            registration = Registration(
                event=event,
                privacy_consent_at=timezone.now(),
                privacy_notice_version=PRIVACY_NOTICE_VERSION,
                **data,
            )
            registration.renew_token()
            registration.save()
            message_queue(registration=registration, kind=Message.Kind.CONFIRM_EMAIL)
            return registration, True
    except IntegrityError:
        registration = Registration.objects.exclude(status=Registration.Status.CANCELLED).get(
            event=event, email=data["email"]
        )
        with transaction.atomic():
            _link_send(registration=registration)
        return registration, False


def registration_confirm(*, registration_id: int) -> Registration:
    """Confirm a pending registration: a place if there is one, else the waitlist.

    Confirming twice changes nothing.
    """
    with transaction.atomic():
        registration = Registration.objects.select_related("category", "event").get(
            pk=registration_id
        )
        event = event_lock(event_id=registration.event_id)
        registration.refresh_from_db(fields=["status"])
        if registration.status != Registration.Status.PENDING:
            return registration
        taken = _places_taken(event=event)
        if _has_place(event=event, registration=registration, taken=taken):
            _confirm(registration=registration, kind=Message.Kind.CONFIRMED)
        else:
            registration.status = Registration.Status.WAITLISTED
            registration.waitlisted_at = timezone.now()
            registration.save(update_fields=["status", "waitlisted_at"])
            message_queue(
                registration=registration,
                kind=Message.Kind.WAITLISTED,
                key=registration.waitlisted_at.isoformat(),
                context={"position": waitlist_position(registration=registration)},
            )
    return registration


def registration_cancel(*, registration_id: int) -> Registration:
    """Cancel a registration and its session choices; freed places go to the waitlists."""
    with transaction.atomic():
        registration = Registration.objects.get(pk=registration_id)
        event_lock(event_id=registration.event_id)
        registration.refresh_from_db()
        if registration.status == Registration.Status.CANCELLED:
            return registration
        freed_sessions = list(
            registration.choices.filter(status=SessionChoice.Status.CHOSEN).values_list(
                "session_id", flat=True
            )
        )
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        pass_revoke(registration=registration, reason=PassRevocation.Reason.CANCELLED)
        registration.choices.all().delete()
        invites_reconcile(registration_id=registration.pk)
        message_queue(registration=registration, kind=Message.Kind.CANCELLED)
        for session_id in freed_sessions:
            session_waitlist_promote(session_id=session_id)
        waitlist_promote(event_id=registration.event_id)
    return registration


def registrations_cancel(*, registration_ids: list[int]) -> int:
    """Cancel the selected registrations still active (an organiser's action); each one's
    freed places go to the waitlists. Returns how many were cancelled."""
    active = Registration.objects.filter(pk__in=registration_ids).exclude(
        status=Registration.Status.CANCELLED
    )
    ids = list(active.order_by("pk").values_list("pk", flat=True))
    for registration_id in ids:
        registration_cancel(registration_id=registration_id)
    return len(ids)


def registration_update(*, registration: Registration, data: dict) -> Registration:
    """Save a participant's edits: applied to the registration as it stands, read under the
    locks (a promotion or a new private link made since the form was loaded is kept), and only
    the fields that change are written. Switching to in person needs a free place (checked
    under the event lock), switching to online frees one for the waitlist; refused, it raises
    ValidationError naming what was refused and saves nothing. Returns the registration as
    stored."""
    with transaction.atomic():
        event = event_lock(event_id=registration.event_id)
        current = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("category")
            .get(pk=registration.pk)
        )
        changed = {name: value for name, value in data.items() if getattr(current, name) != value}
        if not changed:
            return current
        mode, category_id = current.mode, current.category_id
        if current.status == Registration.Status.CONFIRMED:
            taken = _places_taken(event=event)
            _release_place(registration=current, taken=taken)
        for name, value in changed.items():
            setattr(current, name, value)
        moves = (current.mode, current.category_id) != (mode, category_id)
        if moves and current.status == Registration.Status.CONFIRMED:
            refusal = _place_refusal(event=event, registration=current, taken=taken)
            if refusal:
                raise ValidationError(refusal)
        current.save(update_fields=list(changed))
        if current.mode != mode:
            _choices_follow_mode(registration=current)
        if moves:
            # A freed place, or a waitlisted participant now asking for a mode with room.
            waitlist_promote(event_id=event.pk)
    return current


def _release_place(*, registration: Registration, taken: dict) -> None:
    taken["modes"][registration.mode] -= 1
    if registration.mode == Registration.Mode.IN_PERSON:
        taken["categories"][registration.category_id] -= 1


def _link_send(*, registration: Registration) -> None:
    message_queue(
        registration=registration, kind=Message.Kind.MANAGE_LINK, key=secrets.token_hex(8)
    )


def registration_link_send(*, email: str) -> int:
    """Email every active registration of this (normalised) address its current private
    link. Nothing else changes: asking for the link never revokes the one in use. Returns how
    many were sent; the caller must not reveal it."""
    registrations = Registration.objects.filter(email=email).exclude(
        status=Registration.Status.CANCELLED
    )
    with transaction.atomic():
        for registration in registrations:
            _link_send(registration=registration)
    return len(registrations)


def registration_token_renew(*, registration_id: int) -> Registration:
    """Give an active registration a new private link and email it: the old link, and the
    calendars subscribed with it, stop working at once. Its owner's action, from the manage
    page; refused (ValidationError) for a cancelled registration."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        if not registration.is_active:
            raise ValidationError(_("This registration is cancelled: it can no longer be changed."))
        registration.renew_token()
        registration.save(update_fields=["token", "token_prefix"])
        message_queue(
            registration=registration,
            kind=Message.Kind.MANAGE_LINK,
            key=registration.token_prefix,
            context={"renewed": True},
        )
    return registration


def confirmation_resend(*, registration_ids: list[int]) -> int:
    """Send the confirm-your-email message again to those still pending."""
    pending = Registration.objects.filter(
        pk__in=registration_ids, status=Registration.Status.PENDING
    )
    with transaction.atomic():
        for registration in pending:
            message_queue(
                registration=registration,
                kind=Message.Kind.CONFIRM_EMAIL,
                key=timezone.now().isoformat(),
            )
    return len(pending)


def registrations_confirm_by_organiser(*, registration_ids: list[int]) -> int:
    """Confirm pending registrations on the participants' behalf (capacity still applies)."""
    ids = (
        Registration.objects.filter(pk__in=registration_ids, status=Registration.Status.PENDING)
        .order_by("created_at", "pk")  # first come, first served (the default is newest first)
        .values_list("pk", flat=True)
    )
    return sum(
        registration_confirm(registration_id=pk).status == Registration.Status.CONFIRMED
        for pk in list(ids)
    )


def registrations_promote(*, registration_ids: list[int]) -> int:
    """Confirm waitlisted registrations now, over capacity if need be: an organiser's call."""
    with transaction.atomic():
        waiting = Registration.objects.select_for_update().filter(
            pk__in=registration_ids, status=Registration.Status.WAITLISTED
        )
        for registration in waiting:
            _confirm(registration=registration, kind=Message.Kind.PROMOTED)
    return len(waiting)


# --- sessions -------------------------------------------------------------------------------


def session_lock(*, session_id: int, event_id: int | None = None) -> Session:
    """Lock the session row: every decision about its seats waits for the holder."""
    sessions = Session.objects.select_for_update()
    if event_id is not None:
        sessions = sessions.filter(event_id=event_id)
    return sessions.get(pk=session_id)


def _seats_taken(*, session: Session, registration: Registration | None = None) -> int:
    """Seats held in the room: by in-person participants (online ones follow online); without
    `registration`'s own choice when given."""
    seated = session.choices.filter(
        status=SessionChoice.Status.CHOSEN, registration__mode=Registration.Mode.IN_PERSON
    )
    if registration is not None:
        seated = seated.exclude(registration=registration)
    return seated.count()


def session_choose(*, registration: Registration, session_id: int) -> SessionChoice:
    """Put a session on the participant's agenda, or on its waitlist when its seats are taken.
    Online participants follow it online: they never take a seat nor wait for one. Raises
    Session.DoesNotExist for a session not of the registration's event."""
    with transaction.atomic():
        session = session_lock(session_id=session_id, event_id=registration.event_id)
        if registration.status != Registration.Status.CONFIRMED:
            raise ValidationError(_("Only confirmed participants can choose sessions."))
        if session.is_cancelled:
            raise ValidationError(_("This session has been cancelled."))
        existing = SessionChoice.objects.filter(registration=registration, session=session)
        if existing:
            return existing[0]
        choice = SessionChoice.objects.create(
            registration=registration,
            session=session,
            status=SessionChoice.Status.WAITLISTED
            if _needs_waitlist(registration=registration, session=session)
            else SessionChoice.Status.CHOSEN,
        )
        invites_reconcile(registration_id=registration.pk, session_id=session.pk)
    return choice


def _needs_waitlist(*, registration: Registration, session: Session) -> bool:
    """Whether the participant must wait for a seat (the session row is locked)."""
    return (
        registration.mode == Registration.Mode.IN_PERSON
        and session.capacity is not None
        and _seats_taken(session=session, registration=registration) >= session.capacity
    )


def _choices_follow_mode(*, registration: Registration) -> None:
    """After a change of mode: switching online frees the participant's seats (the session
    waitlists move up) and takes them off the waitlists; switching in person keeps a seat in
    each session that has one free and puts them at the end of the waitlist of the others."""
    for choice in registration.choices.order_by("session_id"):
        session = session_lock(session_id=choice.session_id)
        if registration.mode == Registration.Mode.ONLINE:
            choice.status = SessionChoice.Status.CHOSEN
            choice.save(update_fields=["status"])
            session_waitlist_promote(session_id=session.pk)
        elif _needs_waitlist(registration=registration, session=session):
            choice.status = SessionChoice.Status.WAITLISTED
            choice.created_at = timezone.now()  # the waitlist is first come, first served
            choice.save(update_fields=["status", "created_at"])
    invites_reconcile(registration_id=registration.pk)


def session_drop(*, registration: Registration, session_id: int) -> None:
    """Take a session off the agenda (or its waitlist); a freed seat goes to the waitlist.
    Raises Session.DoesNotExist for a session not of the registration's event, and
    ValidationError when the session is not on the agenda."""
    with transaction.atomic():
        session_lock(session_id=session_id, event_id=registration.event_id)
        deleted, _counts = SessionChoice.objects.filter(
            registration=registration, session_id=session_id
        ).delete()
        if not deleted:
            raise ValidationError(_("This session is not on your agenda."))
        invites_reconcile(registration_id=registration.pk, session_id=session_id)
        session_waitlist_promote(session_id=session_id)


def session_waitlist_promote(*, session_id: int) -> list[int]:
    """Seat people from a session's waitlist while it has free seats; tell each one."""
    with transaction.atomic():
        session = session_lock(session_id=session_id)
        seated = _seats_taken(session=session)
        free = None if session.capacity is None else max(session.capacity - seated, 0)
        waiting = session.choices.filter(status=SessionChoice.Status.WAITLISTED).order_by(
            "created_at", "pk"
        )
        promoted = list(waiting if free is None else waiting[:free])
        for choice in promoted:
            choice.status = SessionChoice.Status.CHOSEN
            choice.save(update_fields=["status"])
            message_queue(
                registration=choice.registration,
                kind=Message.Kind.SESSION_PROMOTED,
                key=f"session-{session.pk}-{choice.pk}",
                context={"session_id": session.pk},
            )
        invites_reconcile(session_id=session.pk)
    return [choice.registration_id for choice in promoted]


# --- the organisers' admin ------------------------------------------------------------------
# What the admin's forms do, through the same capacity, waitlist and invitation rules as the
# participants' own actions above.


def invites_refresh(*, session_ids: Iterable[int | None] = (None,)) -> None:
    """After commit, bring participants' calendars up to date with these sessions (all of them
    by default). The periodic sweep would within a minute; this makes it prompt."""
    for session_id in session_ids:
        transaction.on_commit(
            partial(task_enqueue, "registrations.invites_sweep", session_id=session_id)
        )


def event_update(*, event: Event, changed_fields: Iterable[str]) -> list[int]:
    """Save an organiser's edits to an event (only what changed); raised capacity goes to the
    waitlist. Returns the ids of the registrations promoted."""
    changed_fields = list(changed_fields)
    programme_save(record=event, changed_fields=changed_fields)
    if {"in_person_capacity", "online_capacity"}.intersection(changed_fields):
        return waitlist_promote(event_id=event.pk)
    return []


def session_update(*, session: Session, changed_fields: Iterable[str]) -> Session:
    """Save an organiser's edits to a session (see `events.services.session_save`): added seats
    go to its waitlist, and participants' calendars learn of the change."""
    changed_fields = list(changed_fields)
    session_save(session=session, changed_fields=changed_fields)
    if "capacity" in changed_fields:
        session_waitlist_promote(session_id=session.pk)
    if changed_fields:
        invites_refresh(session_ids=[session.pk])
    return session


def sessions_update(
    *, changes: Iterable[tuple[Session, Iterable[str]]], deleted: Iterable[Session]
) -> None:
    """Save the sessions edited in an event's form, as `session_update` does for each."""
    sessions_save(changes=[], deleted=deleted)
    for session, changed_fields in changes:
        session_update(session=session, changed_fields=changed_fields)


def category_update(*, category: StakeholderCategory, changed_fields: Iterable[str]) -> list[int]:
    """Save an organiser's edits to a stakeholder category; a raised quota goes to the
    waitlists of the events where this group waits. Returns the ids promoted."""
    changed_fields = list(changed_fields)
    if category.pk is None:
        category.save()
    elif changed_fields:
        category.save(update_fields=changed_fields)
    if "in_person_quota" not in changed_fields:
        return []
    event_ids = (
        Registration.objects.filter(category=category, status=Registration.Status.WAITLISTED)
        .values_list("event_id", flat=True)
        .distinct()
    )
    return [pk for event_id in list(event_ids) for pk in waitlist_promote(event_id=event_id)]


def registration_add(*, registration: Registration) -> Registration:
    """Register a participant on their behalf (an organiser's add form), given the unsaved
    registration built from the form: confirmed at once when there is a place, waitlisted
    otherwise, and told either way by email. The organiser vouches for the address and for
    the participant's agreement to the current privacy notice.

    Raises ValidationError, saving nothing, when the address has an active registration for
    the event."""
    registration.privacy_consent_at = timezone.now()
    registration.privacy_notice_version = PRIVACY_NOTICE_VERSION
    registration.status = Registration.Status.PENDING
    registration.renew_token()
    with transaction.atomic():
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError:
            # Registered meanwhile (the form checked before): say so, without the database's
            # message, which quotes the address.
            raise ValidationError(_("This address is already registered for this event.")) from None
        return registration_confirm(registration_id=registration.pk)


def registration_sessions_change(
    *, registration: Registration, add_session_ids: Iterable[int], drop_session_ids: Iterable[int]
) -> None:
    """An organiser adds sessions to a participant's agenda and removes others, as the
    participant would (`session_choose`, `session_drop`): seats are checked, a full session
    puts them on its waitlist, a freed seat goes to the next in line.

    Raises ValidationError, changing nothing, for a session of another event or one the
    participant may not choose.
    """
    add_session_ids, drop_session_ids = list(add_session_ids), list(drop_session_ids)
    foreign = Session.objects.filter(pk__in=add_session_ids).exclude(event=registration.event_id)
    if foreign.exists():
        raise ValidationError(
            _("“%(session)s” is not a session of this participant's event.")
            % {"session": foreign.first()}
        )
    with transaction.atomic():
        for session_id in drop_session_ids:
            session_drop(registration=registration, session_id=session_id)
        for session_id in add_session_ids:
            session_choose(registration=registration, session_id=session_id)
