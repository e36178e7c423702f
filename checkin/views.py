"""The check-in page for staff, and its JSON endpoints: the keys a scanner verifies passes
with, the scan itself, and the search by name or organisation. Only accounts with the
check-in permission get in; every answer is private and never cached."""

import json
import re
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from events.models import Event
from registrations.throttle import rate_exceeded

from . import answers, selectors, services

PRIVATE = "private, no-store"
# A scan's id, made by the scanner: 32 hex digits from check-in.js.
NONCE = re.compile(r"[A-Za-z0-9_-]{8,64}")
PERMISSION = "checkin.check_in"


def check_in_staff(view=None, *, page: bool = False):
    """Only check-in staff (and organisers): others are refused (403); a visitor not logged in
    opening the page (`page=True`) is sent to log in first."""
    if view is None:
        return lambda view: check_in_staff(view, page=page)

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        if not request.user.is_authenticated:
            if not page:
                raise PermissionDenied
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        event = get_object_or_404(Event, slug=slug)
        response = view(request, event, *args, **kwargs)
        response["Cache-Control"] = PRIVATE
        return response

    return wrapper


def _throttled(request) -> JsonResponse | None:
    if rate_exceeded(
        key=f"check_in:user:{request.user.pk}",
        limit=settings.CHECK_IN_RATE_PER_MINUTE,
        window=60,
    ):
        response = JsonResponse({"error": _("Too many requests: wait a minute.")}, status=429)
        response["Retry-After"] = "60"
        return response
    return None


@require_GET
@check_in_staff(page=True)
def check_in(request, event):
    return render(
        request,
        "checkin/check_in.html",
        {
            "event": event,
            "checkpoints": selectors.checkpoints_for_event(event=event),
            "offline_titles": answers.offline_titles(),
        },
    )


@require_GET
@check_in_staff
def worker(request, event):
    """The page's service worker, served from the page's folder so that its scope covers it."""
    return render(request, "checkin/worker.js", content_type="text/javascript")


@require_GET
@check_in_staff
def scanner_keys(request, event):
    return JsonResponse(selectors.scanner_keys(event=event))


def _scan_request(request, event) -> dict:
    """The scan's fields, or ValueError with what is wrong."""
    try:
        data = json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(_("The request is not JSON.")) from error
    if not isinstance(data, dict):
        raise ValueError(_("The request is not a JSON object."))
    code, nonce = data.get("code"), data.get("nonce")
    if not isinstance(code, str) or not code or len(code) > 200:
        raise ValueError(_("No pass code given."))
    if not isinstance(nonce, str) or not NONCE.fullmatch(nonce):
        raise ValueError(_("The scan needs an id of 8 to 64 letters, digits, - or _."))
    checkpoint_id = data.get("checkpoint")
    checkpoint = selectors.checkpoints_for_event(event=event).filter(
        pk=checkpoint_id if type(checkpoint_id) is int else None  # not True, which is 1
    )
    if not checkpoint:
        raise ValueError(_("Choose a checkpoint of this event."))
    return {
        "code": code,
        "nonce": nonce,
        "checkpoint": checkpoint[0],
        "scanned_at": _scanned_at(data.get("scanned_at"), event),
    }


def _scanned_at(value, event):
    """The scanner's time of the scan, or None (recorded at the server's time) when it is not
    an ISO time with its offset that has a day in the event's zone."""
    try:
        scanned_at = parse_datetime(value) if isinstance(value, str) else None
        if scanned_at is None or scanned_at.tzinfo is None:
            return None
        scanned_at.astimezone(event.tz)  # year 1 at UTC+14 has none
    except (ValueError, OverflowError):
        return None
    return scanned_at


@require_POST
@check_in_staff
def scan(request, event):
    throttled = _throttled(request)
    if throttled:
        return throttled
    try:
        fields = _scan_request(request, event)
    except ValueError as error:
        return JsonResponse({"error": str(error)}, status=400)
    try:
        outcome = services.check_in_scan(event=event, staff=request.user, **fields)
    except services.NonceReused:
        return JsonResponse(
            {"error": _("This scan id was already used for another pass.")}, status=400
        )
    return JsonResponse(answers.scan_answer(outcome=outcome, event=event))


@require_GET
@check_in_staff
def search(request, event):
    throttled = _throttled(request)
    if throttled:
        return throttled
    query = request.GET.get("q", "")[:100]
    return JsonResponse({"results": selectors.participants_search(event=event, query=query)})
