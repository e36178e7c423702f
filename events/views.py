"""Public pages of the programme and its calendar feeds.

Pages and public feeds are the same for every visitor in a language, so their bytes are cached
(in the configured cache: Redis in production, memory otherwise) under the version of the
programme they show. Nothing about a request is remembered between requests: each one reads
the event, decides afresh whether it may be shown (published, or an organiser previewing it)
and takes the programme's version from it; a client holding the current copy gets 304.

A response is cached only when the event is published and the request carries nothing of its
own: an organiser's preview and a page with messages waiting are rendered afresh and sent
`Cache-Control: private, no-store`, as is a participant's own calendar.
"""

import bisect
import hashlib
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import condition

from alliance.release import release

from . import ical, selectors
from .languages import foreign_language, site_language
from .models import Session, Theme
from .zones import time_html

# Bytes under a version never change; every programme change leaves the old ones unused.
# The timeout bounds what they hold (about one copy per page, filter and language for each
# change within the hour); a quiet page is rebuilt once an hour.
CACHE_SECONDS = 3600
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def _event(request, slug):
    return selectors.event_get_visible(
        slug=slug, include_unpublished=request.user.is_authenticated and request.user.is_staff
    )


def event_list(request):
    return render(request, "events/event_list.html", {"events": selectors.events_published()})


@condition(etag_func=lambda request: f"{release()}-{selectors.themes_stamp()}")
def theme_stylesheet(request):
    """The themes' colours as classes (`theme-<pk>`): pages carry no inline style, so the
    Content-Security-Policy allows none."""
    css = "".join(
        f".theme-{pk}{{background-color:{colour}}}\n"
        for pk, colour in Theme.objects.order_by("pk").values_list("pk", "colour")
        if COLOUR.fullmatch(colour)  # as the model validates it: nothing else reaches the CSS
    )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, no-cache"
    return response


class CachedResponse:
    """A response built from an event's programme and cached under its version.

    Subclasses find what the request asks for in `find` (setting `self.event`, and raising
    Http404 for what this request may not see); `build` makes the bytes (raising Http404 for
    what does not exist). Called through `view`."""

    content_type = "text/html; charset=utf-8"
    # Pages are revalidated on every use, so a change or an unpublished event shows at once.
    shared_cache_control = "public, no-cache"
    private = False  # a participant's own: never shared, whatever the event
    sends_last_modified = False

    @classmethod
    def view(cls, request, **kwargs):
        # One URL per resource: /sessions/007/ is /sessions/7/, and never a cache entry of its own.
        canonical = reverse(request.resolver_match.view_name, kwargs=kwargs)
        # `reverse` percent-encodes what `request.path` holds decoded: compare like with like.
        if request.path != unquote(canonical):
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{canonical}?{query}" if query else canonical)
        return cls(request, **kwargs).respond()

    def __init__(self, request, **kwargs):
        self.request = request
        self.kwargs = kwargs
        self.now = timezone.now()
        self.find()
        self.cacheable = self.event.published and not self.personal()

    @cached_property
    def _moments_passed(self) -> tuple[int, datetime | None]:
        """How many of the moments the programme changes with time (a livestream link revealed,
        a session started or ended) have passed, and the last of them."""
        moments = selectors.programme_moments(event=self.event)
        passed = bisect.bisect_right(moments, self.now.timestamp())
        return passed, datetime.fromtimestamp(moments[passed - 1], UTC) if passed else None

    @cached_property
    def etag(self) -> str:
        """Changes with the release, the programme's version, the event's own row, the moments
        passed, and what else the response depends on; hashed, as the parts may hold spaces or
        colons (timestamps), which an ETag cannot."""
        event = self.event
        shown = (
            release(),
            type(self).__name__,
            self.scope(),
            event.programme_version,
            event.updated_at,
            self._moments_passed[0],
            self.version_extra(),
        )
        return f"{hashlib.sha256(repr(shown).encode()).hexdigest()[:32]}-{self.language()}"

    @cached_property
    def last_modified(self) -> datetime:
        changes = (self.event.updated_at, self.event.programme_changed_at, self._moments_passed[1])
        return max(moment for moment in changes if moment is not None)

    def find(self):
        raise NotImplementedError

    def build(self) -> bytes:
        raise NotImplementedError

    def version_extra(self) -> str:
        """What else the response depends on, beyond the programme and the language."""
        return ""

    def language(self) -> str:
        return translation.get_language()

    def personal(self) -> bool:
        """Whether the response holds something of this request's own."""
        return False

    def scope(self) -> tuple:
        """What tells this response from others of the same event: its URL's path (canonical,
        see `view`)."""
        return (self.request.path,)

    def storable(self) -> bool:
        return True

    def cache_control(self) -> str:
        if self.cacheable and not self.private:
            return self.shared_cache_control
        return "private, no-store"

    def respond(self) -> HttpResponse:
        if self.cacheable:
            conditional = condition(
                etag_func=lambda request, **kwargs: self.etag,
                last_modified_func=(
                    (lambda request, **kwargs: self.last_modified)
                    if self.sends_last_modified
                    else None
                ),
            )
            response = conditional(lambda request, **kwargs: self.response(self.content()))(
                self.request, **self.kwargs
            )
        else:
            response = self.response(self.build())
        response["Cache-Control"] = self.cache_control()  # on a 304 too (RFC 9110 15.4.5)
        return response

    def content(self) -> bytes:
        key = f"response:{self.etag}"  # the ETag holds the class, scope and language
        content = cache.get(key)
        if content is None:
            content = self.build()
            if self.storable():
                cache.set(key, content, timeout=CACHE_SECONDS)
        return content

    def response(self, content: bytes) -> HttpResponse:
        return HttpResponse(content, content_type=self.content_type)


