"""The Digital Alliance Days 2023 (Cartagena de Indias) as demo data.

Dates, place, hosts and themes come from the event's public description; rooms, speakers and the
session list are a plausible *sample* programme, and the event description says so.
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone, translation
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

# The event in Spanish and Brazilian Portuguese (field suffixes of events/translation.py).
EVENT_TRANSLATIONS = {
    "es": {
        "name": "Jornadas de la Alianza Digital UE–ALC 2023",
        "hosts": "Unión Europea y Agencia Española de Cooperación Internacional para el "
        "Desarrollo (AECID)",
        "description": (
            "El primer diálogo político de alto nivel de la Alianza Digital UE–ALC, tras la "
            "Declaración Conjunta sobre una Alianza Digital firmada en julio de 2023. Gobiernos, "
            "instituciones de la UE y el Equipo Europa, organizaciones regionales, el sector "
            "privado, la sociedad civil y la academia de Europa, América Latina y el Caribe se "
            "reúnen para impulsar una transformación digital centrada en las personas, basada en "
            "una infraestructura segura y resiliente, con una contribución inicial de la UE de "
            "145 millones de euros. Cinco ejes: gobernanza de datos, gobierno electrónico, "
            "ciberseguridad, conectividad e inteligencia artificial. Las conclusiones orientarán "
            "la agenda de la Cumbre UE–CELAC de 2025. Algunas sesiones se transmiten en directo."
            "\n\nEste es un programa de ejemplo para demostración: las salas, los ponentes y las "
            "sesiones son ilustrativos, no la agenda oficial."
        ),
    },
    "pt_br": {
        "name": "Jornadas da Aliança Digital UE–ALC 2023",
        "hosts": "União Europeia e Agência Espanhola de Cooperação Internacional para o "
        "Desenvolvimento (AECID)",
        "description": (
            "O primeiro diálogo político de alto nível da Aliança Digital UE–ALC, após a "
            "Declaração Conjunta sobre uma Aliança Digital assinada em julho de 2023. Governos, "
            "instituições da UE e a Equipe Europa, organizações regionais, o setor privado, a "
            "sociedade civil e a academia da Europa, da América Latina e do Caribe se reúnem para "
            "promover uma transformação digital centrada no ser humano, construída sobre uma "
            "infraestrutura segura e resiliente, com uma contribuição inicial da UE de 145 "
            "milhões de euros. Cinco eixos: governança de dados, governo eletrônico, "
            "cibersegurança, conectividade e inteligência artificial. Os resultados vão orientar "
            "a agenda da Cúpula UE–CELAC de 2025. Algumas sessões são transmitidas ao vivo."
            "\n\nEste é um programa de exemplo para demonstração: salas, palestrantes e sessões "
            "são ilustrativos, não a agenda oficial."
        ),
    },
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

# English name: ((Spanish name, description), (Brazilian Portuguese name, description))
THEME_TRANSLATIONS = {
    "Plenary": (("Plenaria", "Sesiones de apertura, de clausura y de alto nivel, abiertas a todos."), ("Plenária", "Sessões de abertura, de encerramento e de alto nível, abertas a todos.")),
    "Data governance": (("Gobernanza de datos", "Compartir y proteger los datos entre ambas regiones."), ("Governança de dados", "Compartilhar e proteger dados entre as duas regiões.")),
    "E-governance": (("Gobierno electrónico", "Servicios públicos digitales, registros, identidad digital y firma electrónica."), ("Governo eletrônico", "Serviços públicos digitais, registros, identidade digital e assinatura eletrônica.")),
    "Cybersecurity": (("Ciberseguridad", "Infraestructura resiliente y cooperación frente a las ciberamenazas."), ("Cibersegurança", "Infraestrutura resiliente e cooperação contra ameaças cibernéticas.")),
    "Connectivity": (("Conectividad", "El cable BELLA, las inversiones de Global Gateway y el cierre de la brecha digital."), ("Conectividade", "O cabo BELLA, os investimentos do Global Gateway e a redução da exclusão digital.")),
    "Artificial intelligence": (("Inteligencia artificial", "IA confiable y centrada en las personas, y tecnologías emergentes."), ("Inteligência artificial", "IA confiável e centrada no ser humano, e tecnologias emergentes.")),
}

VENUE = EVENT["venue"]
# (name, floor, capacity, (Spanish name, floor), (Brazilian Portuguese name, floor))
ROOMS = [
    ("Plenary Hall", "Ground floor", 600, ("Sala Plenaria", "Planta baja"), ("Sala Plenária", "Térreo")),
    ("Room Barú", "First floor", 120, ("Sala Barú", "Primer piso"), ("Sala Barú", "Primeiro andar")),
    ("Room Getsemaní", "First floor", 100, ("Sala Getsemaní", "Primer piso"), ("Sala Getsemaní", "Primeiro andar")),
    ("Room Bocagrande", "Second floor", 80, ("Sala Bocagrande", "Segundo piso"), ("Sala Bocagrande", "Segundo andar")),
    ("Terrace", "Roof", 250, ("Terraza", "Azotea"), ("Terraço", "Cobertura")),
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

# Some sessions in Spanish and Brazilian Portuguese, with the language they are spoken in and
# those they are interpreted into. English title: (Spanish title, Portuguese title, spoken,
# interpreted into). The others are in English only, spoken in English.
SESSION_TRANSLATIONS = {
    "Registration and welcome coffee": ("Acreditación y café de bienvenida", "Credenciamento e café de boas-vindas", "en", []),
    "Opening plenary: a human-centric digital alliance": ("Plenaria de apertura: una alianza digital centrada en las personas", "Plenária de abertura: uma aliança digital centrada nas pessoas", "en", ["es", "pt"]),
    "Keynote: from the Joint Declaration to action": ("Conferencia magistral: de la Declaración Conjunta a la acción", "Palestra magna: da Declaração Conjunta à ação", "en", ["es", "pt"]),
    "Data flows between Europe and Latin America": ("Flujos de datos entre Europa y América Latina", "Fluxos de dados entre a Europa e a América Latina", "es", ["en"]),
    "Digital identity and interoperable registries": ("Identidad digital y registros interoperables", "Identidade digital e registros interoperáveis", "pt", ["es", "en"]),
    "Workshop: designing digital public services with citizens": ("Taller: diseñar servicios públicos digitales con la ciudadanía", "Oficina: projetar serviços públicos digitais com os cidadãos", "es", []),
    "Networking lunch": ("Almuerzo de networking", "Almoço de networking", "en", []),
    "Closing plenary: towards the EU–CELAC Summit 2025": ("Plenaria de clausura: hacia la Cumbre UE–CELAC 2025", "Plenária de encerramento: rumo à Cúpula UE–CELAC 2025", "en", ["es", "pt"]),
}

AFFILIATION_TRANSLATIONS = {  # English: (Spanish, Portuguese)
    "Ministry of ICT (sample)": ("Ministerio de Tecnologías de la Información y las Comunicaciones (ejemplo)", "Ministério das Tecnologias da Informação e Comunicações (exemplo)"),
    "European Commission, DG INTPA (sample)": ("Comisión Europea, DG INTPA (ejemplo)", "Comissão Europeia, DG INTPA (exemplo)"),
    "AECID (sample)": ("AECID (ejemplo)", "AECID (exemplo)"),
    "Digital government agency (sample)": ("Agencia de gobierno digital (ejemplo)", "Agência de governo digital (exemplo)"),
    "Regional data protection network (sample)": ("Red regional de protección de datos (ejemplo)", "Rede regional de proteção de dados (exemplo)"),
    "EU cybersecurity agency (sample)": ("Agencia de ciberseguridad de la UE (ejemplo)", "Agência de cibersegurança da UE (exemplo)"),
    "National CSIRT (sample)": ("CSIRT nacional (ejemplo)", "CSIRT nacional (exemplo)"),
    "Caribbean telecoms regulator (sample)": ("Regulador de telecomunicaciones del Caribe (ejemplo)", "Órgão regulador de telecomunicações do Caribe (exemplo)"),
    "European investment bank (sample)": ("Banco europeo de inversiones (ejemplo)", "Banco europeu de investimento (exemplo)"),
    "University research network (sample)": ("Red universitaria de investigación (ejemplo)", "Rede universitária de pesquisa (exemplo)"),
    "Civil society digital rights group (sample)": ("Organización de la sociedad civil por los derechos digitales (ejemplo)", "Organização da sociedade civil pelos direitos digitais (exemplo)"),
    "Digital4Development Hub (sample)": ("Digital4Development Hub (ejemplo)", "Digital4Development Hub (exemplo)"),
    "Ministry of Digital Transformation (sample)": ("Ministerio de Transformación Digital (ejemplo)", "Ministério da Transformação Digital (exemplo)"),
    "AI research institute (sample)": ("Instituto de investigación en IA (ejemplo)", "Instituto de pesquisa em IA (exemplo)"),
    "Tech start-up association (sample)": ("Asociación de empresas emergentes tecnológicas (ejemplo)", "Associação de startups de tecnologia (exemplo)"),
    "Earth observation programme (sample)": ("Programa de observación de la Tierra (ejemplo)", "Programa de observação da Terra (exemplo)"),
}

COUNTRY_TRANSLATIONS = {  # English: (Spanish, Portuguese)
    "Colombia": ("Colombia", "Colômbia"), "Belgium": ("Bélgica", "Bélgica"), "Spain": ("España", "Espanha"),
    "Brazil": ("Brasil", "Brasil"), "Uruguay": ("Uruguay", "Uruguai"), "France": ("Francia", "França"),
    "Chile": ("Chile", "Chile"), "Jamaica": ("Jamaica", "Jamaica"), "Poland": ("Polonia", "Polônia"),
    "Mexico": ("México", "México"), "Argentina": ("Argentina", "Argentina"), "Italy": ("Italia", "Itália"),
    "Peru": ("Perú", "Peru"), "Sweden": ("Suecia", "Suécia"), "Costa Rica": ("Costa Rica", "Costa Rica"),
    "Portugal": ("Portugal", "Portugal"),
}

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


def _in_languages(field: str, english: str, spanish: str | None, portuguese: str | None) -> dict:
    """The values of a translated field's columns (events/translation.py)."""
    values = {f"{field}_en": english}
    if spanish is not None:
        values[f"{field}_es"] = spanish
    if portuguese is not None:
        values[f"{field}_pt_br"] = portuguese
    return values


