"""The programme in the frab / c3voc schedule format, read by conference apps (Giggity,
EventFahrplan, ConfClerk) and video pipelines.

One builder makes the JSON document (validator/json/schema.json of voc/schedule) and the XML
is written from that same document (validator/xsd/schedule.xml.xsd), so both always agree.
Identifiers never change when a session moves: a session's `guid` is a UUID named after the
same identity as its iCalendar UID (`session-<pk>@<host>`), speakers' and rooms' after theirs;
nothing is derived from an email address. Cancelled sessions are left out. Livestream and
recording links follow the pages' rule (Session.livestream) for a visitor who is not registered.
"""

import re
import uuid
import xml.etree.ElementTree as ET
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Event, Session

# Fixed for ever: every guid in every export is named in it.
GUID_NAMESPACE = uuid.UUID("6f0d3f4e-5b1a-4c47-9a53-2f1f2a0b7d11")
SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# The zone names the JSON schema takes (`Etc/GMT+5` or `US/Eastern` are left out: optional).
TIME_ZONE_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")
# XML 1.0 cannot carry these (a title pasted from elsewhere may hold one); JSON can.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def conference_acronym(event: Event) -> str:
    """The event's slug as the format wants an acronym: lower case, at least four characters,
    underscores where the slug has hyphens (the JSON schema takes a hyphen only first)."""
    return event.slug.lower().replace("-", "_").ljust(4, "_")


def _guid(kind: str, pk: int, host: str) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}-{pk}@{host}"))


def _hh_mm(span: timedelta) -> str:
    minutes = int(span.total_seconds()) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _day_bounds(day: date, event: Event) -> tuple[str, str]:
    start = datetime.combine(day, time.min, tzinfo=event.tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=event.tz)
    return start.isoformat(), end.isoformat()


class _Sessions:
    """Turns sessions into schedule events, with what they share worked out once."""

    def __init__(self, event: Event, *, site_url: str, at: datetime) -> None:
        self.event = event
        self.at = at
        self.host = urlsplit(site_url).hostname or "localhost"
        self.acronym = conference_acronym(event)
        page = site_url + reverse("events:session_detail", kwargs={"slug": event.slug, "pk": 0})
        self.page_head, _zero, self.page_tail = page.rpartition("/0/")
        self.link_titles = {
            "live": _("Livestream"),
            "soon": _("Livestream"),
            "recording": _("Recording"),
        }

    def room_name(self, session: Session) -> str:
        return session.room.name if session.room else self.event.venue

    def links(self, session: Session) -> list[dict]:
        stream = session.livestream(registered=False, at=self.at)
        if stream is None or stream.url is None:
            return []
        return [{"url": stream.url, "title": self.link_titles[stream.state], "type": "media"}]

    def __call__(self, session: Session) -> dict:
        starts = session.starts_at.astimezone(self.event.tz)
        title_slug = slugify(session.title)[:50].strip("-_")
        return {
            "guid": _guid("session", session.pk, self.host),
            "id": session.pk,
            "date": starts.isoformat(),
            "start": f"{starts:%H:%M}",
            "end": session.ends_at.astimezone(self.event.tz).isoformat(),
            "duration": _hh_mm(session.ends_at - session.starts_at),
            "room": self.room_name(session),
            "slug": "-".join(part for part in (self.acronym, str(session.pk), title_slug) if part),
            "url": f"{self.page_head}/{session.pk}/{self.page_tail}",
            "title": session.title,
            "subtitle": None,
            "track": session.theme.name,
            "type": session.format,
            "language": session.language,
            "abstract": session.abstract,
            "persons": [
                {"name": speaker.name, "guid": _guid("speaker", speaker.pk, self.host)}
                for speaker in session.speakers.all()
            ],
            "links": self.links(session),
        }


