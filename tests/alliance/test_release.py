"""A deploy that changes what makes the pages changes their ETags and cache keys: nobody is
served the previous release's bytes, or a 304 to them."""

import shutil
from pathlib import Path

import pytest

from alliance import release
from tests.factories import SessionFactory


@pytest.fixture
def source_copy(tmp_path, settings):
    """A copy of the project's templates and one app, as a deploy would lay them out."""
    for folder in ("templates", "events"):
        shutil.copytree(
            Path(settings.BASE_DIR) / folder,
            tmp_path / folder,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    settings.BASE_DIR = tmp_path
    return tmp_path


def digest() -> str:
    return release.release.__wrapped__()  # the process's own stays as it is


def test_release_changes_with_a_template_or_the_code(source_copy):
    first = digest()
    again = digest()
    (source_copy / "templates" / "events" / "programme.html").write_text("<p>new</p>")
    template_changed = digest()
    with (source_copy / "events" / "views.py").open("a") as views:
        views.write("\n# a fix\n")
    code_changed = digest()

    assert again == first
    assert len({first, template_changed, code_changed}) == 3


def test_release_ignores_compiled_python(source_copy):
    first = digest()
    cache = source_copy / "events" / "__pycache__"
    cache.mkdir(exist_ok=True)
    (cache / "views.cpython-311.pyc").write_bytes(b"\x00")
    assert digest() == first


@pytest.mark.django_db
def test_new_release_new_etag_and_bytes(client, monkeypatch):
    session = SessionFactory(title="Opening")
    url = f"/events/{session.event.slug}/sessions/{session.pk}/"
    before = client.get(url)

    monkeypatch.setattr("events.views.release", lambda: "another-release")
    after = client.get(url, headers={"if-none-match": before["ETag"]})

    assert (after.status_code, after["ETag"] != before["ETag"]) == (200, True)


def test_release_covers_the_installed_packages(monkeypatch):
    first = digest()
    distributions = list(release.metadata.distributions())
    monkeypatch.setattr(release.metadata, "distributions", lambda: distributions[1:])
    assert digest() != first


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "where"),
    [("/api/v1/events/", "events.api.views.release"), ("/themes.css", "events.views.release")],
)
def test_new_release_new_etag_of_the_event_list_and_theme_colours(client, monkeypatch, url, where):
    SessionFactory()
    before = client.get(url)

    monkeypatch.setattr(where, lambda: "another-release")
    after = client.get(url, headers={"if-none-match": before["ETag"]})

    assert (after.status_code, after["ETag"] != before["ETag"]) == (200, True)