# --- pages ------------------------------------------------------------------------------------


class Page(CachedResponse):
    """A public page of an event: the same bytes for every visitor in a language."""

    template_name: str

    def find(self):
        self.event = _event(self.request, self.kwargs["slug"])

    def personal(self) -> bool:
        # An organiser may see a draft; messages are one visitor's. Counting the messages
        # waiting does not use them up: the fresh page shows them.
        user = self.request.user
        return user.is_staff or len(messages.get_messages(self.request)) > 0

    def context(self) -> dict:
        return {}

    def build(self) -> bytes:
        context = {"event": self.event, "language_next": self.request.path, **self.context()}
        return render_to_string(self.template_name, context, request=self.request).encode()


class EventPage(Page):
    template_name = "events/event_detail.html"

    def version_extra(self) -> str:
        return f"registration-open={self.event.registration_is_open(self.now)}"

    def context(self) -> dict:
        return {"themes": selectors.themes_for_event(event=self.event)}


# A session in the programme (templates/events/_days.html): one format_html per session, as a
# programme has hundreds and a template with a dozen lookups and tags each took most of the
# page's time. Every value is escaped; the optional parts are built escaped (`_optional`).
SESSION_CARD = (
    '<article class="card session-card mb-2{cancelled}" id="session-{pk}">\n'
    '<div class="card-body d-md-flex gap-3">'
    '<div class="time-col fw-semibold" data-local-time>{times}</div>\n'
    '<div class="flex-grow-1"><h3 class="h6 mb-1">'
    '<a class="session-title" href="{path}"{title_lang}>{title}</a>\n{badge}</h3>\n'
    '<div class="small text-body-secondary">{theme}\n'
    '{format} · <span class="session-languages">{languages}</span>{room}{speakers}'
    "</div></div></div></article>\n"
)


def _optional(template: str, *values) -> str:
    """`template` with `values` escaped in it, or nothing when the first value is empty."""
    return format_html(template, *values) if values[0] else ""