def schedule_document(
    event: Event, sessions: list[Session], *, site_url: str, version: str, at: datetime
) -> dict:
    """The schedule as the c3voc JSON schema describes it. `sessions` come from
    `events.programme_data.sessions_for_schedule` (time order, cancelled ones left out);
    `version` tells one state of the programme from another."""
    make = _Sessions(event, site_url=site_url, at=at)
    days_count = (event.end_date - event.start_date).days + 1
    by_day: dict[date, dict[str, list]] = {
        event.start_date + timedelta(days=n): {} for n in range(days_count)
    }
    rooms = {}
    for session in sessions:
        day = session.starts_at.astimezone(event.tz).date()
        by_day.setdefault(day, {}).setdefault(make.room_name(session), []).append(make(session))
        if session.room and session.room.pk not in rooms:
            rooms[session.room.pk] = {
                "name": session.room.name,
                "guid": _guid("room", session.room.pk, make.host),
                "capacity": session.room.capacity,
            }
    tracks = {session.theme.pk: session.theme for session in sessions}
    days = []
    for index, (day, day_rooms) in enumerate(sorted(by_day.items()), start=1):
        day_start, day_end = _day_bounds(day, event)
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": day_start,
                "day_end": day_end,
                "rooms": day_rooms,
            }
        )
    conference = {
        "acronym": make.acronym,
        "title": event.name,
        "description": event.description,
        "start": event.start_date.isoformat(),
        "end": event.end_date.isoformat(),
        "daysCount": days_count,
        "timeslot_duration": "00:05",
        "url": site_url + event.get_absolute_url(),
        "tracks": [
            {
                "name": theme.name,
                **({"color": theme.colour} if HEX_COLOUR.fullmatch(theme.colour) else {}),
            }
            for theme in sorted(tracks.values(), key=lambda t: (t.position, t.name))
        ],
        "rooms": sorted(rooms.values(), key=lambda room: room["name"]),
        "days": days,
    }
    if TIME_ZONE_NAME.search(event.time_zone):
        conference["time_zone_name"] = event.time_zone
    return {
        "$schema": SCHEMA_URL,
        "generator": {"name": "Alliance Days"},
        "schedule": {"version": version, "base_url": site_url + "/", "conference": conference},
    }


def _text(parent: ET.Element, tag: str, value, attrs: dict | None = None) -> ET.Element:
    attrs = {name: NOT_XML.sub("", str(v)) for name, v in (attrs or {}).items()}
    element = ET.SubElement(parent, tag, attrs)
    if value is not None:
        element.text = NOT_XML.sub("", str(value))
    return element


def _xml_event(parent: ET.Element, item: dict) -> None:
    element = ET.SubElement(parent, "event", guid=item["guid"], id=str(item["id"]))
    for name in ("room", "title", "type", "date", "start", "duration", "abstract", "track"):
        _text(element, name, item[name])
    _text(element, "language", item["language"])
    _text(element, "url", item["url"])
    persons = ET.SubElement(element, "persons")
    for person in item["persons"]:
        _text(persons, "person", person["name"], {"guid": person["guid"]})
    links = ET.SubElement(element, "links")
    for link in item["links"]:
        _text(links, "link", link["title"], {"href": link["url"], "type": link["type"]})


def schedule_xml(document: dict) -> bytes:
    """The same schedule as schedule.xml (the c3voc XSD)."""
    schedule = document["schedule"]
    conference = schedule["conference"]
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name=document["generator"]["name"])
    _text(root, "version", schedule["version"])
    head = ET.SubElement(root, "conference")
    for name in ("title", "acronym", "start", "end"):
        _text(head, name, conference[name])
    _text(head, "days", conference["daysCount"])
    for name in ("timeslot_duration", "time_zone_name", "url"):
        if name in conference:
            _text(head, name, conference[name])
    for track in conference["tracks"]:
        _text(head, "track", track["name"], track)
    for day in conference["days"]:
        day_element = ET.SubElement(
            root,
            "day",
            index=str(day["index"]),
            date=day["date"],
            start=day["day_start"],
            end=day["day_end"],
        )
        for room, items in day["rooms"].items():
            room_element = _text(day_element, "room", None, {"name": room})
            for item in items:
                _xml_event(room_element, item)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
