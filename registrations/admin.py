"""The organisers' back office for registrations."""

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import get_translation_fields

from events.admin import EventAdmin, EventZoneMixin, SessionAdmin
from events.models import Event, Session

from . import outbox, personal_data, selectors, services
from .exports import csv_safe
from .models import Message, Registration, SessionChoice, StakeholderCategory

# What the organiser is told after adding a registration.
ADDED_AS = {
    Registration.Status.CONFIRMED: _("The participant is confirmed and has been sent their link."),
    Registration.Status.WAITLISTED: _(
        "No place was left: the participant is on the waitlist and has been told so."
    ),
}

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
class StakeholderCategoryAdmin(TranslationAdmin):
    list_display = (*get_translation_fields("name"), "in_person_quota", "position")
    list_editable = ("in_person_quota", "position")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = get_translation_fields("name")

    def save_model(self, request, obj, form, change):
        promoted = services.category_update(category=obj, changed_fields=form.changed_data)
        promoted_message(self, request, promoted)


def promoted_message(model_admin, request, promoted: list[int]) -> None:
    """Tell the organiser how many participants their change promoted from a waitlist."""
    if promoted:
        model_admin.message_user(
            request,
            ngettext(
                "%(count)d participant promoted from the waitlist.",
                "%(count)d participants promoted from the waitlist.",
                len(promoted),
            )
            % {"count": len(promoted)},
            messages.SUCCESS,
        )


class SessionChoiceForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A choice is added or deleted (through the services, which count the seats), never
            # moved to another session.
            self.fields["session"].disabled = True


class SessionChoiceInline(admin.TabularInline):
    """The participant's sessions: adding one takes a seat (or a place on its waitlist),
    deleting one frees it for the next in line, as when the participant does it."""

    model = SessionChoice
    form = SessionChoiceForm
    extra = 0
    fields = ("session", "status", "created_at")
    readonly_fields = ("status", "created_at")
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
class MessageAdmin(EventZoneMixin, admin.ModelAdmin):
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

    def event_zone(self, request, obj):
        return obj.registration.event.time_zone if obj else None

    @admin.action(description=_("Send failed messages again"), permissions=["change"])
    def retry(self, request, queryset):
        count = outbox.messages_retry(message_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", count)
            % {"count": count},
        )


class RegistrationAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        event_id = cleaned["event"].pk if cleaned.get("event") else self.instance.event_id
        email = cleaned.get("email")
        taken = (
            Registration.objects.filter(event_id=event_id, email=email)
            .exclude(status=Registration.Status.CANCELLED)
            .exclude(pk=self.instance.pk)
        )
        if email and event_id and taken.exists():
            # The database's unique constraint is not checked by the form: it involves the
            # status, which the form does not edit.
            self.add_error("email", _("This address is already registered for this event."))
        return cleaned


@admin.register(Registration)
class RegistrationAdmin(EventZoneMixin, admin.ModelAdmin):
    """Registrations, changed only through the services: an organiser's add confirms the
    participant when there is a place (else waitlists them); a change of attendance or group
    is checked against the places left, as the participant's own would be; the status changes
    by the actions."""

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
    form = RegistrationAdminForm
    inlines = (SessionChoiceInline, MessageInline)
    actions = ("confirm", "cancel", "resend_confirmation", "promote", "export_csv", "anonymise")

    def event_zone(self, request, obj):
        return obj.event.time_zone if obj else None

    def get_readonly_fields(self, request, obj=None):
        # Moving a registration to another event would strand its sessions: register anew.
        return (*self.readonly_fields, "event") if obj else self.readonly_fields

    def get_inline_instances(self, request, obj=None):
        # Sessions are chosen once the registration exists (and is confirmed).
        return super().get_inline_instances(request, obj) if obj else []

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            # A service refused the change (no place left, a session it may not take): the
            # transaction was rolled back, so the form shows the registration as stored.
            self.message_user(
                request,
                _("Nothing was saved: %(reason)s") % {"reason": " ".join(refusal.messages)},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        if not change:
            registration = services.registration_add(registration=obj)
            self.message_user(request, ADDED_AS[registration.status], messages.INFO)
        elif form.changed_data:
            services.registration_update(
                registration=obj,
                data={name: form.cleaned_data[name] for name in form.changed_data},
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not SessionChoice:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # finds what was added and deleted, saves nothing
        services.registration_sessions_change(
            registration=form.instance,
            add_session_ids=[choice.session_id for choice in formset.new_objects],
            drop_session_ids=[choice.session_id for choice in formset.deleted_objects],
        )
        return None

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

    @admin.action(
        description=_("Anonymise selected registrations (cannot be undone)"),
        permissions=["change"],
    )
    def anonymise(self, request, queryset):
        """After a confirmation page, as Django's own deletion: the action cannot be undone."""
        if "confirmed" not in request.POST:
            return anonymise_confirmation(self, request, queryset, action="anonymise")
        self._apply(
            request,
            queryset,
            personal_data.registrations_anonymise,
            ngettext_lazy(
                "%(count)d registration anonymised.", "%(count)d registrations anonymised.", "count"
            ),
        )
        return None

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


def anonymise_confirmation(model_admin, request, queryset, *, action: str) -> TemplateResponse:
    """The page that asks an organiser to confirm an anonymisation, listing what it covers."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Anonymise personal data?"),
        "opts": model_admin.model._meta,
        "objects": queryset,
        "action": action,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/registrations/anonymise_confirm.html", context)


class RegistrationsEventAdmin(EventAdmin):
    """The programme's event admin, plus the registrations summary and waitlist promotion when
    an organiser raises the capacity."""

    list_display = (*EventAdmin.list_display, "summary_link")
    actions = (*EventAdmin.actions, "anonymise_registrations")

    @admin.action(
        description=_("Anonymise the registrations of selected events that have ended"),
        permissions=["change"],
    )
    def anonymise_registrations(self, request, queryset):
        if "confirmed" not in request.POST:
            return anonymise_confirmation(self, request, queryset, action="anonymise_registrations")
        count = personal_data.event_registrations_anonymise(
            event_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d registration anonymised.", "%(count)d registrations anonymised.", count
            )
            % {"count": count},
        )
        return None

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

    def save_model(self, request, obj, form, change):
        promoted = services.event_update(event=obj, changed_fields=form.changed_data)
        promoted_message(self, request, promoted)

    def save_sessions(self, *, changes, deleted) -> None:
        services.sessions_update(changes=changes, deleted=deleted)


class RegistrationsSessionAdmin(SessionAdmin):
    """The programme's session admin, seating the waitlist when seats are added and updating
    participants' calendars when a session changes."""

    def save_model(self, request, obj, form, change):
        services.session_update(session=obj, changed_fields=form.changed_data)

    @admin.action(
        description=SessionAdmin.cancel_sessions.short_description, permissions=["change"]
    )
    def cancel_sessions(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        super().cancel_sessions(request, queryset)
        services.invites_refresh(session_ids=ids)


admin.site.unregister(Event)
admin.site.register(Event, RegistrationsEventAdmin)
admin.site.unregister(Session)
admin.site.register(Session, RegistrationsSessionAdmin)
