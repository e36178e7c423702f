"""The read-only programme API (/api/v1/): its OpenAPI document is valid and every real
response conforms to it."""

from datetime import timedelta
from functools import cache

import jsonschema
import pytest
from django.test import Client
from django.utils import timezone
from openapi_spec_validator import validate

from events import services
from events.demo import demo_programme_load
from events.models import Session
from tests.events.test_views import BUILT_QUERIES, CACHED_QUERIES, bogota, programme_of
from tests.factories import EventFactory, RoomFactory, SessionFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "events_list": "/api/v1/events/",
    "events_retrieve": "/api/v1/events/{slug}/",
    "events_sessions_list": "/api/v1/events/{slug}/sessions/",
    "events_sessions_retrieve": "/api/v1/events/{slug}/sessions/{id}/",
    "events_themes_list": "/api/v1/events/{slug}/themes/",
    "events_rooms_list": "/api/v1/events/{slug}/rooms/",
    "events_speakers_list": "/api/v1/events/{slug}/speakers/",
}
# Queries of each endpoint, whatever the size of the programme: the event, with the programme's
# version (all of it when cached, or for a 304), the moments it changes with time, then what
# the response shows.
QUERIES = {
    "events_list": 3,  # stamp of the published events, count, page
    "events_retrieve": BUILT_QUERIES,
    "events_sessions_list": BUILT_QUERIES + 4,  # count, page, themes, speakers
    "events_sessions_retrieve": BUILT_QUERIES + 2,  # session with theme and room, speakers
    "events_themes_list": BUILT_QUERIES + 2,  # count, page
    "events_rooms_list": BUILT_QUERIES + 2,  # count, page
    "events_speakers_list": BUILT_QUERIES + 3,  # count, page, their sessions in the event
}
# The list of events is made afresh (two small queries) but answers 304 after its stamp.
CACHED = {**dict.fromkeys(QUERIES, CACHED_QUERIES), "events_list": 3}
NOT_MODIFIED = {**CACHED, "events_list": 1}


@cache
def openapi() -> dict:
    response = Client().get("/api/v1/schema/", headers={"accept": "application/json"})
    assert response.status_code == 200
    return response.json()


def conforming(response, operation: str) -> dict:
    """The response's JSON, after checking it against the operation's 200 response schema."""
    assert (response.status_code, response["Content-Type"]) == (200, "application/json")
    document = openapi()
    path = ENDPOINTS[operation]
    described = document["paths"][path]["get"]
    assert described["operationId"] == operation
    schema = {
        **described["responses"]["200"]["content"]["application/json"]["schema"],
        "components": document["components"],
    }
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    data = response.json()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []
    return data


def url(operation: str, event, session=None) -> str:
    return ENDPOINTS[operation].format(slug=event.slug, id=session.pk if session else 0)


def test_api_schema_is_valid_openapi_3_1():
    document = openapi()

    validate(document)

    assert document["openapi"] == "3.1.0"
    assert {path: next(iter(ops)) for path, ops in document["paths"].items()} == {
        path: "get" for path in ENDPOINTS.values()
    }
    sessions = document["paths"][ENDPOINTS["events_sessions_list"]]["get"]
    assert sorted(p["name"] for p in sessions["parameters"]) == [
        "day",
        "format",
        "lang",
        "language",
        "page",
        "page_size",
        "room",
        "slug",
        "theme",
    ]


