"""The Digital Alliance Days 2023 (Cartagena de Indias) as demo data.

Dates, place, hosts and themes come from the event's public description; rooms, speakers and the
session list are a plausible *sample* programme, and the event description says so.
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from . import services
from .models import Event, Room, Session, Speaker, Theme

EVENT = {
    "slug": "digital-alliance-days-2023",
    "name": "EU–LAC Digital Alliance Days 2023",
    "city": "Cartagena de Indias, Colombia",
    "venue": "Cartagena Convention Centre",
    "time_zone": "America/Bogota",
    "start_date": date(2023, 11, 27),
    "end_date": date(2023, 11, 29),
    "hosts": "European Union and the Spanish Agency for International Development Cooperation "
    "(AECID)",
    "organiser_email": "organisers@alliance-days.example",
    "in_person_capacity": 400,
    "published": True,
    "description": (
        "The first high-level policy dialogue of the EU–LAC Digital Alliance, following the Joint "
        "Declaration on a Digital Alliance signed in July 2023. Governments, EU institutions and "
        "Team Europe, regional organisations, the private sector, civil society and academia from "
        "Europe, Latin America and the Caribbean meet to promote a human-centric digital "
        "transformation built on secure and resilient infrastructure, with an initial EU "
        "contribution of €145 million. Five themes: data governance, e-governance, cybersecurity, "
        "connectivity and artificial intelligence. The outcomes will inform the agenda of the "
        "EU–CELAC Summit in 2025. Some sessions are livestreamed.\n\n"
        "This is a sample programme for demonstration: rooms, speakers and sessions are "
        "illustrative, not the official agenda."
    ),
}

# fmt: off
THEMES = [
    ("plenary", "Plenary", "#003399", "Opening, closing and high-level sessions for everyone."),
    ("data-governance", "Data governance", "#1b7f5a", "Sharing and protecting data across both regions."),
    ("e-governance", "E-governance", "#6f42c1", "Digital public services, registries, digital identity and e-signatures."),
    ("cybersecurity", "Cybersecurity", "#b02a37", "Resilient infrastructure and cooperation against cyber threats."),
    ("connectivity", "Connectivity", "#0a7ea4", "The BELLA cable, Global Gateway investments and closing the digital divide."),
    ("artificial-intelligence", "Artificial intelligence", "#c05600", "Human-centric, trustworthy AI and emerging technologies."),
]

VENUE = EVENT["venue"]
ROOMS = [
    ("Plenary Hall", "Ground floor", 600),
    ("Room Barú", "First floor", 120),
    ("Room Getsemaní", "First floor", 100),
    ("Room Bocagrande", "Second floor", 80),
    ("Terrace", "Roof", 250),
]

SPEAKERS = [
    ("Ana Lucía Restrepo", "Ministry of ICT (sample)", "Colombia"),
    ("Jonas Weber", "European Commission, DG INTPA (sample)", "Belgium"),
    ("Carmen Ruiz Albornoz", "AECID (sample)", "Spain"),
    ("Thiago Almeida", "Digital government agency (sample)", "Brazil"),
    ("Sofía Benítez", "Regional data protection network (sample)", "Uruguay"),
    ("Pierre Lambert", "EU cybersecurity agency (sample)", "France"),
    ("María José Castillo", "National CSIRT (sample)", "Chile"),
    ("Kwame Joseph", "Caribbean telecoms regulator (sample)", "Jamaica"),
    ("Elena Kowalska", "European investment bank (sample)", "Poland"),
    ("Diego Hernández", "University research network (sample)", "Mexico"),
    ("Laura Gómez Pineda", "Civil society digital rights group (sample)", "Argentina"),
    ("Matteo Rossi", "Digital4Development Hub (sample)", "Italy"),
    ("Isabel Quispe", "Ministry of Digital Transformation (sample)", "Peru"),
    ("Henrik Nilsson", "AI research institute (sample)", "Sweden"),
    ("Valentina Morales", "Tech start-up association (sample)", "Costa Rica"),
    ("João Pereira", "Earth observation programme (sample)", "Portugal"),
]

# (day 0-2, start, end, theme slug, format, room index, title, speaker indexes, livestream)
SESSIONS = [
    (0, "08:30", "09:30", "plenary", "networking", 4, "Registration and welcome coffee", [], "none"),
    (0, "09:30", "10:30", "plenary", "plenary", 0, "Opening plenary: a human-centric digital alliance", [0, 1, 2], "public"),
    (0, "10:30", "11:15", "plenary", "keynote", 0, "Keynote: from the Joint Declaration to action", [1], "public"),
    (0, "11:30", "13:00", "data-governance", "panel", 1, "Data flows between Europe and Latin America", [4, 9, 10], "registered"),
    (0, "11:30", "13:00", "cybersecurity", "panel", 2, "Building cyber resilience together", [5, 6], "public"),
    (0, "11:30", "13:00", "connectivity", "workshop", 3, "Mapping connectivity gaps in rural areas", [7, 14], "none"),
    (0, "13:00", "14:30", "plenary", "networking", 4, "Networking lunch", [], "none"),
    (0, "14:30", "16:00", "e-governance", "panel", 1, "Digital identity and interoperable registries", [3, 12], "registered"),
    (0, "14:30", "16:00", "artificial-intelligence", "panel", 2, "Trustworthy AI in the public sector", [13, 9], "public"),
    (0, "14:30", "16:00", "data-governance", "workshop", 3, "Workshop: data protection authorities' toolkit", [4], "none"),
    (0, "16:30", "17:30", "connectivity", "panel", 0, "The BELLA cable and the Global Gateway", [8, 11], "public"),
    (0, "18:00", "20:00", "plenary", "networking", 4, "Welcome reception", [], "none"),
    (1, "09:00", "09:45", "artificial-intelligence", "keynote", 0, "Keynote: AI that leaves no one behind", [13], "public"),
    (1, "10:00", "11:30", "cybersecurity", "panel", 1, "Protecting critical infrastructure", [5, 6, 7], "registered"),
    (1, "10:00", "11:30", "e-governance", "workshop", 2, "Workshop: designing digital public services with citizens", [3, 10], "none"),
    (1, "10:00", "11:30", "data-governance", "panel", 3, "Open data for climate and Earth observation", [15, 4], "public"),
    (1, "11:45", "13:00", "connectivity", "panel", 1, "Financing digital infrastructure", [8, 2], "public"),
    (1, "11:45", "13:00", "artificial-intelligence", "workshop", 2, "Workshop: AI governance sandboxes", [13, 14], "none"),
    (1, "11:45", "13:00", "cybersecurity", "workshop", 3, "Workshop: incident response across CSIRTs", [6], "none"),
    (1, "13:00", "14:30", "plenary", "networking", 4, "Networking lunch: regional exchanges", [], "none"),
    (1, "14:30", "16:00", "e-governance", "panel", 0, "Electronic signatures and cross-border trust", [3, 12, 1], "public"),
    (1, "14:30", "16:00", "data-governance", "panel", 1, "Data spaces: lessons from Europe", [11, 9], "registered"),
    (1, "14:30", "16:00", "connectivity", "workshop", 2, "Workshop: spectrum policy for the next decade", [7], "none"),
    (1, "16:30", "17:30", "artificial-intelligence", "panel", 1, "Skills for the AI era", [9, 14, 10], "public"),
    (1, "16:30", "17:30", "cybersecurity", "panel", 2, "Cybersecurity skills and careers", [5, 12], "none"),
    (2, "09:00", "10:30", "data-governance", "panel", 0, "Towards a bi-regional data governance agenda", [4, 1, 12], "public"),
    (2, "10:45", "12:00", "e-governance", "panel", 1, "Digitising public registries", [3, 15], "registered"),
    (2, "10:45", "12:00", "connectivity", "panel", 2, "Meaningful connectivity for the Caribbean", [7, 8], "public"),
    (2, "10:45", "12:00", "artificial-intelligence", "workshop", 3, "Workshop: auditing algorithms", [13, 10], "none"),
    (2, "12:00", "13:30", "plenary", "networking", 4, "Networking lunch: Team Europe meets LAC", [], "none"),
    (2, "13:30", "15:00", "cybersecurity", "panel", 1, "Cyber diplomacy and norms", [5, 2], "public"),
    (2, "13:30", "15:00", "data-governance", "workshop", 2, "Workshop: roadmap of the 2024 policy dialogues", [11, 0], "none"),
    (2, "15:30", "16:30", "plenary", "plenary", 0, "Reports from the five themes", [4, 3, 5, 7, 13], "public"),
    (2, "16:30", "17:30", "plenary", "plenary", 0, "Closing plenary: towards the EU–CELAC Summit 2025", [0, 1, 2], "public"),
]

# fmt: on

DEMO_LIVESTREAM = "https://stream.alliance-days.example/{slug}"
DEMO_RECORDING = "https://stream.alliance-days.example/recordings/{slug}"


def _at(day: int, hhmm: str, tz) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime.combine(EVENT["start_date"] + timedelta(days=day), time(hours, minutes), tz)


def _update(instance, values: dict) -> list[str]:
    """Set the values that differ on the instance; return the names of the changed fields."""
    changed = [name for name, value in values.items() if getattr(instance, name, None) != value]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def _upsert(model, lookup: dict, values: dict):
    """Create the row, or save it only when a value differs: unlike update_or_create(), an
    unchanged row is not written, so its updated_at stays."""
    instance = model.objects.filter(**lookup).first() or model(**lookup)
    if _update(instance, values) or instance.pk is None:
        instance.save()
    return instance


@transaction.atomic
def demo_programme_load(*, starts_in: timedelta | None = None, past: bool = False) -> Event:
    """Create or update the demo event. Loading it twice changes nothing.

    With `starts_in`, the whole programme moves so the first session starts that long from now
    (to try reminders and livestreams today); with `past`, it moves by whole days so that its
    last day was yesterday (to try what follows an event). Sessions that move get a higher
    SEQUENCE.
    """
    event, _ = Event.objects.get_or_create(slug=EVENT["slug"], defaults=EVENT)
    tz = event.tz
    first = min(_at(day, start, tz) for day, start, *_ in SESSIONS)
    last = max(_at(day, end, tz) for day, _start, end, *_ in SESSIONS)
    shift = timedelta(0)
    if starts_in is not None:
        shift = (timezone.now() + starts_in).replace(second=0, microsecond=0) - first
    elif past:
        # Whole days added to times in the event's zone keep each session's time of day.
        yesterday = timezone.localdate(timezone=tz) - timedelta(days=1)
        shift = yesterday - last.date()
    event_values = {
        **EVENT,
        "start_date": (first + shift).astimezone(tz).date(),
        "end_date": (last + shift).astimezone(tz).date(),
    }
    # Widen before moving sessions and narrow after, so the dates always contain them.
    Event.objects.filter(pk=event.pk).update(
        start_date=min(event.start_date, event_values["start_date"]),
        end_date=max(event.end_date, event_values["end_date"]),
    )
    event.refresh_from_db()

    themes = {}
    for position, (slug, name, colour, description) in enumerate(THEMES):
        themes[slug] = _upsert(
            Theme,
            {"slug": slug},
            {"name": name, "colour": colour, "description": description, "position": position},
        )
    rooms = [
        _upsert(Room, {"venue": VENUE, "name": name}, {"floor": floor, "capacity": capacity})
        for name, floor, capacity in ROOMS
    ]
    speakers = [
        _upsert(
            Speaker,
            {"slug": slugify(name)},
            {
                "name": name,
                "affiliation": affiliation,
                "country": country,
                "bio": f"{name} works at {affiliation.removesuffix(' (sample)')}. Sample speaker.",
            },
        )
        for name, affiliation, country in SPEAKERS
    ]

    for day, start, end, theme, format_, room, title, speaker_ids, stream in SESSIONS:
        slug = slugify(title)
        values = {
            "theme": themes[theme],
            "format": format_,
            "room": rooms[room],
            "starts_at": _at(day, start, tz) + shift,
            "ends_at": _at(day, end, tz) + shift,
            "livestream_visibility": stream,
            "livestream_url": DEMO_LIVESTREAM.format(slug=slug) if stream != "none" else "",
            "recording_url": DEMO_RECORDING.format(slug=slug) if stream != "none" else "",
            "capacity": rooms[room].capacity if format_ == "workshop" else None,
            "abstract": f"{title}. A sample session of the {themes[theme].name} theme.",
        }
        session = Session.objects.filter(event=event, title=title).first() or Session(
            event=event, title=title
        )
        changed = _update(session, values)
        if changed or session.pk is None:
            services.session_save(session=session, changed_fields=changed)
        session.speakers.set([speakers[i] for i in speaker_ids])

    changed = _update(event, event_values)
    if changed:
        event.save(update_fields=changed)
    return event
