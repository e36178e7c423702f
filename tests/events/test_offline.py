"""The offline programme's service worker is served from the root (scope: the whole site)."""

from pathlib import Path

import pytest

from tests.factories import SessionFactory
from tests.pages import parse

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
