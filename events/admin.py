"""The organisers' back office for the programme."""

import zoneinfo

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import models
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from modeltranslation.utils import get_translation_fields

from . import services
from .models import TIME_ZONE_CHOICES, Event, Room, Session, Speaker, Theme
from .zones import zone_choices, zone_label, zone_time

TIME_ZONE_NAMES = {name for name, _label in TIME_ZONE_CHOICES}


class SessionInline(TranslationTabularInline):
    model = Session
    extra = 0
    fields = ("title", "theme", "format", "room", "starts_at", "ends_at", "status")
    autocomplete_fields = ("room",)
    show_change_link = True
    ordering = ("starts_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("theme", "room")


class EventZoneMixin:
    """Organisers read and type times in the event's own zone, not the server's UTC.

    The whole change form is rendered with that zone active: the fields, and the page's UTC
    offset from which the "Now" and "Today" shortcuts and their "ahead of/behind" note are
    computed. Times are read back in the zone they were shown in: the stored object's event,
    else the event named in the URL (?event=...); an add form that knows neither says that
    times are in the zone of the event chosen in the form, and reads them so.
    """

    # What the heading says when the zone comes from the event chosen in the form itself.
    zone_from_form = _("Times in the time zone of the event chosen below")

    def event_zone(self, request, obj) -> str | None:
        """The IANA zone of the stored object's event, or of the event named in the URL."""
        return None

    def form_zone(self, request) -> str | None:
        """On an add form, the zone of the event chosen in the form (as posted, or as the blank
        form first offers it)."""
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        zone = self.event_zone(request, obj)
        if zone in TIME_ZONE_NAMES:
            # In words, without an offset: the times shown may fall either side of a change.
            subtitle = _("Times in %(zone)s") % {"zone": zone_time(zone)}
        else:
            subtitle = self.zone_from_form
            zone = self.form_zone(request)
        extra_context = {**(extra_context or {}), "subtitle": subtitle}
        with timezone.override(zoneinfo.ZoneInfo(zone if zone in TIME_ZONE_NAMES else "UTC")):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            # A TemplateResponse renders after the view returns: render it while the zone holds.
            if isinstance(response, SimpleTemplateResponse):
                response.render()
        return response


def event_zone_of(event_id) -> str | None:
    """The zone of the event with this id (as typed in a form or URL), None if there is none."""
    if not (isinstance(event_id, str) and event_id.isascii() and event_id.isdigit()):
        return None
    return Event.objects.filter(pk=int(event_id)).values_list("time_zone", flat=True).first()


class ProgrammeAdmin(TranslationAdmin):
    """Saves only what the organiser changed (nothing when nothing did). Text fields are shown
    once per language (django-modeltranslation, events/translation.py)."""

    def save_model(self, request, obj, form, change):
        services.programme_save(record=obj, changed_fields=form.changed_data)


@admin.register(Event)
class EventAdmin(EventZoneMixin, ProgrammeAdmin):
    list_display = ("name", "city", "start_date", "end_date", "time_zone", "published")
    list_filter = ("published",)
    search_fields = (*get_translation_fields("name"), "city", "venue")
    prepopulated_fields = {"slug": ("name",)}
    date_hierarchy = "start_date"
    inlines = (SessionInline,)
    fieldsets = (
        (None, {"fields": ("name", "slug", "description", "hosts", "organiser_email")}),
        (_("Where and when"), {"fields": ("city", "venue", "time_zone", "start_date", "end_date")}),
        (
            _("Registration"),
            {
                "fields": (
                    "published",
                    "registration_opens_at",
                    "registration_closes_at",
                    "in_person_capacity",
                    "online_capacity",
                )
            },
        ),
        (
            _("Reminders and livestreams"),
            {
                "fields": (
                    "day_before_reminder_at",
                    "session_reminder_minutes",
                    "livestream_reveal_minutes",
                )
            },
        ),
    )

    zone_from_form = _("Times in the time zone chosen below for the event")

    def event_zone(self, request, obj):
        return obj.time_zone if obj else None

    def get_form(self, request, obj=None, **kwargs):
        """The zones participants choose from (zone.tab), named in the organiser's language,
        the event's first; a zone stored before that the list lacks (an alias) stays."""
        form = super().get_form(request, obj, **kwargs)
        zone = obj.time_zone if obj else Event._meta.get_field("time_zone").default
        choices = [(choice.zone, choice.label) for choice in zone_choices(first_zone=zone)]
        if zone not in dict(choices):
            choices.insert(0, (zone, zone_label(zone)))
        form.base_fields["time_zone"].choices = choices
        return form

    def form_zone(self, request):
        return request.POST.get("time_zone", Event._meta.get_field("time_zone").default)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Session:
            return super().save_formset(request, form, formset, change)
        # Unsaved: the forms that changed (new or edited) and the sessions marked for deletion.
        sessions = formset.save(commit=False)
        self.save_sessions(
            changes=[
                (row.instance, row.changed_data)
                for row in formset.forms
                if row.instance in sessions
            ],
            deleted=formset.deleted_objects,
        )
        return None

    def save_sessions(self, *, changes, deleted) -> None:
        """Save the sessions edited or deleted in the event's inline."""
        services.sessions_save(changes=changes, deleted=deleted)


@admin.register(Theme)
class ThemeAdmin(ProgrammeAdmin):
    list_display = ("name", "slug", "colour", "position")
    list_editable = ("position",)
    search_fields = get_translation_fields("name")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Room)
