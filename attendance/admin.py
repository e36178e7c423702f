"""Badges and attendance in the organisers' back office: the "Print badges" action on
registrations, and each event's attendance by day, session and stakeholder category (a page
and its CSV export)."""

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from events.models import Event
from registrations.admin import RegistrationAdmin, RegistrationsEventAdmin
from registrations.exports import csv_safe
from registrations.models import Registration

from . import selectors
from .badges import Layout, badges_for, badges_pdf

EACH_OWN_LANGUAGE = ""


class BadgesForm(forms.Form):
    layout = forms.ChoiceField(
        label=_("Paper"), choices=Layout.choices, initial=Layout.A6, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(
        label=_("Language of the category and country"),
        choices=[
            (EACH_OWN_LANGUAGE, _("Each participant's language")),
            *Registration.Language.choices,
        ],
        required=False,
        initial=EACH_OWN_LANGUAGE,
    )


class BadgesRegistrationAdmin(RegistrationAdmin):
    """Registrations, with badges to print: select them (filter by category, then select all,
    for one category's badges) and choose the paper on the next page."""

    actions = (*RegistrationAdmin.actions, "print_badges")

    @admin.action(description=_("Print badges"), permissions=["view"])
    def print_badges(self, request, queryset):
        # Badges are worn at the venue: online participants have a pass but no badge.
        registrations = queryset.filter(
            status=Registration.Status.CONFIRMED, mode=Registration.Mode.IN_PERSON
        ).select_related("category", "event")
        form = BadgesForm(request.POST if "layout" in request.POST else None)
        if form.is_valid():
            ordered = registrations.order_by(
                "category__position", "category__name", "full_name", "pk"
            )
            badges = badges_for(
                registrations=ordered, language=form.cleaned_data["language"] or None
            )
            response = HttpResponse(
                badges_pdf(
                    badges=badges, layout=form.cleaned_data["layout"], title=str(_("Badges"))
                ),
                content_type="application/pdf",
            )
            stamp = timezone.now().strftime("%Y%m%d-%H%M")
            response["Content-Disposition"] = f'attachment; filename="badges-{stamp}.pdf"'
            return response
        count = registrations.count()
        if not count:
            self.message_user(
                request,
                _("No registration confirmed in person is selected: only they get a badge."),
                messages.WARNING,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Print badges"),
            "opts": self.model._meta,
            "form": form,
            "count": count,
            "skipped": queryset.count() - count,
            # With "select all", the changelist still posts the page's boxes; the filters are
            # in the URL the page posts back to.
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/attendance/print_badges.html", context)


class AttendanceEventAdmin(RegistrationsEventAdmin):
    """Events, with their attendance: who was checked in, by day, session and category."""

    list_display = (*RegistrationsEventAdmin.list_display, "attendance_link")

    @admin.display(description=_("attendance report"))
    def attendance_link(self, obj):
        url = reverse("admin:events_event_attendance", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Report"))

    def get_urls(self):
        view = self.admin_site.admin_view(self.attendance_view)
        export = self.admin_site.admin_view(self.attendance_csv_view)
        return [
            path("<int:pk>/attendance/", view, name="events_event_attendance"),
            path("<int:pk>/attendance.csv", export, name="events_event_attendance_csv"),
            *super().get_urls(),
        ]

    def _event(self, request, pk) -> Event:
        event = get_object_or_404(Event, pk=pk)
        if not self.has_view_permission(request, event):
            raise PermissionDenied
        return event

    def attendance_view(self, request, pk):
        event = self._event(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Attendance: %(event)s") % {"event": event},
            "event": event,
            "opts": self.model._meta,
            "attendance": selectors.event_attendance(event=event),
        }
        return TemplateResponse(request, "admin/attendance/summary.html", context)

    def attendance_csv_view(self, request, pk):
        event = self._event(request, pk)
        attendance = selectors.event_attendance(event=event)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="attendance-{event.slug}.csv"'
        response.write("\ufeff")  # lets spreadsheet programs read UTF-8
        writer = csv.writer(response)
        writer.writerow(["breakdown", "name", "day", "registered", "checked_in"])
        rows = [("all", event.name, "", attendance.confirmed, attendance.attended)]
        rows += [
            ("day", "", day, "", n)
            for day, n in zip(attendance.days, attendance.by_day, strict=True)
        ]
        for row in attendance.categories:
            name = row["category"].name
            rows.append(("category", name, "", row["confirmed"], row["attended"]))
            rows += [
                ("category", name, day, "", n)
                for day, n in zip(attendance.days, row["by_day"], strict=True)
            ]
        for row in attendance.sessions:
            session = row["session"]
            day = timezone.localtime(session.starts_at, event.tz).date()
            rows.append(("session", session.title, day, "", row["checked_in"]))
        for row in rows:
            writer.writerow(csv_safe(value) for value in row)
        return response


admin.site.unregister(Registration)
admin.site.register(Registration, BadgesRegistrationAdmin)
admin.site.unregister(Event)
admin.site.register(Event, AttendanceEventAdmin)
