"""Deployment checks of our own settings, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def production_settings_check(app_configs, **kwargs) -> list[Error]:
    """Refuse the defaults that are right for a laptop and wrong on a server."""
    errors = []
    if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        errors.append(
            Error(
                "SECRET_KEY is the embedded development key.",
                hint="Set SECRET_KEY to a long random value.",
                id="alliance.E001",
            )
        )
    if settings.PASS_SIGNING_KEY == settings.DEVELOPMENT_PASS_SIGNING_KEY:
        errors.append(
            Error(
                "PASS_SIGNING_KEY is the embedded development key: anyone could forge passes.",
                hint="Set PASS_SIGNING_KEY to the output of `python manage.py pass_keygen`.",
                id="alliance.E003",
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


@register(Tags.security)
def pass_keys_check(app_configs, **kwargs) -> list[Error]:
    """A malformed pass key fails at start-up, not at the first pass shown."""
    from registrations.passes import public_keys

    try:
        public_keys()
    except ValueError as error:
        return [
            Error(
                f"Pass keys are unusable: {error}.",
                hint="PASS_SIGNING_KEY is base64url of 32 bytes (`manage.py pass_keygen`); "
                "PASS_RETIRED_PUBLIC_KEYS lists base64url public keys of 32 bytes.",
                id="alliance.E004",
            )
        ]
    return []
