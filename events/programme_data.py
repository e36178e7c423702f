"""Reads for the open programme data: the frab schedule export, the API and the widget.

Each returns a fixed number of queries whatever the size of the programme."""

from .models import Event, Session


def sessions_for_schedule(*, event: Event) -> list[Session]:
    """The event's sessions that take place (cancelled ones left out) in programme order, with
    theme, room and speakers: four queries."""
    return list(
        event.sessions.filter(status=Session.Status.SCHEDULED)
        .order_by("starts_at", "room__name", "pk")
        .prefetch_related("theme", "room", "speakers")
    )
