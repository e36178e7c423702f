from django.apps import AppConfig
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class AllianceConfig(AppConfig):
    """The project package as an app, for its system checks and templates."""

    name = "alliance"

    def ready(self) -> None:
        from . import checks  # noqa: F401 -- registers the checks


class AllianceAdminConfig(AdminConfig):
    """Django's admin with our site (see alliance/admin.py)."""

    default_site = "alliance.admin.AllianceAdminSite"

    def ready(self):
        super().ready()
        # Imported here: models and admin modules can only be loaded once the apps are.
        from django.contrib.auth.models import User
        from django_celery_beat.models import ClockedSchedule, PeriodicTask

        from .accounts import AccountAdmin
        from .admin import ServerZoneMixin

        admin.site.unregister(User)
        admin.site.register(User, AccountAdmin)
        # django-celery-beat's own admins, with the heading that names the zone of their times.
        for model in (PeriodicTask, ClockedSchedule):
            model_admin = type(admin.site.get_model_admin(model))
            admin.site.unregister(model)
            admin.site.register(
                model, type(model_admin.__name__, (ServerZoneMixin, model_admin), {})
            )
