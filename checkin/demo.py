"""Checkpoints for the demo event: its main entrance, and a numbered door for each session with
seats."""

from events.demo import EVENT
from events.models import Event

from .models import Checkpoint

ENTRANCE = ("Main entrance", "Entrada principal", "Entrada principal")


def demo_checkpoints_load() -> list[Checkpoint]:
    """Create the demo event's checkpoints (loaded by `load_demo` first). Loading them twice
    changes nothing."""
    event = Event.objects.get(slug=EVENT["slug"])
    name, name_es, name_pt = ENTRANCE
    checkpoints = [
        Checkpoint.objects.get_or_create(
            event=event,
            name=name,
            defaults={"name_es": name_es, "name_pt_br": name_pt, "kind": Checkpoint.Kind.ENTRANCE},
        )[0]
    ]
    for position, session in enumerate(
        event.sessions.filter(capacity__isnull=False).order_by("starts_at", "pk"), start=1
    ):
        # Numbered: the check-in page shows the session's title beside the door's name.
        checkpoints.append(
            Checkpoint.objects.get_or_create(
                event=event,
                session=session,
                defaults={
                    "name": f"Door {position}",
                    "name_es": f"Puerta {position}",
                    "name_pt_br": f"Porta {position}",
                    "kind": Checkpoint.Kind.SESSION,
                    "position": position,
                },
            )[0]
        )
    return checkpoints
