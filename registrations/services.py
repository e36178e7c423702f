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
from .models import Message, Registration, SessionChoice, StakeholderCategory
from .outbox import message_queue, task_enqueue

PRIVACY_NOTICE_VERSION = "2023-11"


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


def _has_place(*, event: Event, registration: Registration, taken: dict) -> bool:
    if registration.mode == Registration.Mode.ONLINE:
        limit = event.online_capacity
        return limit is None or taken["modes"].get(registration.mode, 0) < limit
    if event.in_person_capacity is not None and (
        taken["modes"].get(registration.mode, 0) >= event.in_person_capacity
    ):
        return False
    quota = registration.category.in_person_quota
    return quota is None or taken["categories"].get(registration.category_id, 0) < quota


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
    """Register a participant (pending until they confirm their email).

    Returns (registration, created). An address already registered for the event gets its
    private link again instead, so the response never reveals who is registered.
    """
    email = data["email"]
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
        existing = Registration.objects.filter(event=event, email=email).exclude(
            status=Registration.Status.CANCELLED
        )
        registration = existing.get()
        with transaction.atomic():
            message_queue(
                registration=registration,
                kind=Message.Kind.MANAGE_LINK,
                key=secrets.token_hex(8),
            )
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
        registration.choices.all().delete()
        invites_reconcile(registration_id=registration.pk)
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
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
    """Save a participant's edits. Switching to in person needs a free place (checked under
    the event lock); switching to online frees one for the waitlist."""
    with transaction.atomic():
        event = event_lock(event_id=registration.event_id)
        current = Registration.objects.select_related("category").get(pk=registration.pk)
        moves = data.get("mode", current.mode) != current.mode or (
            data.get("category", current.category) != current.category
        )
        changes_place = moves and current.status == Registration.Status.CONFIRMED
        for name, value in data.items():
            setattr(registration, name, value)
        if changes_place:
            taken = _places_taken(event=event)
            _release_place(registration=current, taken=taken)
            if not _has_place(event=event, registration=registration, taken=taken):
                raise ValidationError(
                    {"mode": _("There are no in-person places left. You can attend online.")}
                )
        registration.save()
        if moves:
            # A freed place, or a waitlisted participant now asking for a mode with room.
            waitlist_promote(event_id=event.pk)
    return registration


def _release_place(*, registration: Registration, taken: dict) -> None:
    taken["modes"][registration.mode] -= 1
    if registration.mode == Registration.Mode.IN_PERSON:
        taken["categories"][registration.category_id] -= 1


def registration_link_renew(*, email: str) -> int:
    """Give every active registration of this address a new private link (the old one stops
    working) and email it. Returns how many registrations got one; the caller must not reveal
    it."""
    with transaction.atomic():
        registrations = list(
            Registration.objects.select_for_update()
            .filter(email=email)
            .exclude(status=Registration.Status.CANCELLED)
        )
        for registration in registrations:
            registration.renew_token()
            registration.save(update_fields=["token", "token_prefix"])
            message_queue(
                registration=registration,
                kind=Message.Kind.MANAGE_LINK,
                key=registration.token_prefix,
            )
    return len(registrations)


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


def _seats_taken(*, session: Session) -> int:
    return session.choices.filter(status=SessionChoice.Status.CHOSEN).count()


def session_choose(*, registration: Registration, session_id: int) -> SessionChoice:
    """Put a session on the participant's agenda, or on its waitlist when its seats are taken."""
    if registration.status != Registration.Status.CONFIRMED:
        raise ValidationError(_("Only confirmed participants can choose sessions."))
    with transaction.atomic():
        session = session_lock(session_id=session_id, event_id=registration.event_id)
        if session.is_cancelled:
            raise ValidationError(_("This session has been cancelled."))
        existing = SessionChoice.objects.filter(registration=registration, session=session)
        if existing:
            return existing[0]
        seated = _seats_taken(session=session)
        full = session.capacity is not None and seated >= session.capacity
        choice = SessionChoice.objects.create(
            registration=registration,
            session=session,
            status=SessionChoice.Status.WAITLISTED if full else SessionChoice.Status.CHOSEN,
        )
        invites_reconcile(registration_id=registration.pk, session_id=session.pk)
    return choice


def session_drop(*, registration: Registration, session_id: int) -> None:
    """Take a session off the agenda (or its waitlist); a freed seat goes to the waitlist."""
    with transaction.atomic():
        session_lock(session_id=session_id)
        deleted, _ = SessionChoice.objects.filter(
            registration=registration, session_id=session_id
        ).delete()
        if deleted:
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
