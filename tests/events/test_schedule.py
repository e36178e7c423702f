"""The frab / c3voc schedule export, validated against the format's own schemas
(tests/schemas/c3voc, vendored from voc/schedule)."""

import json
import uuid
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.utils import timezone
from lxml import etree

from events import services
from events.demo import demo_programme_load
from events.models import Session
from events.schedule import GUID_NAMESPACE
from tests.events.test_views import BUILT_QUERIES, bogota, programme_of
from tests.factories import (
    EventFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas" / "c3voc"
XSD = etree.XMLSchema(etree.parse(SCHEMAS / "schedule.xml.xsd"))
JSON_SCHEMA = json.loads((SCHEMAS / "schema.json").read_text())
# Then: the sessions, their themes, rooms and speakers (the event is known).
SCHEDULE_QUERIES = BUILT_QUERIES + 4


def json_url(event) -> str:
    return f"/events/{event.slug}/schedule.json"


def xml_url(event) -> str:
    return f"/events/{event.slug}/schedule.xml"


def valid_json(response) -> dict:
    """The document, after checking it against the c3voc JSON schema, formats included."""
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = json.loads(response.content)
    validator = jsonschema.Draft6Validator(
        JSON_SCHEMA, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []
    return document


def valid_xml(response) -> etree._Element:
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    root = etree.fromstring(response.content)
    XSD.validate(root)
    assert [str(error) for error in XSD.error_log] == []
    return root


def events_of(document: dict) -> list[dict]:
    return [
        item
        for day in document["schedule"]["conference"]["days"]
        for items in day["rooms"].values()
        for item in items
    ]


def test_schedule_demo_validates_against_both_schemas(client):
    event = demo_programme_load()

    document = valid_json(client.get(json_url(event)))
    root = valid_xml(client.get(xml_url(event)))

    conference = document["schedule"]["conference"]
    assert (conference["acronym"], conference["daysCount"], conference["time_zone_name"]) == (
        "digital_alliance_days_2023",
        3,
        "America/Bogota",
    )
    assert [day["date"] for day in conference["days"]] == ["2023-11-27", "2023-11-28", "2023-11-29"]
    assert conference["days"][0]["day_start"] == "2023-11-27T00:00:00-05:00"
    assert len(events_of(document)) == event.sessions.filter(status="scheduled").count() == 34
    assert len(root.findall("day/room/event")) == 34
    assert root.findtext("conference/acronym") == "digital_alliance_days_2023"
    first = root.find("day/room/event")
    assert first.findtext("start") == first.findtext("date")[11:16]


def test_schedule_300_sessions_validate_with_constant_queries(client, django_assert_num_queries):
    event = programme_of(300)

    with django_assert_num_queries(SCHEDULE_QUERIES):
        document = valid_json(client.get(json_url(event)))
    with django_assert_num_queries(SCHEDULE_QUERIES - 1):  # the moments are read already
        root = valid_xml(client.get(xml_url(event)))

    assert len(events_of(document)) == len(root.findall("day/room/event")) == 300
    guids = [item["guid"] for item in events_of(document)]
    assert sorted(guids) == sorted(e.get("guid") for e in root.iter("event"))
    assert len(set(guids)) == 300


def test_schedule_event_fields(client):
    event = EventFactory(slug="dad")
    speaker = SpeakerFactory(name="Ana Pérez")
    room = RoomFactory(name="Room Barú")
    session = SessionFactory(
        event=event,
        room=room,
        title="Data spaces",
        abstract="Sharing data.",
        theme=ThemeFactory(name="Data governance", colour="#1b7f5a"),
        format=Session.Format.WORKSHOP,
        language=Session.Language.ES,
        starts_at=bogota(2, 9, 30),
        ends_at=bogota(2, 11),
        speakers=[speaker],
    )
    host = "localhost"  # settings.SITE_URL's

    document = valid_json(client.get(json_url(event)))

    assert settings.SITE_URL == "http://localhost:8000"
    assert events_of(document) == [
        {
            "guid": str(uuid.uuid5(GUID_NAMESPACE, f"session-{session.pk}@{host}")),
            "id": session.pk,
            "date": "2030-11-28T09:30:00-05:00",
            "start": "09:30",
            "end": "2030-11-28T11:00:00-05:00",
            "duration": "01:30",
            "room": "Room Barú",
            "slug": f"dad_-{session.pk}-data-spaces",
            "url": f"http://localhost:8000/events/dad/sessions/{session.pk}/",
            "title": "Data spaces",
            "subtitle": None,
            "track": "Data governance",
            "type": "workshop",
            "language": "es",
            "abstract": "Sharing data.",
            # Named after the speaker's record, never an email address.
            "persons": [
                {
                    "name": "Ana Pérez",
                    "guid": str(uuid.uuid5(GUID_NAMESPACE, f"speaker-{speaker.pk}@{host}")),
                }
            ],
            "links": [],
        }
    ]
    conference = document["schedule"]["conference"]
    assert conference["acronym"] == "dad_"  # four characters at least
    assert conference["tracks"] == [{"name": "Data governance", "color": "#1b7f5a"}]
    assert [list(day["rooms"]) for day in conference["days"]] == [[], ["Room Barú"], []]

    root = valid_xml(client.get(xml_url(event)))
    xml_event = root.find("day[@index='2']/room[@name='Room Barú']/event")
    assert (xml_event.get("id"), xml_event.findtext("duration"), xml_event.findtext("track")) == (
        str(session.pk),
        "01:30",
        "Data governance",
    )
    assert [(p.text, p.get("guid"), p.get("id")) for p in xml_event.iter("person")] == [
        ("Ana Pérez", conference["days"][1]["rooms"]["Room Barú"][0]["persons"][0]["guid"], None)
    ]


def test_schedule_guid_stays_when_session_moves_and_cancelled_left_out(client):
    event = EventFactory()
    moving, cancelled = SessionFactory.create_batch(2, event=event)
    before = valid_json(client.get(json_url(event)))

    moving.starts_at, moving.ends_at = bogota(3, 15), bogota(3, 16)
    moving.room = RoomFactory(name="Terrace")
    services.session_save(session=moving, changed_fields=["starts_at", "ends_at", "room"])
    services.sessions_cancel(session_ids=[cancelled.pk])
    after = valid_json(client.get(json_url(event)))

    moved = {item["id"]: item for item in events_of(before)}[moving.pk]
    assert [
        (item["id"], item["guid"], item["room"], item["start"]) for item in events_of(after)
    ] == [(moving.pk, moved["guid"], "Terrace", "15:00")]
    assert after["schedule"]["version"] != before["schedule"]["version"]
    root = valid_xml(client.get(xml_url(event)))
    assert [e.get("guid") for e in root.iter("event")] == [moved["guid"]]


def current_event():
    """An event whose days include today (and the hours around now, in any zone)."""
    today = timezone.now().date()
    return EventFactory(start_date=today - timedelta(days=1), end_date=today + timedelta(days=1))


def test_schedule_livestream_link_follows_the_pages_rule(client):
    event = current_event()
    now = timezone.now()
    kwargs = {"event": event, "livestream_url": "https://stream.example/live"}
    live = SessionFactory(
        **kwargs,
        livestream_visibility="public",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=1),
    )
    registered_only = SessionFactory(
        **kwargs,
        livestream_visibility="registered",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=1),
        room=RoomFactory(),
    )
    later = SessionFactory(
        **kwargs,
        livestream_visibility="public",
        starts_at=now + timedelta(hours=2),
        ends_at=now + timedelta(hours=3),
    )

    links = {
        item["id"]: item["links"] for item in events_of(valid_json(client.get(json_url(event))))
    }

    assert links == {
        live.pk: [{"url": "https://stream.example/live", "title": "Livestream", "type": "media"}],
        registered_only.pk: [],
        later.pk: [],
    }
    root = valid_xml(client.get(xml_url(event)))
    assert [(link.get("href"), link.text) for link in root.iter("link")] == [
        ("https://stream.example/live", "Livestream")
    ]


