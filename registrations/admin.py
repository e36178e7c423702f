"""The organisers' back office for registrations."""

import csv
from functools import partial

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from events.admin import EventAdmin, SessionAdmin
from events.models import Event, Session

from . import outbox, selectors, services
from .exports import csv_safe
from .models import Message, Registration, SessionChoice, StakeholderCategory

EXPORT_COLUMNS = [
    "id",
    "event",
    "full_name",
    "email",
    "organisation",
    "job_title",
    "country",
    "category",
    "mode",
    "language",
    "time_zone",
    "needs",
    "status",
    "media_consent",
    "session_reminders",
    "privacy_notice_version",
    "privacy_consent_at",
    "created_at",
    "confirmed_at",
    "waitlisted_at",
    "cancelled_at",
]


@admin.register(StakeholderCategory)
class StakeholderCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "name_es", "name_pt", "in_person_quota", "position")
    list_editable = ("in_person_quota", "position")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "in_person_quota" in form.changed_data:
            for event_id in (
                Registration.objects.filter(category=obj, status=Registration.Status.WAITLISTED)
                .values_list("event_id", flat=True)
                .distinct()
            ):
                services.waitlist_promote(event_id=event_id)


class SessionChoiceInline(admin.TabularInline):
    model = SessionChoice
    extra = 0
    fields = ("session", "status", "created_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("session",)


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ("kind", "status", "attempts", "created_at", "sent_at", "error")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The outbox, read-only: what was sent to whom, and what failed and why."""

    list_display = ("kind", "registration", "status", "attempts", "created_at", "sent_at", "error")
    list_filter = ("status", "kind", "registration__event")
    list_select_related = ("registration",)
    search_fields = ("registration__email", "registration__full_name")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Message._meta.fields]
    actions = ("retry",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send failed messages again"), permissions=["change"])
    def retry(self, request, queryset):
        count = outbox.messages_retry(message_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", count)
            % {"count": count},
        )


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = (
        "full_name",
        "email",
        "organisation",
        "event",
        "category",
        "mode",
        "status",
        "country",
        "language",
        "created_at",
    )
    list_filter = ("event", "category", "mode", "status", "country", "language")
    list_select_related = ("event", "category")
    search_fields = ("full_name", "email", "organisation")
    date_hierarchy = "created_at"
    readonly_fields = (
        "status",
        "privacy_consent_at",
        "privacy_notice_version",
        "created_at",
        "confirmed_at",
        "waitlisted_at",
        "cancelled_at",
        "manage_link",
    )
    inlines = (SessionChoiceInline, MessageInline)
    actions = ("confirm", "cancel", "resend_confirmation", "promote", "export_csv")

    @admin.display(description=_("private link"))
    def manage_link(self, obj):
        return format_html('<a href="{0}">{0}</a>', obj.get_absolute_url()) if obj.pk else "—"

    def _apply(self, request, queryset, service, message):
        """Run a bulk service on the selected registrations and report how many it changed."""
        count = service(registration_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, message % {"count": count})

    @admin.action(description=_("Confirm selected registrations"), permissions=["change"])
    def confirm(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.registrations_confirm_by_organiser,
            ngettext_lazy(
                "%(count)d registration confirmed.", "%(count)d registrations confirmed.", "count"
            ),
        )

    @admin.action(description=_("Cancel selected registrations"), permissions=["change"])
    def cancel(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.registrations_cancel,
            ngettext_lazy(
                "%(count)d registration cancelled.", "%(count)d registrations cancelled.", "count"
            ),
        )

    @admin.action(description=_("Resend the confirmation email"), permissions=["change"])
    def resend_confirmation(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.confirmation_resend,
            ngettext_lazy(
                "%(count)d confirmation email queued.",
                "%(count)d confirmation emails queued.",
                "count",
            ),
        )

    @admin.action(description=_("Promote selected from the waitlist"), permissions=["change"])
    def promote(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.registrations_promote,
            ngettext_lazy(
                "%(count)d registration promoted.", "%(count)d registrations promoted.", "count"
            ),
        )

    @admin.action(description=_("Export selected to CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="registrations-{stamp}.csv"'
        response.write("\ufeff")  # lets spreadsheet programs read UTF-8
        writer = csv.writer(response)
        writer.writerow(EXPORT_COLUMNS)
        for registration in queryset.select_related("event", "category").order_by("pk"):
            row = {name: getattr(registration, name) for name in EXPORT_COLUMNS}
            row.update(event=registration.event.name, category=registration.category.name)
            writer.writerow(csv_safe(row[name]) for name in EXPORT_COLUMNS)
        return response


class RegistrationsEventAdmin(EventAdmin):
    """The programme's event admin, plus the registrations summary and waitlist promotion when
    an organiser raises the capacity."""

    list_display = (*EventAdmin.list_display, "summary_link")

    @admin.display(description=_("registrations"))
    def summary_link(self, obj):
        url = reverse("admin:events_event_registrations_summary", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Summary"))

    def get_urls(self):
        summary = self.admin_site.admin_view(self.summary_view)
        return [
            path("<int:pk>/registrations/", summary, name="events_event_registrations_summary"),
            *super().get_urls(),
        ]

    def summary_view(self, request, pk):
        event = get_object_or_404(Event, pk=pk)
        if not self.has_view_permission(request, event):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Registrations: %(event)s") % {"event": event},
            "event": event,
            "opts": self.model._meta,
            "summary": selectors.event_summary(event=event),
        }
        return TemplateResponse(request, "admin/registrations/summary.html", context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        invites_refresh()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if {"in_person_capacity", "online_capacity"} & set(form.changed_data):
            promoted = services.waitlist_promote(event_id=obj.pk)
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d participant promoted from the waitlist.",
                        "%(count)d participants promoted from the waitlist.",
                        len(promoted),
                    )
                    % {"count": len(promoted)},
                    messages.SUCCESS,
                )


def invites_refresh(session_ids=(None,)) -> None:
    """After commit, bring participants' calendars up to date with these sessions (all of them
    by default). The periodic sweep would within a minute; this makes it prompt."""
    for session_id in session_ids:
        transaction.on_commit(
            partial(outbox.task_enqueue, "registrations.invites_sweep", session_id=session_id)
        )


class RegistrationsSessionAdmin(SessionAdmin):
    """The programme's session admin, seating the waitlist when seats are added and updating
    participants' calendars when a session changes."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "capacity" in form.changed_data:
            services.session_waitlist_promote(session_id=obj.pk)
        invites_refresh([obj.pk])

    @admin.action(
        description=SessionAdmin.cancel_sessions.short_description, permissions=["change"]
    )
    def cancel_sessions(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        super().cancel_sessions(request, queryset)
        invites_refresh(ids)


admin.site.unregister(Event)
admin.site.register(Event, RegistrationsEventAdmin)
admin.site.unregister(Session)
admin.site.register(Session, RegistrationsSessionAdmin)
