"""Check-in: a scanned pass verified and admitted at a checkpoint, exactly once.

The decision is taken under a row lock on the registration (and on the session, for a session
door with seats), inside one transaction; the unique constraints of CheckIn back the lock up.
A scan is identified by its client nonce: uploading it again (after a lost answer, or from the
offline queue) gives the same answer and writes nothing.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from events.models import Event, Session
from registrations.models import PassRevocation, Registration, SessionChoice
from registrations.passes import InvalidPass, pass_verify

from .models import CheckIn, Checkpoint

# A scanner's clock may run ahead a little; a scan claimed further in the future is recorded
# at the server's time.
CLOCK_SKEW = timedelta(minutes=5)


class Result:
    CHECKED_IN = "checked_in"
    ALREADY = "already"
    INVALID = "invalid"
    WRONG_EVENT = "wrong_event"
    REVOKED = "revoked"
    CANCELLED = "cancelled"
    NOT_CONFIRMED = "not_confirmed"
    ONLINE = "online"
    NOT_FOR_SESSION = "not_for_session"
    SESSION_FULL = "session_full"
    NOT_EVENT_DAY = "not_event_day"


@dataclass(frozen=True)
class ScanOutcome:
    """What a scan decided; `registration` is None when the pass names nobody we know, and
    `check_in` is the admission made, or the earlier one that makes this scan a repeat."""

    result: str
    registration: Registration | None = None
    check_in: CheckIn | None = None


def _scan_time(scanned_at: datetime | None) -> datetime:
    now = timezone.now()
    if scanned_at is None or scanned_at > now + CLOCK_SKEW:
        return now
    return scanned_at


def _registration_for(*, event: Event, code: str) -> ScanOutcome:
    """The registration a code names, or the refusal: forged, another event's, revoked."""
    try:
        claim = pass_verify(code)
    except InvalidPass:
        return ScanOutcome(Result.INVALID)
    if claim.event_id != event.pk:
        return ScanOutcome(Result.WRONG_EVENT)
    registration = (
        Registration.objects.select_related("category").filter(pass_id=claim.pass_id).first()
    )
    if registration is None:
        revocation = (
            PassRevocation.objects.select_related("registration__category")
            .filter(pass_id=claim.pass_id)
            .first()
        )
        if revocation is None:
            return ScanOutcome(Result.INVALID)
        registration = revocation.registration
        if revocation.reason == PassRevocation.Reason.RENEWED and registration.is_active:
            return ScanOutcome(Result.REVOKED, registration)
    return ScanOutcome(Result.CHECKED_IN, registration)


def _refusal(*, registration: Registration, checkpoint: Checkpoint) -> str | None:
    if registration.status == Registration.Status.CANCELLED:
        return Result.CANCELLED
    if registration.status != Registration.Status.CONFIRMED:
        return Result.NOT_CONFIRMED
    if registration.mode == Registration.Mode.ONLINE:
        return Result.ONLINE
    session = checkpoint.session
    if session is not None and (
        session.is_cancelled
        or (
            session.capacity is not None
            and not SessionChoice.objects.filter(
                registration=registration, session=session, status=SessionChoice.Status.CHOSEN
            ).exists()
        )
    ):
        return Result.NOT_FOR_SESSION
    return None


def registration_lock(*, registration_id: int) -> None:
    """Serialise the check-ins of one participant (two doors scanning one pass at once)."""
    Registration.objects.select_for_update().filter(pk=registration_id).values_list("pk").get()


def session_lock(*, session_id: int) -> Session:
    """Serialise a session door's admissions, so its seats are counted right."""
    return Session.objects.select_for_update().get(pk=session_id)


def _earlier(*, registration: Registration, checkpoint: Checkpoint, day) -> CheckIn | None:
    earlier = CheckIn.objects.select_related("checkpoint", "staff").filter(
        registration=registration
    )
    if checkpoint.session_id:
        return earlier.filter(session_id=checkpoint.session_id).first()
    return earlier.filter(session__isnull=True, day=day).first()


class NonceReused(ValueError):
    """A scan id already used for another pass: a scanner's bug, or a forged upload."""


def _repeat(*, nonce: str, registration: Registration | None) -> ScanOutcome | None:
    """The answer already given to this scan (its nonce), if it admitted someone."""
    done = (
        CheckIn.objects.select_related("registration__category", "checkpoint", "staff")
        .filter(nonce=nonce)
        .first()
    )
    if done is None:
        return None
    if registration is None or done.registration_id != registration.pk:
        raise NonceReused(nonce)
    return ScanOutcome(Result.CHECKED_IN, done.registration, done)


def _seats_taken(*, session_id: int) -> int:
    return CheckIn.objects.filter(session_id=session_id).count()


def check_in_scan(
    *,
    event: Event,
    code: str,
    checkpoint: Checkpoint,
    nonce: str,
    scanned_at: datetime | None,
    staff,
) -> ScanOutcome:
    """Admit the pass's holder at the checkpoint, or say why not. The same nonce again gives
    the admission it made; a second admission of the same day (entrance) or session (door)
    answers ALREADY with the first one."""
    found = _registration_for(event=event, code=code)
    repeat = _repeat(nonce=nonce, registration=found.registration)
    if repeat is not None:
        return repeat
    if found.result != Result.CHECKED_IN:
        return found
    registration = found.registration
    refusal = _refusal(registration=registration, checkpoint=checkpoint)
    if refusal:
        return ScanOutcome(refusal, registration)
    scanned_at = _scan_time(scanned_at)
    day = timezone.localtime(scanned_at, event.tz).date()
    if not event.start_date <= day <= event.end_date:
        return ScanOutcome(Result.NOT_EVENT_DAY, registration)
    try:
        with transaction.atomic():
            registration_lock(registration_id=registration.pk)
            session = checkpoint.session
            if session is not None and session.capacity is not None:
                session = session_lock(session_id=session.pk)
            earlier = _earlier(registration=registration, checkpoint=checkpoint, day=day)
            if earlier is not None:
                # This very scan, uploaded twice at once, found its own admission.
                same = earlier.nonce == nonce
                return ScanOutcome(
                    Result.CHECKED_IN if same else Result.ALREADY, registration, earlier
                )
            seated = session is not None and session.capacity is not None
            if seated and _seats_taken(session_id=session.pk) >= session.capacity:
                return ScanOutcome(Result.SESSION_FULL, registration)
            check_in = CheckIn.objects.create(
                registration=registration,
                checkpoint=checkpoint,
                session=checkpoint.session,
                day=day,
                staff=staff,
                scanned_at=scanned_at,
                nonce=nonce,
            )
    except IntegrityError:
        # Only without the lock (a database that ignores FOR UPDATE): the constraint kept the
        # first admission; answer with it.
        repeat = _repeat(nonce=nonce, registration=registration)
        if repeat is not None:
            return repeat
        earlier = _earlier(registration=registration, checkpoint=checkpoint, day=day)
        return ScanOutcome(Result.ALREADY, registration, earlier)
    return ScanOutcome(Result.CHECKED_IN, registration, check_in)
