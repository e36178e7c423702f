"""Every write to what the programme shows grows the events' programme version, before and
after it (`services.programme_changed` says why both), wherever the write comes from: the
services, the admin's deletes and many-to-many saves, `load_demo`, a shell. Signals, so that no
write is missed; they only mark cached pages stale, in the writer's own transaction. An
`update()` sends none: its caller grows the version (`services.sessions_cancel`)."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from . import services
from .models import Room, Session, Speaker, Theme

WRITES = (pre_save, post_save, pre_delete, post_delete)
# A form saved unchanged sets the same speakers: Django still signals, with an empty pk_set.
SPEAKER_CHANGES = {"pre_add", "post_add", "pre_remove", "post_remove"}


def _written(sender, **kwargs) -> None:
    services.programme_changed()


def _speakers_changed(sender, action, pk_set, **kwargs) -> None:
    if action in {"pre_clear", "post_clear"} or (action in SPEAKER_CHANGES and pk_set):
        services.programme_changed()


def connect() -> None:
    for model in (Session, Theme, Room, Speaker):
        for signal in WRITES:
            signal.connect(_written, sender=model, dispatch_uid=f"programme-{model.__name__}")
    m2m_changed.connect(_speakers_changed, sender=Session.speakers.through)
