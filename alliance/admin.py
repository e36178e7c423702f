"""The organisers' admin site: the programme and registrations first, the machinery last."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

# The home page lists these apps first, in this order, and django-celery-beat's periodic
# tasks last; any other app comes in between, alphabetically.
FIRST = ("events", "registrations")
LAST = ("django_celery_beat",)


class InputChecked:
    """What Django's admin would answer 500 to, refused with a message: a list address holding
    a NUL (PostgreSQL refuses it in a filter's text), and an action on a selection holding a
    value that is no primary key ("x", a NUL), which Django's `pk__in` filter raises on."""

    def changelist_view(self, request, extra_context=None):
        if any("\x00" in text for pair in request.GET.lists() for text in [pair[0], *pair[1]]):
            self.message_user(
                request,
                _("This list's address is not valid: here is the whole list."),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)
        return super().changelist_view(request, extra_context)

    def response_action(self, request, queryset):
        pk = self.model._meta.pk
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                pk.to_python(value)
        except ValidationError:
            self.message_user(
                request, _("The selection is not valid: no action was taken."), messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)


class AllianceAdminSite(admin.AdminSite):
    site_header = _("Alliance Days")
    site_title = _("Alliance Days admin")
    index_title = _("Organisers' back office")

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every model's admin, ours and the libraries', with `InputChecked`."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, InputChecked):
            admin_class = type(admin_class.__name__, (InputChecked, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)

    def get_app_list(self, request, app_label=None):
        def rank(app):
            label = app["app_label"]
            if label in FIRST:
                return (0, FIRST.index(label))
            return (2, 0) if label in LAST else (1, 0)

        return sorted(super().get_app_list(request, app_label), key=rank)


class ServerZoneMixin:
    """For the change forms of accounts and periodic tasks, which belong to no event: their
    times are in the server's zone (UTC, also Celery's), and the heading says so, as the
    event's forms name the event's zone."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        subtitle = _("Times in %(zone)s") % {"zone": settings.TIME_ZONE}
        extra_context = {**(extra_context or {}), "subtitle": subtitle}
        return super().changeform_view(request, object_id, form_url, extra_context)
