"""The programme widget that partner sites frame: /events/<slug>/embed/.

The only page any site may frame (no X-Frame-Options, `frame-ancestors *`); every other page
keeps DENY / 'none'. It is a page of its own, styled by its own stylesheet (an iframe does not
see the host page's CSS, nor the host its), optionally narrowed to one theme or one day, in the
language the snippet asks for (`?lang=`; a framed page gets no language cookie of ours).
Cached like the other pages (events/views.py)."""

from datetime import date

from csp.decorators import csp_replace
from django.conf import settings
from django.http import Http404
from django.utils import translation
from django.views.decorators.clickjacking import xframe_options_exempt

from . import selectors
from .views import Page, _programme_days

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


class EmbedPage(Page):
    template_name = "events/embed.html"

    def find(self):
        super().find()
        query = self.request.GET
        self.theme = None
        if query.get("theme"):
            self.theme = next(
                (
                    t
                    for t in selectors.themes_for_event(event=self.event)
                    if t.slug == query["theme"]
                ),
                None,
            )
            if self.theme is None:
                raise Http404("No such theme in this event")
        self.day = None
        if query.get("day"):
            try:
                self.day = date.fromisoformat(query["day"])
            except ValueError:
                raise Http404("Not a day") from None
            if not self.event.start_date <= self.day <= self.event.end_date:
                raise Http404("Not a day of this event")

    def scope(self) -> tuple:
        return (self.request.path, self.theme and self.theme.pk, self.day)

    def context(self) -> dict:
        sessions = selectors.sessions_for_programme(event=self.event, theme=self.theme)
        days = _programme_days(sessions, self.event)
        if self.day:
            days["days"] = [(day, items) for day, items in days["days"] if day == self.day]
        return {**days, "theme": self.theme, "site_url": settings.SITE_URL}


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
def embed(request, slug):
    language = request.GET.get("lang")
    if language is None:
        return EmbedPage.view(request, slug=slug)
    if language not in LANGUAGE_CODES:
        raise Http404("No such language")
    with translation.override(language):
        return EmbedPage.view(request, slug=slug)
