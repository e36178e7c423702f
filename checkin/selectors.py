"""Reads for the check-in page: its checkpoints, what a scanner needs offline, and the search
by name or organisation."""

from django.db.models import Q, QuerySet

from events.models import Event
from registrations.models import Registration
from registrations.pass_lifecycle import registration_pass_code, revoked_pass_ids
from registrations.passes import published_keys

from .models import Checkpoint

SEARCH_LIMIT = 20


def checkpoints_for_event(*, event: Event) -> QuerySet[Checkpoint]:
    return Checkpoint.objects.filter(event=event).select_related("session")


def scanner_keys(*, event: Event) -> dict:
    """All a scanner needs to verify passes offline: the public keys and the revoked pass ids.
    No name, no address, nothing personal."""
    return {
        "event": event.pk,
        "keys": published_keys(),
        "revoked": revoked_pass_ids(event_id=event.pk),
    }


def participants_search(*, event: Event, query: str) -> list[dict]:
    """Active registrations whose name or organisation contains every word of the query, with
    the pass code of the confirmed ones (staff check them in with it as with a scan)."""
    # A NUL (which PostgreSQL refuses in text, and no name holds) parts words like a space.
    words = query.replace("\x00", " ").split()[:5]
    if not words or sum(len(word) for word in words) < 2:
        return []
    registrations = Registration.objects.filter(event=event, anonymised_at__isnull=True).exclude(
        status=Registration.Status.CANCELLED
    )
    for word in words:
        registrations = registrations.filter(
            Q(full_name__icontains=word) | Q(organisation__icontains=word)
        )
    return [
        {
            "name": registration.full_name,
            "organisation": registration.organisation,
            "category": str(registration.category),
            "mode": registration.get_mode_display(),
            "status": registration.get_status_display(),
            "code": registration_pass_code(registration=registration),
        }
        for registration in registrations.select_related("category").order_by("full_name")[
            :SEARCH_LIMIT
        ]
    ]
