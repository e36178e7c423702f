"""The programme widget partner sites frame (events/embed.py)."""

import pytest

from tests.events.test_views import bogota
from tests.factories import EventFactory, SessionFactory, ThemeFactory, UserFactory
from tests.pages import parse

pytestmark = pytest.mark.django_db


def embed_url(event) -> str:
    return f"/events/{event.slug}/embed/"


@pytest.fixture
def event():
    event = EventFactory()
    data = ThemeFactory(name="Data governance", slug="data")
    SessionFactory(event=event, title="Data spaces", theme=data, starts_at=bogota(1, 9))
    SessionFactory(event=event, title="Cyber drills", starts_at=bogota(2, 9))
    return event


def policy(response) -> dict[str, str]:
    """The Content-Security-Policy's directives by name."""
    directives = (d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))
    return {name: value for name, value in directives}


def titles(response) -> list[str]:
    return [a.text for a in parse(response).select("a", cls="session-title")]


def test_embed_only_page_any_site_may_frame(client, event):
    embed = client.get(embed_url(event))
    programme = client.get(f"/events/{event.slug}/programme/")

    assert ("X-Frame-Options" in embed, programme["X-Frame-Options"]) == (False, "DENY")
    embed_policy, page_policy = policy(embed), policy(programme)
    assert (embed_policy["frame-ancestors"], page_policy["frame-ancestors"]) == ("*", "'none'")
    del embed_policy["frame-ancestors"], page_policy["frame-ancestors"]
    assert embed_policy == page_policy  # the rest unchanged


def test_embed_whole_programme_with_own_stylesheet_and_links_out(client, event):
    doc = parse(client.get(embed_url(event)))

    assert [a.text for a in doc.select("a", cls="session-title")] == ["Data spaces", "Cyber drills"]
    assert {a.attrs["target"] for a in doc.select("a", cls="session-title")} == {"_blank"}
    assert [link.attrs["href"] for link in doc.select("link", rel="stylesheet")] == [
        "/static/css/embed.css",
        "/themes.css",
    ]
    assert doc.select("script") == []


def test_embed_by_theme_day_and_language(client, event):
    assert titles(client.get(embed_url(event), {"theme": "data"})) == ["Data spaces"]
    assert titles(client.get(embed_url(event), {"day": "2030-11-28"})) == ["Cyber drills"]
    spanish = parse(client.get(embed_url(event), {"lang": "es", "day": "2030-11-28"}))
    assert spanish.one("html").attrs["lang"] == "es"
    assert spanish.one("h2").text == "jueves 28 de noviembre de 2030"


@pytest.mark.parametrize(
    "query",
    [{"theme": "nope"}, {"day": "2030-12-01"}, {"day": "28/11/2030"}, {"lang": "xx"}],
)
def test_embed_unknown_filter_404(client, event, query):
    response = client.get(embed_url(event), query)

    assert (response.status_code, response.templates[0].name) == (404, "404.html")


def test_embed_draft_404_and_etag_304(client, event):
    response = client.get(embed_url(event))
    again = client.get(embed_url(event), headers={"if-none-match": response["ETag"]})
    assert (response["Cache-Control"], again.status_code) == ("public, no-cache", 304)

    event.published = False
    event.save()
    assert client.get(embed_url(event)).status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert titles(client.get(embed_url(event))) == ["Data spaces", "Cyber drills"]


def test_event_page_offers_the_snippet(client, event):
    doc = parse(client.get(f"/events/{event.slug}/", headers={"accept-language": "pt"}))

    assert doc.one("textarea", id_="embed-code").text == (
        f'<iframe src="http://localhost:8000/events/{event.slug}/embed/?lang=pt-br" '
        f'title="{event.name}" width="100%" height="600" loading="lazy"></iframe>'
    )
    assert doc.one("button", **{"data-copy": "embed-code"}).text == "Copiar o código"
    assert [(a.text, a.attrs["href"]) for a in doc.one("p", id_="open-data").select("a")] == [
        ("schedule.xml", f"/events/{event.slug}/schedule.xml"),
        ("schedule.json", f"/events/{event.slug}/schedule.json"),
        ("API do programa", "/api/v1/docs/"),
    ]


def test_embed_names_the_zone_in_words(client, event):
    text = parse(client.get(embed_url(event))).one("body").text
    assert ("All times are in Bogotá Time (UTC−5)." in text, "America/Bogota" in text) == (
        True,
        False,
    )
