"""Public pages of the programme."""

import hashlib
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.views.decorators.http import condition

from . import ical, selectors
from .models import Session, Theme


def _event(request, slug):
    return selectors.event_get_visible(
        slug=slug, include_unpublished=request.user.is_authenticated and request.user.is_staff
    )


def event_list(request):
    return render(request, "events/event_list.html", {"events": selectors.events_published()})


def event_detail(request, slug):
    event = _event(request, slug)
    context = {"event": event, "themes": selectors.themes_for_event(event=event)}
    return render(request, "events/event_detail.html", context)


def programme(request, slug):
    event = _event(request, slug)
    themes = list(selectors.themes_for_event(event=event))
    rooms = list(selectors.rooms_for_event(event=event))
    formats = Session.Format
    selected_theme = next((t for t in themes if t.slug == request.GET.get("theme")), None)
    selected_room = next((r for r in rooms if str(r.pk) == request.GET.get("room")), None)
    selected_format = request.GET.get("format") if request.GET.get("format") in formats else None
    unknown_filter = (
        ("theme" in request.GET and selected_theme is None)
        or ("room" in request.GET and selected_room is None)
        or ("format" in request.GET and selected_format is None)
    )
    sessions = selectors.sessions_for_programme(
        event=event, theme=selected_theme, format=selected_format, room=selected_room
    )
    if unknown_filter:
        sessions = sessions.none()
    context = {
        "event": event,
        "days": selectors.sessions_by_day(sessions=sessions, event=event),
        "themes": themes,
        "rooms": rooms,
        "formats": formats.choices,
        "selected_theme": selected_theme,
        "selected_room": selected_room,
        "selected_format": selected_format,
        "filtered": bool(selected_theme or selected_room or selected_format or unknown_filter),
    }
    return render(request, "events/programme.html", context)


def session_detail(request, slug, pk):
    event = _event(request, slug)
    session = selectors.session_get(event=event, pk=pk)
    context = {
        "event": event,
        "session": session,
        "livestream": session.livestream(registered=False),
    }
    return render(request, "events/session_detail.html", context)


def speaker_list(request, slug):
    event = _event(request, slug)
    context = {"event": event, "speakers": selectors.speakers_for_event(event=event)}
    return render(request, "events/speaker_list.html", context)


def theme_detail(request, slug, theme_slug):
    event = _event(request, slug)
    theme = get_object_or_404(Theme, slug=theme_slug)
    sessions = selectors.sessions_for_programme(event=event, theme=theme)
    context = {
        "event": event,
        "theme": theme,
        "days": selectors.sessions_by_day(sessions=sessions, event=event),
    }
    return render(request, "events/theme_detail.html", context)


# --- calendars --------------------------------------------------------------------------------


