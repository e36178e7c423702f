from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = _("Registrations")

    def ready(self):
        # Register the Celery tasks in every process, so they can be sent by name.
        from . import tasks  # noqa: F401
