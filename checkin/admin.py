"""Check-in in the organisers' back office: the checkpoints of each event, and the record of
who was admitted where (read-only: admissions are made by scanning)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from events.admin import EventZoneMixin
from registrations.models import PassRevocation

from .models import CheckIn, Checkpoint


@admin.register(Checkpoint)
class CheckpointAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "session", "event", "position", "check_in_page")
    list_filter = ("event", "kind")
    list_select_related = ("event", "session")
    search_fields = ("name", "name_es", "name_pt", "session__title")
    autocomplete_fields = ("session",)
    fields = ("event", "name", "name_es", "name_pt", "kind", "session", "position")

    @admin.display(description=_("check-in page"))
    def check_in_page(self, checkpoint):
        url = reverse("checkin:check_in", kwargs={"slug": checkpoint.event.slug})
        return format_html('<a href="{}">{}</a>', url, _("Open"))


@admin.register(CheckIn)
class CheckInAdmin(EventZoneMixin, admin.ModelAdmin):
    """Who was admitted, where, when and by whom."""

    list_display = ("registration", "checkpoint", "day", "scanned_at", "staff")
    list_filter = ("checkpoint__event", "day", "checkpoint")
    list_select_related = ("registration", "checkpoint", "staff")
    search_fields = ("registration__full_name", "registration__organisation")
    date_hierarchy = "scanned_at"
    readonly_fields = [field.name for field in CheckIn._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def event_zone(self, request, obj):
        return obj.checkpoint.event.time_zone if obj else None


@admin.register(PassRevocation)
class PassRevocationAdmin(admin.ModelAdmin):
    """Passes that no longer admit (the list scanners download): read-only."""

    list_display = ("pass_id", "registration", "reason", "revoked_at")
    list_filter = ("event", "reason")
    list_select_related = ("registration",)
    search_fields = ("pass_id", "registration__full_name")
    readonly_fields = ("event", "registration", "pass_id", "reason", "revoked_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
