"""The offline programme: its service worker (static/js/sw.js), served from the site's root so
that its scope is the whole site (a worker under /static/js/ could only control that folder),
revalidated on every visit so a new version takes over at once; and the agenda page it keeps
for a participant."""

import hashlib
import re
from functools import cache

from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.views.decorators.http import condition, require_GET

from . import selectors
from .views import Page, _event, _programme_days


@cache
def _script() -> bytes:
    with open(finders.find("js/sw.js"), "rb") as source:
        return source.read()


@require_GET
@condition(etag_func=lambda request: hashlib.sha256(_script()).hexdigest()[:32])
def service_worker(request):
    response = HttpResponse(_script(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


class AgendaPage(Page):
    """A list of chosen sessions, `?sessions=3,17,42`: what a participant's private page hands
    the offline programme as their agenda. It holds no token and nothing of the participant
    but the choice of sessions, which anyone could make: a public page the service worker may
    keep. Not stored in the server's cache (every list of ids would be an entry of its own)."""

    template_name = "events/agenda.html"
    MOST = 200

    def find(self):
        self.event = _event(self.request, self.kwargs["slug"])
        ids = self.request.GET.get("sessions", "").split(",")
        if not 0 < len(ids) <= self.MOST or not all(
            re.fullmatch(r"[1-9][0-9]{0,17}", i) for i in ids
        ):
            raise Http404("Not a list of sessions")
        self.ids = sorted({int(i) for i in ids})

    def scope(self) -> tuple:
        return (self.request.path, *self.ids)

    def storable(self) -> bool:
        return False

    def context(self) -> dict:
        sessions = selectors.sessions_loaded(
            sessions=self.event.sessions.filter(pk__in=self.ids).order_by(
                "starts_at", "room__name", "pk"
            )
        )
        return _programme_days(sessions, self.event)
