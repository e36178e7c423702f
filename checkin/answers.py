"""What the check-in page shows for a scan: a level (the colour), a title and a sentence in
words (for staff who cannot tell the colours apart), and the participant it names."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from events.models import Event
from registrations.models import Registration

from .models import CheckIn
from .services import Result, ScanOutcome

LEVELS = {Result.CHECKED_IN: "ok", Result.ALREADY: "warn"}


def _titles() -> dict[str, str]:
    return {
        Result.CHECKED_IN: _("Checked in"),
        Result.ALREADY: _("Already checked in"),
        Result.INVALID: _("Not a valid pass"),
        Result.WRONG_EVENT: _("Pass for another event"),
        Result.REVOKED: _("Revoked pass: a newer pass replaced it"),
        Result.CANCELLED: _("Cancelled registration"),
        Result.NOT_CONFIRMED: _("Registration not confirmed"),
        Result.ONLINE: _("Online participant: no place in the room"),
        Result.NOT_FOR_SESSION: _("Not registered for this session"),
        Result.SESSION_FULL: _("Session full: no seat left"),
        Result.NOT_EVENT_DAY: _("The event does not take place on this day"),
    }


def staff_name(user) -> str:
    if user is None:
        return _("a former staff member")
    return user.get_full_name() or user.get_username()


def check_in_sentence(*, check_in: CheckIn, event: Event) -> str:
    moment = timezone.localtime(check_in.scanned_at, event.tz)
    return _("Checked in at %(time)s at “%(checkpoint)s” by %(staff)s.") % {
        "time": formats.time_format(moment, "H:i"),
        "checkpoint": check_in.checkpoint,
        "staff": staff_name(check_in.staff),
    }


def participant(registration: Registration) -> dict:
    return {
        "name": registration.full_name,
        "organisation": registration.organisation,
        "category": str(registration.category),
        "mode": registration.get_mode_display(),
        "needs": registration.needs,
    }


def scan_answer(*, outcome: ScanOutcome, event: Event) -> dict:
    """The JSON answer to a scan."""
    registration = outcome.registration
    shown = registration is not None and registration.anonymised_at is None
    return {
        "result": outcome.result,
        "level": LEVELS.get(outcome.result, "stop"),
        "title": _titles()[outcome.result],
        "detail": check_in_sentence(check_in=outcome.check_in, event=event)
        if outcome.check_in
        else "",
        "participant": participant(registration) if shown else None,
    }


def offline_titles() -> dict[str, str]:
    """The words the page shows for what it decides alone, offline."""
    titles = _titles()
    return {
        "queued": _("Valid pass: recorded on this device, sent when back online"),
        "invalid": titles[Result.INVALID],
        "wrong_event": titles[Result.WRONG_EVENT],
        "revoked": _("Revoked pass"),
        "unverified": _("Cannot verify passes offline in this browser: recorded, checked later"),
    }
