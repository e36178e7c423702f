"""The organisers' back office for the programme."""

import zoneinfo

from django.contrib import admin, messages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import TIME_ZONE_CHOICES, Event, Room, Session, Speaker, Theme

TIME_ZONE_NAMES = {name for name, _label in TIME_ZONE_CHOICES}


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ("title", "theme", "format", "room", "starts_at", "ends_at", "status")
    autocomplete_fields = ("room",)
    show_change_link = True
    ordering = ("starts_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("theme", "room")


class EventZoneMixin:
    """Organisers type and read session times in the event's own zone, not the server's UTC:
    the change form runs with that zone active."""

    def event_zone(self, request, object_id) -> str | None:
        """The IANA zone of the event the form is about, if known."""
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        zone = self.event_zone(request, object_id)
        if zone not in TIME_ZONE_NAMES:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            extra_context = {
                **(extra_context or {}),
                "subtitle": _("Times in %(zone)s") % {"zone": zone},
            }
            return super().changeform_view(request, object_id, form_url, extra_context)


@admin.register(Event)
class EventAdmin(EventZoneMixin, admin.ModelAdmin):
    list_display = ("name", "city", "start_date", "end_date", "time_zone", "published")
    list_filter = ("published",)
    search_fields = ("name", "city", "venue")
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

    def event_zone(self, request, object_id):
        if request.method == "POST":
            return request.POST.get("time_zone")
        return Event.objects.filter(pk=object_id).values_list("time_zone", flat=True).first()

    def save_formset(self, request, form, formset, change):
        if formset.model is not Session:
            return super().save_formset(request, form, formset, change)
        for session in formset.save(commit=False):
            changed = next((f.changed_data for f in formset.forms if f.instance is session), ())
            services.session_save(session=session, changed_fields=changed)
        for session in formset.deleted_objects:
            session.delete()
        return None


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "colour", "position")
    list_editable = ("position",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("name", "venue", "floor", "capacity")
    list_filter = ("venue",)
    search_fields = ("name", "venue")


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
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
class SessionAdmin(EventZoneMixin, admin.ModelAdmin):
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
    search_fields = ("title", "abstract", "speakers__name")
    autocomplete_fields = ("speakers", "room")
    date_hierarchy = "starts_at"
    readonly_fields = ("sequence", "created_at", "updated_at")
    # Links typed without a scheme are https (Django 6's default; 5.2 warns without this).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ("cancel_sessions",)
    fieldsets = (
        (None, {"fields": ("event", "title", "abstract", "theme", "format", "language")}),
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

    def event_zone(self, request, object_id):
        event_id = request.POST.get("event") or request.GET.get("event")
        events = Event.objects.all()
        if event_id and event_id.isdigit():
            events = events.filter(pk=event_id)
        elif object_id:
            events = events.filter(sessions__pk=object_id)
        elif events.values("time_zone").distinct().count() != 1:
            return None  # several zones and no event chosen yet: the form says so
        return events.values_list("time_zone", flat=True).first()

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
