"""Deployment checks of our own settings, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def production_settings_check(app_configs, **kwargs) -> list[Error]:
    """Refuse the two defaults that are right for a laptop and wrong on a server."""
    errors = []
    if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        errors.append(
            Error(
                "SECRET_KEY is the embedded development key.",
                hint="Set SECRET_KEY to a long random value.",
                id="alliance.E001",
            )
        )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        errors.append(
            Error(
                "No Celery broker is configured: emails and reminders would be sent from the "
                "web process, inside the request.",
                hint="Set REDIS_URL (or CELERY_BROKER_URL) and run a worker and a beat.",
                id="alliance.E002",
            )
        )
    return errors