def _programme_days(sessions: list[Session], event) -> dict:
    """What templates/events/_days.html (each session's `card`) and the widget (`local_times`,
    `page_path`, `format_label`) show of sessions, worked out once for all of them: a programme
    has hundreds, and a template filter or URL lookup per session would cost most of the page's
    time. Themes, rooms, formats and languages are shared by many sessions: each is worked out
    once."""
    labels = {value: str(label) for value, label in Session.Format.choices}
    cancelled_label = _("Cancelled")
    cancelled = format_html('<span class="badge text-bg-danger ms-1">{}</span>', cancelled_label)
    streamed = format_html('<span class="badge text-bg-success ms-1">{}</span>', _("Livestream"))
    tz = event.tz
    page = reverse("events:session_detail", kwargs={"slug": event.slug, "pk": 0})
    head, _zero, tail = page.rpartition("/0/")
    # Each theme's and room's name, with its language when not the page's (`lang`), by id.
    themes = {session.theme_id: session.theme for session in sessions}
    rooms = {session.room_id: session.room for session in sessions if session.room_id}
    theme_lang = {pk: foreign_language(theme, "name") for pk, theme in themes.items()}
    room_lang = {pk: foreign_language(room, "name") for pk, room in rooms.items()}
    theme_html = {
        pk: format_html(
            '<span class="badge theme-badge theme-{}"{}>{}</span>',
            pk,
            _optional(' lang="{}"', theme_lang[pk]),
            theme.name,
        )
        for pk, theme in themes.items()
    }
    room_html = {
        pk: format_html(" · <span{}>{}</span>", _optional(' lang="{}"', room_lang[pk]), room.name)
        for pk, room in rooms.items()
    }
    languages, times = {}, {}
    for session in sessions:
        session.format_label = labels[session.format]
        span = (session.starts_at, session.ends_at)  # shared by the sessions in parallel
        if span not in times:
            starts, ends = (moment.astimezone(tz) for moment in span)
            times[span] = format_html("{}–{}", time_html(starts), time_html(ends))
        session.local_times = times[span]
        session.page_path = f"{head}/{session.pk}/{tail}"
        spoken = (session.language, tuple(session.interpretation))
        if spoken not in languages:
            languages[spoken] = session.languages_label
        badge = (
            cancelled
            if session.is_cancelled
            else (streamed if session.has_public_livestream else "")
        )
        session.card = format_html(
            SESSION_CARD,
            cancelled=" cancelled" if session.is_cancelled else "",
            pk=session.pk,
            times=session.local_times,
            path=session.page_path,
            title_lang=_optional(' lang="{}"', foreign_language(session, "title")),
            title=session.title,
            badge=badge,
            theme=theme_html[session.theme_id],
            format=session.format_label,
            languages=languages[spoken],
            room=room_html.get(session.room_id, ""),
            speakers=_optional(" · {}", ", ".join(session.speaker_names)),
        )
    return {
        "days": selectors.sessions_by_day(sessions=sessions, event=event),
        "cancelled_label": cancelled_label,  # the widget's
    }


class ProgrammePage(Page):
    template_name = "events/programme.html"
    # `language`: the sessions spoken in it or interpreted into it.
    FILTERS = ("day", "theme", "format", "room", "language")

    def scope(self) -> tuple:
        # The page shows the filters it understood, whatever else the query string holds.
        return (self.request.path, *(self.request.GET.get(name) for name in self.FILTERS))

    def storable(self) -> bool:
        return not self.unknown_filter  # no entry for every misspelt filter

    def context(self) -> dict:
        wanted = {name: self.request.GET.get(name) for name in self.FILTERS}
        days = [
            self.event.start_date + timedelta(days=n)
            for n in range((self.event.end_date - self.event.start_date).days + 1)
        ]
        themes = list(selectors.themes_for_event(event=self.event))
        rooms = list(selectors.rooms_for_event(event=self.event))
        formats = Session.Format
        selected_day = next((d for d in days if d.isoformat() == wanted["day"]), None)
        selected_theme = next((t for t in themes if t.slug == wanted["theme"]), None)
        selected_room = next((r for r in rooms if str(r.pk) == wanted["room"]), None)
        selected_format = wanted["format"] if wanted["format"] in formats else None
        languages = Session.Language
        selected_language = wanted["language"] if wanted["language"] in languages else None
        selected = {
            "day": selected_day and selected_day.isoformat(),
            "theme": selected_theme and selected_theme.slug,
            "format": selected_format,
            "room": selected_room and str(selected_room.pk),
            "language": selected_language,
        }
        self.unknown_filter = any(
            wanted[name] is not None and selected[name] is None for name in self.FILTERS
        )
        # The filter links start from what was understood, not from the raw query string.
        filters = QueryDict(mutable=True)
        for name, value in selected.items():
            if value:
                filters[name] = value
        sessions = (
            []
            if self.unknown_filter
            else selectors.sessions_for_programme(
                event=self.event,
                day=selected_day,
                theme=selected_theme,
                format=selected_format,
                room=selected_room,
                language=selected_language,
            )
        )
        query = filters.urlencode()
        return {
            **_programme_days(sessions, self.event),
            "event_days": [(day.isoformat(), day) for day in days],
            "themes": themes,
            "rooms": rooms,
            "formats": formats.choices,
            "filters": filters,
            "selected_day": selected_day,
            "selected_theme": selected_theme,
            "selected_room": selected_room,
            "selected_format": selected_format,
            "languages": languages.choices,
            "selected_language": selected_language,
            "filtered": bool(filters) or self.unknown_filter,
            "language_next": f"{self.request.path}?{query}" if query else self.request.path,
        }


