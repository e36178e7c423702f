"""The frab / c3voc schedule export (events/schedule.py) as cached responses: the same rules
as the calendar feeds (published events only, organisers may preview a draft; ETag,
Last-Modified and 304; the bytes cached under the programme's version)."""

import json

from django.conf import settings
from django.utils import translation

from . import programme_data, schedule
from .views import CachedResponse, _event


class ScheduleJSON(CachedResponse):
    content_type = "application/json; charset=utf-8"
    # Conference apps poll: a public export may be reused for a while without asking.
    shared_cache_control = "public, max-age=300"
    sends_last_modified = True

    def find(self):
        self.event = _event(self.request, self.kwargs["slug"])

    def document(self) -> dict:
        with translation.override(self.language()):
            return schedule.schedule_document(
                self.event,
                programme_data.sessions_for_schedule(event=self.event),
                site_url=settings.SITE_URL,
                version=self.etag,
                at=self.now,
            )

    def build(self) -> bytes:
        # Compact: apps parse it, and a 300-session programme is a third smaller without indents.
        return json.dumps(self.document(), ensure_ascii=False, separators=(",", ":")).encode()


class ScheduleXML(ScheduleJSON):
    content_type = "application/xml; charset=utf-8"

    def build(self) -> bytes:
        return schedule.schedule_xml(self.document())