class CalendarFeed:
    """A calendar response built by `events.ical`, cached by content fingerprint and served
    with ETag and Last-Modified through Django's `condition` (so a client that has the current
    copy gets 304). Subclasses say which sessions and what to call the calendar."""

    registered = False
    watch_url = None  # a participant's private page for a session (ical.sessions_feed)
    # Each process remembers a public feed's ETag and Last-Modified for
    # CALENDAR_FINGERPRINT_SECONDS, so a busy feed (and every 304) is answered without the
    # database or Redis; a programme change shows in the feed within that delay. Private feeds
    # are always checked afresh, so a revoked link stops at once.
    private = False

    def __init__(self, request, **kwargs):
        self.request = request
        self.kwargs = kwargs
        remember = settings.CALENDAR_FINGERPRINT_SECONDS > 0 and not self.private
        memo_key = f"{request.path}:{self.language()}" if remember else None
        expires, state = REMEMBERED_STATES.get(memo_key, (0.0, None))
        if state is None or expires <= time.monotonic():
            self.load()
            state = (self.etag, self.last_modified)
            if memo_key:
                expires = time.monotonic() + settings.CALENDAR_FINGERPRINT_SECONDS
                REMEMBERED_STATES[memo_key] = (expires, state)
        self.etag, self.last_modified = state

    def load(self) -> None:
        """Find the sessions and the fingerprint of what the calendar shows of them."""
        self.sessions = self.get_sessions()
        self.now = timezone.now()
        fingerprint, self.last_modified = selectors.sessions_fingerprint(
            sessions=self.sessions,
            at=self.now,
            reveal=timedelta(minutes=self.event.livestream_reveal_minutes),
        )
        extra = self.fingerprint_extra()
        if extra:
            # Hashed: a subclass's extra may hold spaces or colons (timestamps), which an ETag
            # (RFC 9110 etagc) and a portable cache key cannot.
            fingerprint = hashlib.sha256(f"{fingerprint}{extra}".encode()).hexdigest()[:32]
        self.etag = f"{fingerprint}-{self.language()}"

    @classmethod
    def view(cls, request, **kwargs):
        def state(request, **kwargs):
            if not hasattr(request, "_calendar_feed"):
                request._calendar_feed = cls(request, **kwargs)
            return request._calendar_feed

        @condition(
            etag_func=lambda request, **kw: state(request, **kw).etag,
            last_modified_func=lambda request, **kw: state(request, **kw).last_modified,
        )
        def respond(request, **kwargs):
            return state(request, **kwargs).response()

        return respond(request, **kwargs)

    def language(self) -> str:
        return translation.get_language()

    def fingerprint_extra(self) -> str:
        """What else the calendar's content depends on, beyond its sessions."""
        return ""

    def response(self) -> HttpResponse:
        key = f"ical:{type(self).__name__}:{self.etag}"
        # Bytes under a content fingerprint never change: each process keeps the latest few,
        # which spares copying a large feed out of Redis on every request.
        content = LOCAL_FEEDS.get(key) or cache.get(key)
        if content is None:
            if not hasattr(self, "sessions"):  # state remembered, content evicted
                self.load()
            with translation.override(self.language()):
                content = ical.sessions_feed(
                    selectors.sessions_for_calendar(sessions=self.sessions),
                    event=self.event,
                    name=self.name(),
                    site_url=settings.SITE_URL,
                    at=self.now,
                    registered=self.registered,
                    watch_url=self.watch_url,
                )
            cache.set(key, content, timeout=CALENDAR_CACHE_SECONDS)
        with LOCAL_FEEDS_LOCK:  # threaded workers share the dict
            LOCAL_FEEDS[key] = content
            while len(LOCAL_FEEDS) > LOCAL_FEEDS_MAX:
                LOCAL_FEEDS.pop(next(iter(LOCAL_FEEDS)))
        response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{self.filename()}"'
        response["Cache-Control"] = "public, max-age=300" if not self.registered else "private"
        return response

    def filename(self) -> str:
        return f"{self.kwargs['slug']}.ics"


CALENDAR_CACHE_SECONDS = 24 * 3600
LOCAL_FEEDS: dict[str, bytes] = {}  # oldest first
LOCAL_FEEDS_MAX = 32
LOCAL_FEEDS_LOCK = threading.Lock()
# path and language -> (monotonic expiry, (ETag, Last-Modified)), per process: a handful of
# public feeds, so no eviction is needed.
REMEMBERED_STATES: dict[str, tuple[float, tuple]] = {}


class EventCalendar(CalendarFeed):
    def get_sessions(self):
        self.event = _event(self.request, self.kwargs["slug"])
        return self.event.sessions.all()

    def name(self):
        return self.event.name


class ThemeCalendar(CalendarFeed):
    def get_sessions(self):
        self.event = _event(self.request, self.kwargs["slug"])
        self.theme = get_object_or_404(Theme, slug=self.kwargs["theme_slug"])
        return self.event.sessions.filter(theme=self.theme)

    def name(self):
        return f"{self.event.name}: {self.theme.name}"

    def filename(self):
        return f"{self.kwargs['slug']}-{self.kwargs['theme_slug']}.ics"


class SessionCalendar(CalendarFeed):
    def get_sessions(self):
        self.event = _event(self.request, self.kwargs["slug"])
        sessions = self.event.sessions.filter(pk=self.kwargs["pk"])
        self.session = sessions.first()
        if self.session is None:
            raise Http404("No such session")
        return sessions

    def name(self):
        return self.session.title

    def filename(self):
        return f"{self.kwargs['slug']}-session-{self.kwargs['pk']}.ics"
