"""Reads of the programme. Each returns a fixed number of queries whatever the data size."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from itertools import groupby

from django.core.cache import cache
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from modeltranslation.utils import get_translation_fields

from .models import Event, Room, Session, Speaker, Theme

# What a list of sessions does not show (the programme, a theme's page, the widget): a third of
# the columns, and the longest; a third less to fetch and convert for hundreds of sessions.
NOT_LISTED = (
    "abstract",
    *get_translation_fields("abstract"),
    "capacity",
    "recording_url",
    "sequence",
    "created_at",
    "updated_at",
)
MOMENTS_SECONDS = 3600  # a new version is read afresh; this bounds what the old ones hold


def event_get_visible(*, slug: str, include_unpublished: bool = False) -> Event:
    """The event with this slug; unpublished events only for organisers previewing them."""
    events = Event.objects.all() if include_unpublished else Event.objects.filter(published=True)
    try:
        return events.get(slug=slug)
    except Event.DoesNotExist:
        raise Http404("No such event") from None


def events_published() -> QuerySet[Event]:
    return Event.objects.filter(published=True).order_by("start_date")


def sessions_for_programme(
    *,
    event: Event,
    day: date | None = None,
    theme: Theme | None = None,
    format: str | None = None,
    room: Room | None = None,
    language: str | None = None,
) -> list[Session]:
    """Sessions of an event in programme order, loaded as `sessions_loaded` loads them but
    without the columns a list does not show (NOT_LISTED);
    with `language`, those spoken in it or interpreted into it; `day` is a day in the event's
    zone."""
    sessions = event.sessions.defer(*NOT_LISTED).order_by("starts_at", "room__name", "pk")
    if language:
        sessions = sessions.filter(Q(language=language) | Q(interpretation__contains=language))
    if day is not None:
        midnight = datetime.combine(day, time.min, tzinfo=event.tz)
        sessions = sessions.filter(
            starts_at__gte=midnight, starts_at__lt=midnight + timedelta(days=1)
        )
    if theme is not None:
        sessions = sessions.filter(theme=theme)
    if format:
        sessions = sessions.filter(format=format)
    if room is not None:
        sessions = sessions.filter(room=room)
    return sessions_loaded(sessions=sessions)


def sessions_by_day(*, sessions: Iterable[Session], event: Event) -> list[tuple[date, list]]:
    """Group sessions (already in time order) by their day in the event's time zone."""
    tz = event.tz
    return [
        (day, list(group))
        for day, group in groupby(
            sessions, key=lambda s: timezone.localtime(s.starts_at, tz).date()
        )
    ]


def themes_for_event(*, event: Event) -> QuerySet[Theme]:
    """Themes that have at least one session in the event."""
    return Theme.objects.filter(sessions__event=event).distinct().order_by("position", "name")


def themes_stamp() -> str:
    """What changes whenever a theme is added, removed or changed: the theme stylesheet's ETag."""
    stamps = Theme.objects.aggregate(count=Count("pk"), changed=Max("updated_at"))
    changed = stamps["changed"].timestamp() if stamps["changed"] else 0
    return f"{stamps['count']}-{changed}"


def rooms_for_event(*, event: Event) -> QuerySet[Room]:
    return Room.objects.filter(sessions__event=event).distinct().order_by("name")


def speakers_for_event(*, event: Event) -> QuerySet[Speaker]:
    """Speakers of the event, each with their sessions in it (time order)."""
    return (
        Speaker.objects.filter(sessions__event=event)
        .distinct()
        .order_by("name")
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=event.sessions.select_related("theme").order_by("starts_at"),
                to_attr="event_sessions",
            )
        )
    )


def session_first(*, event: Event) -> Session | None:
    """The event's first scheduled session: when the event really starts."""
    return (
        event.sessions.filter(status=Session.Status.SCHEDULED).order_by("starts_at", "pk").first()
    )


def session_get(*, event: Event, pk: int) -> Session:
    try:
        return (
            event.sessions.select_related("theme", "room", "event")
            .prefetch_related("speakers")
            .get(pk=pk)
        )
    except Session.DoesNotExist:
        raise Http404("No such session") from None


def programme_moments(*, event: Event) -> list[float]:
    """The moments, in order (POSIX seconds), at which the event's pages and feeds change with
    no row changing: a livestream link revealed, a session started or ended. Read once per
    programme version (and reveal delay) and kept in the configured cache."""
    key = f"moments:{event.pk}:{event.programme_version}:{event.livestream_reveal_minutes}"
    moments = cache.get(key)
    if moments is None:
        reveal = timedelta(minutes=event.livestream_reveal_minutes)
        moments = sorted(
            moment.timestamp()
            for starts_at, ends_at in event.sessions.values_list("starts_at", "ends_at")
            for moment in (starts_at - reveal, starts_at, ends_at)
        )
        cache.set(key, moments, timeout=MOMENTS_SECONDS)
    return moments


def sessions_loaded(*, sessions: QuerySet[Session]) -> list[Session]:
    """The sessions with everything a programme or a calendar shows of them: event, theme and
    room, and `speaker_names` in alphabetical order. At most five queries, most of them tiny:
    one instance per event, theme or room shared by its sessions, and the speakers' names
    without Speaker instances, take a fraction of the time of joining them into every row."""
    loaded = list(sessions.prefetch_related("event", "theme", "room"))
    names = defaultdict(list)
    speakers = Session.speakers.through.objects.filter(session__in=loaded)
    for session_id, name in speakers.order_by("speaker__name").values_list(
        "session_id", "speaker__name"
    ):
        names[session_id].append(name)
    for session in loaded:
        session.speaker_names = names[session.pk]
    return loaded


def sessions_for_calendar(*, sessions: QuerySet[Session]) -> list[Session]:
    """The sessions in start order, loaded by `sessions_loaded`."""
    return sessions_loaded(sessions=sessions.order_by("starts_at", "pk"))
