"""Every write to what the programme shows says that it changed (`services.programme_changed`),
wherever it comes from: the services, the admin's deletes and many-to-many saves,
`load_demo`, a shell. Signals, so that no write is missed; they only mark cached pages stale,
after the commit. An `update()` sends none: its caller says it (`services.sessions_cancel`)."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from . import services
from .models import Room, Session, Speaker, Theme


def _saved_or_deleted(sender, **kwargs) -> None:
    services.programme_changed()


def _speakers_changed(sender, action, pk_set, **kwargs) -> None:
    # A form saved unchanged sets the same speakers: Django still signals, with nothing in pk_set.
    if action == "post_clear" or (action in {"post_add", "post_remove"} and pk_set):
        services.programme_changed()


def connect() -> None:
    for model in (Session, Theme, Room, Speaker):
        post_save.connect(_saved_or_deleted, sender=model, dispatch_uid=f"programme-{model}")
        post_delete.connect(_saved_or_deleted, sender=model, dispatch_uid=f"programme-{model}")
    m2m_changed.connect(_speakers_changed, sender=Session.speakers.through)
