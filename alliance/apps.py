from django.apps import AppConfig


class AllianceConfig(AppConfig):
    """The project package as an app, for its system checks and templates."""

    name = "alliance"

    def ready(self) -> None:
        from . import checks  # noqa: F401 -- registers the checks
