"""Demo participants of the demo event, checked in at its entrance: once the event is over
(`load_demo --past`), their certificates of attendance can be downloaded."""

from datetime import datetime, time, timedelta

from django.db import transaction

from checkin.models import CheckIn, Checkpoint
from events.demo import EVENT
from events.models import Event
from registrations import services
from registrations.models import Registration, StakeholderCategory

# name, email, organisation, country, category, language, days checked in (0: the first day)
PARTICIPANTS = [
    (
        "Ana Lucía Restrepo Ñáñez",
        "ana.restrepo@example.org",
        "MinTIC Colombia",
        "CO",
        "government",
        "es",
        (0, 1, 2),
    ),
    (
        "João Gonçalves",
        "joao.goncalves@example.org",
        "Universidade de São Paulo",
        "BR",
        "academia",
        "pt",
        (0, 2),
    ),
    (
        "Zoë Müller-Łukasiewicz",
        "zoe.muller@example.org",
        "European Commission, DG INTPA",
        "BE",
        "team-europe",
        "en",
        (1,),
    ),
    ("Dario Pérez", "dario.perez@example.org", "Red Ciudadana", "MX", "civil-society", "es", ()),
]
ENTRANCE = {"name": "Main entrance", "name_es": "Entrada principal", "name_pt": "Entrada principal"}


def _participant(
    event: Event, name, email, organisation, country, category, language
) -> Registration:
    registration = (
        Registration.objects.filter(event=event, email=email)
        .exclude(status=Registration.Status.CANCELLED)
        .first()
    )
    if registration is None:
        registration, _created = services.registration_create(
            event=event,
            data={
                "full_name": name,
                "email": email,
                "organisation": organisation,
                "country": country,
                "category": StakeholderCategory.objects.get(slug=category),
                "language": language,
                "time_zone": event.time_zone,
            },
        )
    return services.registration_confirm(registration_id=registration.pk)


@transaction.atomic
def demo_attendance_load() -> list[tuple[Registration, int]]:
    """Register and confirm the demo participants (loaded by `load_demo` first) and check them
    in on their days. Loading twice changes nothing. Returns each participant with the number
    of days they attended."""
    event = Event.objects.get(slug=EVENT["slug"])
    entrance, _created = Checkpoint.objects.get_or_create(
        event=event, name=ENTRANCE["name"], defaults={**ENTRANCE, "kind": Checkpoint.Kind.ENTRANCE}
    )
    loaded = []
    for *details, days in PARTICIPANTS:
        registration = _participant(event, *details)
        for offset in days:
            day = event.start_date + timedelta(days=offset)
            CheckIn.objects.get_or_create(
                registration=registration,
                day=day,
                session=None,
                defaults={
                    "checkpoint": entrance,
                    "scanned_at": datetime.combine(day, time(8, 30), event.tz),
                    "nonce": f"demo-{registration.pk}-{day.isoformat()}",
                },
            )
        loaded.append((registration, len(days)))
    return loaded