def test_api_demo_every_endpoint_conforms(client):
    event = demo_programme_load()
    session = event.sessions.get(title="Building cyber resilience together")

    events = conforming(client.get(url("events_list", event)), "events_list")
    detail = conforming(client.get(url("events_retrieve", event)), "events_retrieve")
    sessions = conforming(client.get(url("events_sessions_list", event)), "events_sessions_list")
    one = conforming(
        client.get(url("events_sessions_retrieve", event, session)), "events_sessions_retrieve"
    )
    themes = conforming(client.get(url("events_themes_list", event)), "events_themes_list")
    rooms = conforming(client.get(url("events_rooms_list", event)), "events_rooms_list")
    speakers = conforming(client.get(url("events_speakers_list", event)), "events_speakers_list")

    assert [e["slug"] for e in events["results"]] == [event.slug]
    assert detail["schedule_xml"] == f"http://localhost:8000/events/{event.slug}/schedule.xml"
    assert (sessions["count"], len(sessions["results"]), sessions["next"]) == (34, 34, None)
    assert one == next(s for s in sessions["results"] if s["id"] == session.pk)
    assert (one["starts_at"], one["theme"], one["format_label"]) == (
        "2023-11-27T11:30:00-05:00",
        "cybersecurity",
        "Panel",
    )
    # The 2023 programme is over: public livestreams are recordings, as on the page.
    assert one["livestream"] == {
        "state": "recording",
        "url": "https://stream.alliance-days.example/recordings/building-cyber-resilience-together",
        "reveal_at": "2023-11-27T11:15:00-05:00",
    }
    assert [t["slug"] for t in themes["results"]][:2] == ["plenary", "data-governance"]
    assert rooms["count"] == 5
    assert all(s["sessions"] for s in speakers["results"])


def test_api_sessions_filters(client):
    event = EventFactory()
    theme, other_theme = ThemeFactory.create_batch(2)
    room = RoomFactory()
    kept = SessionFactory(
        event=event,
        theme=theme,
        room=room,
        format=Session.Format.WORKSHOP,
        language=Session.Language.PT,
        starts_at=bogota(2, 23),
        ends_at=bogota(2, 23, 30),
    )
    SessionFactory(
        event=event, theme=other_theme, room=room, starts_at=bogota(2, 9), ends_at=bogota(2, 10)
    )
    SessionFactory(event=event, theme=theme, starts_at=bogota(3, 9), ends_at=bogota(3, 10))
    base = url("events_sessions_list", event)

    def ids(**query):
        data = conforming(client.get(base, query), "events_sessions_list")
        return [s["id"] for s in data["results"]]

    # 23:00 in Bogota is the next day in UTC: a day is the event's.
    assert ids(
        day="2030-11-28", theme=theme.slug, room=room.pk, language="pt", format="workshop"
    ) == [kept.pk]
    assert len(ids(day="2030-11-28")) == 2
    assert len(ids(theme=theme.slug)) == 2
    assert ids(language="es") == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"day": "2030-13-01"}, "day"),
        ({"room": "abc"}, "room"),
        ({"room": str(10**38)}, "room"),
        ({"format": "party"}, "format"),
        ({"language": "de"}, "language"),
        ({"lang": "xx"}, "lang"),
        ({"page": "9"}, "detail"),
    ],
)
def test_api_bad_parameter_is_a_clear_400_or_404(client, query, field):
    session = SessionFactory()

    response = client.get(url("events_sessions_list", session.event), query)

    assert response.status_code == (404 if field == "detail" else 400)
    assert list(response.json()) == [field]


def test_api_language_from_lang_or_accept_language(client):
    session = SessionFactory(format=Session.Format.PLENARY)
    address = url("events_sessions_retrieve", session.event, session)

    english = client.get(address)
    spanish = client.get(address, {"lang": "es"})
    portuguese = client.get(address, headers={"accept-language": "pt"})

    assert [r.json()["format_label"] for r in (english, spanish, portuguese)] == [
        "Plenary",
        "Plenaria",
        "Plenária",
    ]
    assert [r["Content-Language"] for r in (english, spanish, portuguese)] == ["en", "es", "pt-br"]
    assert len({english["ETag"], spanish["ETag"], portuguese["ETag"]}) == 3


def test_api_livestream_links_only_public_and_when_revealed(client):
    today = timezone.now().date()
    event = EventFactory(start_date=today - timedelta(days=1), end_date=today + timedelta(days=1))
    now = timezone.now()
    common = {
        "event": event,
        "livestream_url": "https://stream.example/live",
        "starts_at": now - timedelta(minutes=5),
        "ends_at": now + timedelta(hours=1),
    }
    public = SessionFactory(**common, livestream_visibility="public")
    registered = SessionFactory(**common, livestream_visibility="registered", room=RoomFactory())

    data = conforming(client.get(url("events_sessions_list", event)), "events_sessions_list")

    streams = {s["id"]: s["livestream"] for s in data["results"]}
    assert streams[registered.pk] is None
    assert (streams[public.pk]["state"], streams[public.pk]["url"]) == (
        "live",
        "https://stream.example/live",
    )


