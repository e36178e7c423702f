"""The offline programme's service worker is served from the root (scope: the whole site)."""

from pathlib import Path

import pytest

from tests.events.test_views import bogota
from tests.factories import EventFactory, SessionFactory
from tests.pages import parse
from tests.test_hostile_input import checked, url_values

SOURCE = Path(__file__).resolve().parents[2] / "static" / "js" / "sw.js"


def test_service_worker_served_from_root_revalidated(client):
    response = client.get("/sw.js")
    again = client.get("/sw.js", headers={"if-none-match": response["ETag"]})

    assert (response["Content-Type"], response["Cache-Control"]) == (
        "text/javascript; charset=utf-8",
        "no-cache",
    )
    assert response.content == SOURCE.read_bytes()
    assert again.status_code == 304
    assert client.post("/sw.js").status_code == 405


@pytest.mark.django_db
def test_pages_register_it_with_the_translated_note(client):
    session = SessionFactory()

    doc = parse(
        client.get(f"/events/{session.event.slug}/programme/", headers={"accept-language": "es"})
    )

    script = doc.one("script", src="/static/js/offline.js")
    assert (
        script.attrs["data-offline-label"]
        == "Copia sin conexión, actualizada por última vez el %(time)s."
    )


@pytest.mark.django_db
def test_agenda_page_lists_those_sessions_of_the_event(client):
    event = EventFactory()
    first, _other, third = (
        SessionFactory(event=event, title=title, starts_at=bogota(day, 9), ends_at=bogota(day, 10))
        for day, title in ((1, "Opening"), (2, "Not chosen"), (3, "Closing"))
    )
    elsewhere = SessionFactory()  # another event's
    query = {"sessions": f"{third.pk},{first.pk},{elsewhere.pk}"}

    response = client.get(f"/events/{event.slug}/agenda/", query)
    again = client.get(
        f"/events/{event.slug}/agenda/", query, headers={"if-none-match": response["ETag"]}
    )

    page = parse(response)
    assert [a.text for a in page.select("a", cls="session-title")] == ["Opening", "Closing"]
    assert "All times are in Bogotá Time (UTC−5)." in page.one("main").text
    assert (response["Cache-Control"], again.status_code) == ("public, no-cache", 304)


@pytest.mark.django_db
@pytest.mark.parametrize("sessions", ["", "0", "1,x", "1;2", "-1", "9" * 19, ",".join(["1"] * 201)])
def test_agenda_page_not_a_list_of_sessions_404(client, sessions):
    session = SessionFactory()

    response = client.get(f"/events/{session.event.slug}/agenda/", {"sessions": sessions})

    assert response.status_code == 404


@pytest.mark.django_db
def test_agenda_page_of_a_draft_404(client):
    session = SessionFactory(event__published=False)

    response = client.get(f"/events/{session.event.slug}/agenda/", {"sessions": str(session.pk)})

    assert response.status_code == 404


@pytest.mark.django_db
def test_agenda_page_hostile_sessions_parameter(client):
    session = SessionFactory()

    for value in url_values():
        checked(client.get(f"/events/{session.event.slug}/agenda/?sessions={value}"))
        checked(client.get(f"/events/{session.event.slug}/agenda/?sessions={session.pk},{value}"))