class RoomAdmin(ProgrammeAdmin):
    list_display = ("name", "venue", "floor", "capacity")
    list_filter = ("venue",)
    search_fields = (*get_translation_fields("name"), "venue")


@admin.register(Speaker)
class SpeakerAdmin(ProgrammeAdmin):
    list_display = ("name", "affiliation", "country")
    list_filter = ("country",)
    search_fields = ("name", "affiliation")
    prepopulated_fields = {"slug": ("name",)}


class DayFilter(admin.SimpleListFilter):
    """Filter by the session's day in its event's time zone."""

    title = _("day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        days = {
            s.starts_at.astimezone(s.event.tz).date()
            for s in model_admin.get_queryset(request)
            .select_related("event")
            .only("starts_at", "event__time_zone")
        }
        return [(day.isoformat(), day.strftime("%a %d %b %Y")) for day in sorted(days)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        matching = [
            s.pk
            for s in queryset.select_related("event").only("pk", "starts_at", "event__time_zone")
            if s.starts_at.astimezone(s.event.tz).date().isoformat() == self.value()
        ]
        return queryset.filter(pk__in=matching)


@admin.register(Session)
class SessionAdmin(EventZoneMixin, TranslationAdmin):
    list_display = (
        "title",
        "event",
        "theme",
        "format",
        "room",
        "when",
        "status",
        "livestream_visibility",
    )
    list_filter = ("event", DayFilter, "theme", "room", "format", "status", "livestream_visibility")
    list_select_related = ("event", "theme", "room")
    search_fields = (
        *get_translation_fields("title"),
        *get_translation_fields("abstract"),
        "speakers__name",
    )
    autocomplete_fields = ("speakers", "room")
    date_hierarchy = "starts_at"
    readonly_fields = ("sequence", "created_at", "updated_at")
    # Links typed without a scheme are https (Django 6's default; 5.2 warns without this).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ("cancel_sessions",)
    fieldsets = (
        (None, {"fields": ("event", "title", "abstract", "theme", "format")}),
        (_("Languages"), {"fields": ("language", "interpretation")}),
        (
            _("When and where"),
            {
                "fields": ("starts_at", "ends_at", "room", "capacity"),
                "description": _("Times are in the event's own time zone."),
            },
        ),
        (_("Speakers"), {"fields": ("speakers",)}),
        (
            _("Livestream"),
            {"fields": ("livestream_url", "livestream_visibility", "recording_url")},
        ),
        (_("Status"), {"fields": ("status", "sequence", "created_at", "updated_at")}),
    )

    @admin.display(description=_("when (event time)"), ordering="starts_at")
    def when(self, obj):
        tz = obj.event.tz
        start, end = obj.starts_at.astimezone(tz), obj.ends_at.astimezone(tz)
        return f"{start:%a %d %b %Y %H:%M}–{end:%H:%M} ({obj.event.time_zone})"

    def event_zone(self, request, obj):
        if obj:
            return obj.event.time_zone
        if "event" in request.GET:
            return event_zone_of(request.GET["event"])
        zones = set(Event.objects.values_list("time_zone", flat=True).distinct()[:2])
        return zones.pop() if len(zones) == 1 else None

    def form_zone(self, request):
        return event_zone_of(request.POST.get("event"))

    def save_model(self, request, obj, form, change):
        services.session_save(session=obj, changed_fields=form.changed_data)

    @admin.action(description=_("Cancel selected sessions"), permissions=["change"])
    def cancel_sessions(self, request, queryset):
        count = services.sessions_cancel(session_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d session cancelled.", "%(count)d sessions cancelled.", count)
            % {"count": count},
            messages.SUCCESS,
        )
