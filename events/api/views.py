"""The read-only programme API under /api/v1/.

Every endpoint of an event answers as the public pages do (events/views.py, CachedResponse):
the event must be published (organisers signed in may preview a draft, never cached), the
programme's version, read with the event, gives the ETag and the key of the cached bytes, and a
client holding the current copy gets 304. Content is in the requested language (`?lang=`, or
Accept-Language), times in the event's zone.
"""

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import condition
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer

from alliance.release import release

from .. import selectors
from ..models import Event, Session
from ..views import CachedResponse
from . import serializers
from .filters import SessionFilter

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class ApiView(generics.GenericAPIView):
    """In the language asked for; a `lang` outside the site's languages is a 400."""

    def dispatch(self, request, *args, **kwargs):
        language = request.GET.get("lang")
        if language not in LANGUAGE_CODES:
            language = translation.get_language()
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()  # now, in this language (DRF renders lazily)
        response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        return response

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.GET.get("lang", LANGUAGE_CODES[0]) not in LANGUAGE_CODES:
            raise ValidationError({"lang": [_("Choose one of: %s.") % ", ".join(LANGUAGE_CODES)]})


class _Cached(CachedResponse):
    """An API response of one event, cached under the programme's version like the pages."""

    content_type = "application/json"

    def __init__(self, request, *, api_view):
        self.api_view = api_view
        super().__init__(request, **api_view.kwargs)

    def find(self):
        self.event = self.api_view.event

    def scope(self) -> tuple:
        return (self.request.path, *sorted(self.request.GET.lists()))

    def storable(self) -> bool:
        # No entry for every misspelt parameter (they change nothing of the response).
        return set(self.request.GET) <= self.api_view.known_parameters()

    def build(self) -> bytes:
        return JSONRenderer().render(self.api_view.payload())


class EventScoped(ApiView):
    def get(self, request, *args, **kwargs):
        self.event = selectors.event_get_visible(
            slug=kwargs["slug"], include_unpublished=request.user.is_staff
        )
        self.now = timezone.now()
        with timezone.override(self.event.tz):
            self.prepare()
            return _Cached(request._request, api_view=self).respond()

    def prepare(self) -> None:
        """Validate the request before any cache is consulted."""

    def known_parameters(self) -> set[str]:
        return {"lang", "page", "page_size"}

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": self.now, "event": self.event}


class EventScopedList(EventScoped, generics.ListAPIView):
    def prepare(self) -> None:
        self.filtered = self.filter_queryset(self.get_queryset())  # a bad filter is a 400

    def known_parameters(self) -> set[str]:
        fields = getattr(self, "filterset_class", None)
        return super().known_parameters() | set(fields.base_filters if fields else ())

    def payload(self):
        page = self.paginate_queryset(self.filtered)
        return self.get_paginated_response(self.get_serializer(page, many=True).data).data


class EventList(ApiView, generics.ListAPIView):
    """Published events, the latest first."""

    serializer_class = serializers.EventSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.events_published().order_by("-start_date", "pk")

    def list(self, request, *args, **kwargs):
        stamp = Event.objects.filter(published=True).aggregate(
            count=Count("pk"), changed=Max("updated_at")
        )
        changed = stamp["changed"].timestamp() if stamp["changed"] else 0
        etag = f"{release()}-{stamp['count']}-{changed}-{translation.get_language()}"
        respond = condition(etag_func=lambda request: etag)(
            lambda request: super(EventList, self).list(request, *args, **kwargs)
        )
        response = respond(request._request)
        response["Cache-Control"] = "public, no-cache"
        return response


class EventDetail(EventScoped, generics.RetrieveAPIView):
    """One published event."""

    serializer_class = serializers.EventSerializer
    filter_backends = []

    def payload(self):
        return self.get_serializer(self.event).data


class SessionList(EventScopedList):
    """The event's sessions in programme order, cancelled ones marked `status: cancelled`."""

    serializer_class = serializers.SessionSerializer
    filterset_class = SessionFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the filters
            return Session.objects.none()
        return self.event.sessions.order_by("starts_at", "room__name", "pk").prefetch_related(
            "theme", "speakers"
        )


class SessionDetail(EventScoped, generics.RetrieveAPIView):
    """One session of the event."""

    serializer_class = serializers.SessionSerializer
    filter_backends = []

    def payload(self):
        session = selectors.session_get(event=self.event, pk=self.kwargs["pk"])
        return self.get_serializer(session).data


class ThemeList(EventScopedList):
    """Themes with at least one session in the event."""

    serializer_class = serializers.ThemeSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.themes_for_event(event=self.event)


class RoomList(EventScopedList):
    """Rooms with at least one session in the event."""

    serializer_class = serializers.RoomSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.rooms_for_event(event=self.event)


class SpeakerList(EventScopedList):
    """Speakers of the event, each with the ids of their sessions in it."""

    serializer_class = serializers.SpeakerSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.speakers_for_event(event=self.event)