class SessionPage(Page):
    template_name = "events/session_detail.html"

    def context(self) -> dict:
        session = selectors.session_get(event=self.event, pk=self.kwargs["pk"])
        return {"session": session, "livestream": session.livestream(registered=False)}


class SpeakersPage(Page):
    template_name = "events/speaker_list.html"

    def context(self) -> dict:
        return {"speakers": selectors.speakers_for_event(event=self.event)}


class ThemePage(Page):
    template_name = "events/theme_detail.html"

    def find(self):
        self.event = _event(self.request, self.kwargs["slug"])
        self.theme = get_object_or_404(Theme, slug=self.kwargs["theme_slug"])

    def context(self) -> dict:
        sessions = selectors.sessions_for_programme(event=self.event, theme=self.theme)
        return {"theme": self.theme, **_programme_days(sessions, self.event)}


# --- calendars --------------------------------------------------------------------------------


class CalendarFeed(CachedResponse):
    """A calendar built by `events.ical`, with ETag and Last-Modified. Subclasses say which
    sessions and what to call the calendar."""

    content_type = "text/calendar; charset=utf-8"
    # Calendar apps poll: a public feed may be reused for a while without asking.
    shared_cache_control = "public, max-age=300"
    sends_last_modified = True
    registered = False  # livestream links reserved to confirmed participants
    needs_sessions = False  # 404 when it has none (a session's feed)
    watch_url = None  # a participant's private page for a session (ical.sessions_feed)
    # A subscribed calendar sends no cookie: public feeds take the language as `?lang=es`.
    takes_language = True

    @classmethod
    def view(cls, request, **kwargs):
        wanted = request.GET.get("lang")
        if cls.takes_language and wanted is not None:
            try:
                language = site_language(wanted)
            except LookupError:
                raise Http404("No such language") from None
            if language != wanted:  # "pt" (before Brazilian Portuguese), "ES": one URL each
                query = request.GET.copy()
                query["lang"] = language
                return HttpResponsePermanentRedirect(f"{request.path}?{query.urlencode()}")
        return super().view(request, **kwargs)

    def language(self) -> str:
        # Checked by `view`; the language's own is in the ETag, and so in the cache key.
        return (self.takes_language and self.request.GET.get("lang")) or super().language()

    def find(self):
        self.event = _event(self.request, self.kwargs["slug"])

    def sessions(self) -> QuerySet[Session]:
        return self.event.sessions.all()

    def build(self) -> bytes:
        sessions = selectors.sessions_for_calendar(sessions=self.sessions())
        if self.needs_sessions and not sessions:
            raise Http404("No such session")
        with translation.override(self.language()):
            return ical.sessions_feed(
                sessions,
                event=self.event,
                name=self.name(sessions),
                site_url=settings.SITE_URL,
                at=self.now,
                registered=self.registered,
                watch_url=self.watch_url,
            )

    def name(self, sessions: list[Session]) -> str:
        return self.event.name

    def filename(self) -> str:
        return f"{self.kwargs['slug']}.ics"

    def response(self, content: bytes) -> HttpResponse:
        response = super().response(content)
        response["Content-Disposition"] = f'inline; filename="{self.filename()}"'
        return response


class ThemeCalendar(CalendarFeed):
    def find(self):
        super().find()
        self.theme = get_object_or_404(Theme, slug=self.kwargs["theme_slug"])

    def sessions(self) -> QuerySet[Session]:
        return self.event.sessions.filter(theme=self.theme)

    def name(self, sessions: list[Session]) -> str:
        return f"{self.event.name}: {self.theme.name}"

    def filename(self) -> str:
        return f"{self.kwargs['slug']}-{self.kwargs['theme_slug']}.ics"


class SessionCalendar(CalendarFeed):
    needs_sessions = True

    def sessions(self) -> QuerySet[Session]:
        return self.event.sessions.filter(pk=self.kwargs["pk"])

    def name(self, sessions: list[Session]) -> str:
        return sessions[0].title

    def filename(self) -> str:
        return f"{self.kwargs['slug']}-session-{self.kwargs['pk']}.ics"
