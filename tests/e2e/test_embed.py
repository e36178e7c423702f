"""A partner's page on another origin frames the programme widget."""

import socket
import subprocess
import sys
import time

import pytest
from playwright.sync_api import expect

from events.demo import demo_programme_load

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def partner_site(tmp_path):
    """A plain static server on another port: another origin than the live server."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield tmp_path, f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)


def test_partner_page_frames_the_programme(live_server, page, partner_site):
    event = demo_programme_load()
    folder, origin = partner_site
    assert not live_server.url.startswith(origin)
    (folder / "partner.html").write_text(
        "<!doctype html><html><head><title>Partner</title>"
        "<style>body{font-family:serif;color:red} a{color:lime}</style></head><body>"
        "<h1>Our events</h1>"
        f'<iframe id="widget" src="{live_server.url}/events/{event.slug}/embed/'
        '?lang=es&theme=cybersecurity" '
        'title="Programme" width="800" height="600"></iframe>'
        "</body></html>"
    )

    page.goto(f"{origin}/partner.html")

    widget = page.frame_locator("#widget")
    expect(widget.locator("html")).to_have_attribute("lang", "es")
    expect(widget.locator("a.session-title")).to_have_count(5)
    expect(widget.locator("a.session-title").first).to_have_text(
        "Building cyber resilience together"
    )
    # Its own styles, not the host's: the host's red text and lime links stop at the frame.
    assert widget.locator("a.session-title").first.evaluate("a => getComputedStyle(a).color") == (
        "rgb(0, 51, 153)"
    )