@pytest.mark.parametrize("operation", [op for op in ENDPOINTS if op != "events_list"])
def test_api_draft_event_404_to_public_private_to_organisers(client, operation):
    session = SessionFactory(event=EventFactory(published=False))

    assert client.get(url(operation, session.event, session)).status_code == 404

    client.force_login(UserFactory(is_staff=True))
    response = client.get(url(operation, session.event, session))
    conforming(response, operation)
    assert (response["Cache-Control"], "ETag" in response) == ("private, no-store", False)


def test_api_events_list_leaves_drafts_out(client):
    published = EventFactory()
    EventFactory(published=False)

    data = conforming(client.get("/api/v1/events/"), "events_list")

    assert [e["slug"] for e in data["results"]] == [published.slug]


@pytest.mark.parametrize("operation", list(ENDPOINTS))
def test_api_etag_304_and_new_etag_on_change(client, operation):
    session = SessionFactory()
    address = url(operation, session.event, session)

    first = client.get(address)
    again = client.get(address, headers={"if-none-match": first["ETag"]})
    assert (first["Cache-Control"], again.status_code, again.content) == (
        "public, no-cache",
        304,
        b"",
    )

    services.programme_save(record=session.event, changed_fields=["name"])
    changed = client.get(address, headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


@pytest.mark.parametrize("size", [10, 300])
@pytest.mark.parametrize("operation", list(ENDPOINTS))
def test_api_queries_constant(client, django_assert_num_queries, operation, size):
    event = programme_of(size)
    address = url(operation, event, event.sessions.last())

    with django_assert_num_queries(QUERIES[operation]):
        first = client.get(address, {"page_size": 500})
    with django_assert_num_queries(CACHED[operation]):
        cached = client.get(address, {"page_size": 500})
    with django_assert_num_queries(NOT_MODIFIED[operation]):
        not_modified = client.get(
            address, {"page_size": 500}, headers={"if-none-match": cached["ETag"]}
        )

    assert (cached.content, not_modified.status_code) == (first.content, 304)
    data = conforming(first, operation)
    if operation == "events_sessions_list":
        assert len(data["results"]) == size


def test_api_pagination_links_use_the_public_address(client):
    event = programme_of(25)

    first = conforming(
        client.get(url("events_sessions_list", event), {"page_size": 10}, HTTP_HOST="127.0.0.1"),
        "events_sessions_list",
    )
    last = conforming(
        client.get(url("events_sessions_list", event), {"page_size": 10, "page": 3}),
        "events_sessions_list",
    )

    assert (first["count"], len(first["results"]), first["previous"]) == (25, 10, None)
    assert (
        first["next"]
        == f"http://localhost:8000/api/v1/events/{event.slug}/sessions/?page=2&page_size=10"
    )
    assert (len(last["results"]), last["next"]) == (5, None)
    assert (
        last["previous"]
        == f"http://localhost:8000/api/v1/events/{event.slug}/sessions/?page=2&page_size=10"
    )


def test_api_cors_for_any_origin_on_the_api_only(client):
    session = SessionFactory()
    origin = {"origin": "https://partner.example"}

    api = client.get(url("events_sessions_list", session.event), headers=origin)
    schedule = client.get(f"/events/{session.event.slug}/schedule.json", headers=origin)
    page = client.get(f"/events/{session.event.slug}/programme/", headers=origin)

    assert api["Access-Control-Allow-Origin"] == schedule["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in api
    assert "Access-Control-Allow-Origin" not in page


@pytest.mark.parametrize("address", ["/api/v1/schema/", "/api/v1/docs/"])
def test_api_schema_and_docs_etag_304(client, address):
    response = client.get(address)
    again = client.get(address, headers={"if-none-match": response["ETag"]})

    assert (response.status_code, again.status_code, again.content) == (200, 304, b"")


def test_api_docs_page_lists_every_endpoint(client):
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    assert sorted(e["path"] for e in response.context["endpoints"]) == sorted(ENDPOINTS.values())
    sessions = next(e for e in response.context["endpoints"] if e["id"] == "events_sessions_list")
    assert sessions["response"] == "PaginatedSessionList"
    assert [p["name"] for p in sessions["parameters"] if p["name"] == "format"] == ["format"]