def _speaker_texts(name: str, affiliation: str, country: str) -> dict:
    """A speaker's affiliation, country and (made-up) bio in the three languages."""
    spanish, portuguese = AFFILIATION_TRANSLATIONS[affiliation]
    return {
        **_in_languages("affiliation", affiliation, spanish, portuguese),
        **_in_languages("country", country, *COUNTRY_TRANSLATIONS[country]),
        **_in_languages(
            "bio",
            f"{name} works at {affiliation.removesuffix(' (sample)')}. Sample speaker.",
            f"{name} trabaja en {spanish.removesuffix(' (ejemplo)')}. Ponente de ejemplo.",
            f"{name} trabalha em {portuguese.removesuffix(' (exemplo)')}. Palestrante de exemplo.",
        ),
    }


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
    # Every translated value is given by its column; the English ones also fill the original
    # columns, which hold the active language's text when a row is saved.
    with translation.override("en"):
        return _load(starts_in, past)


def _load(starts_in: timedelta | None, past: bool) -> Event:
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
    for field in ("name", "hosts", "description"):
        spanish, portuguese = (EVENT_TRANSLATIONS[code][field] for code in ("es", "pt_br"))
        event_values.update(_in_languages(field, event_values.pop(field), spanish, portuguese))
    # Widen before moving sessions and narrow after, so the dates always contain them.
    Event.objects.filter(pk=event.pk).update(
        start_date=min(event.start_date, event_values["start_date"]),
        end_date=max(event.end_date, event_values["end_date"]),
    )
    event.refresh_from_db()

    themes = {}
    for position, (slug, name, colour, description) in enumerate(THEMES):
        (name_es, description_es), (name_pt, description_pt) = THEME_TRANSLATIONS[name]
        themes[slug] = _upsert(
            Theme,
            {"slug": slug},
            {
                **_in_languages("name", name, name_es, name_pt),
                **_in_languages("description", description, description_es, description_pt),
                "colour": colour,
                "position": position,
            },
        )
    rooms = [
        _upsert(
            Room,
            {"venue": VENUE, "name_en": name},
            {
                **_in_languages("name", name, spanish[0], portuguese[0]),
                **_in_languages("floor", floor, spanish[1], portuguese[1]),
                "capacity": capacity,
            },
        )
        for name, floor, capacity, spanish, portuguese in ROOMS
    ]
    speakers = [
        _upsert(
            Speaker,
            {"slug": slugify(name)},
            {"name": name, **_speaker_texts(name, affiliation, country)},
        )
        for name, affiliation, country in SPEAKERS
    ]

    for day, start, end, theme, format_, room, title, speaker_ids, stream in SESSIONS:
        slug = slugify(title)
        title_es, title_pt, spoken, interpreted = SESSION_TRANSLATIONS.get(
            title, (None, None, "en", [])
        )
        theme_es, theme_pt = (names[0] for names in THEME_TRANSLATIONS[themes[theme].name_en])
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
            "language": spoken,
            "interpretation": interpreted,
            **_in_languages("title", title, title_es, title_pt),
            **_in_languages(
                "abstract",
                f"{title}. A sample session of the {themes[theme].name_en} theme.",
                title_es and f"{title_es}. Una sesión de ejemplo del eje {theme_es}.",
                title_pt and f"{title_pt}. Uma sessão de exemplo do eixo {theme_pt}.",
            ),
        }
        session = Session.objects.filter(event=event, title_en=title).first() or Session(
            event=event
        )
        changed = _update(session, values)
        if changed or session.pk is None:
            services.session_save(session=session, changed_fields=changed)
        session.speakers.set([speakers[i] for i in speaker_ids])

    changed = _update(event, event_values)
    if changed:
        event.save(update_fields=changed)
    return event