def test_schedule_xml_hostile_text_stays_valid(client):
    session = SessionFactory(title='Line\x0btab\x1f <b>&amp; "q"', abstract="]]> <!-- x")

    root = valid_xml(client.get(xml_url(session.event)))
    assert valid_json(client.get(json_url(session.event)))

    assert root.findtext("day/room/event/title") == 'Linetab <b>&amp; "q"'
    assert root.findtext("day/room/event/abstract") == "]]> <!-- x"


def test_schedule_draft_404_for_public_private_for_organisers(client):
    event = EventFactory(published=False)
    SessionFactory(event=event)

    assert [client.get(url).status_code for url in (json_url(event), xml_url(event))] == [404, 404]

    client.force_login(UserFactory(is_staff=True))
    response = client.get(json_url(event))
    assert (response["Cache-Control"], "ETag" in response) == ("private, no-store", False)
    assert len(events_of(valid_json(response))) == 1


@pytest.mark.parametrize("url", [json_url, xml_url])
def test_schedule_etag_304_and_cache_control(client, url):
    session = SessionFactory()

    response = client.get(url(session.event))
    again = client.get(url(session.event), headers={"if-none-match": response["ETag"]})

    assert (response["Cache-Control"], again.status_code, again.content) == (
        "public, max-age=300",
        304,
        b"",
    )
    services.programme_save(record=session.theme, changed_fields=["name"])
    changed = client.get(url(session.event), headers={"if-none-match": response["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != response["ETag"]


def test_schedule_in_requested_language(client):
    event = current_event()
    now = timezone.now()
    SessionFactory(
        event=event,
        livestream_url="https://stream.example/x",
        livestream_visibility="public",
        starts_at=now + timedelta(minutes=5),
        ends_at=now + timedelta(hours=1),
    )

    english = valid_json(client.get(json_url(event)))
    spanish = valid_json(client.get(json_url(event), headers={"accept-language": "es"}))

    assert events_of(english)[0]["links"][0]["title"] == "Livestream"
    assert events_of(spanish)[0]["links"][0]["title"] == "Transmisión en directo"


@pytest.mark.parametrize(
    ("zone", "named"), [("Europe/Madrid", True), ("Etc/GMT+5", False), ("US/Eastern", False)]
)
def test_schedule_time_zone_named_when_the_schema_takes_it(client, zone, named):
    event = EventFactory(time_zone=zone)
    SessionFactory(event=event)

    document = valid_json(client.get(json_url(event)))
    root = valid_xml(client.get(xml_url(event)))

    conference = document["schedule"]["conference"]
    assert (conference.get("time_zone_name"), root.findtext("conference/time_zone_name")) == (
        (zone, zone) if named else (None, None)
    )
