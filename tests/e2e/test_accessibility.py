"""axe-core (tests/e2e/vendor/axe-core, from the npm registry) on every public and private page,
in the three languages: no serious or critical violation. The counts per page are printed."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings

from events.demo import demo_programme_load
from registrations.models import SessionChoice
from tests.factories import CategoryFactory, RegistrationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.2 A and AA, with axe's best practices (landmarks, headings, page title).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
SEVERE = {"serious", "critical"}


@dataclass
class Site:
    event: object
    session: object
    manage_url: str
    confirm_url: str


@pytest.fixture
def site(live_server) -> Site:
    event = demo_programme_load(starts_in=timedelta(days=2))
    category = CategoryFactory(name="National governments and public agencies")
    sessions = list(event.sessions.order_by("starts_at")[:3])
    confirmed = RegistrationFactory(event=event, category=category, status="confirmed")
    for session in sessions[:2]:
        SessionChoice.objects.create(registration=confirmed, session=session)
    pending = RegistrationFactory(event=event, category=category, status="pending")
    return Site(
        event=event,
        session=sessions[0],
        manage_url=confirmed.get_absolute_url(),
        confirm_url=f"{pending.get_absolute_url()}confirm/",
    )


def axe_severe(page) -> list[dict]:
    """The serious and critical violations axe finds on the page as it is now: [{rule, nodes,
    targets}]. axe is evaluated through the DevTools protocol, which the page's
    Content-Security-Policy does not govern, as it does not govern a browser extension."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: "
        "['violations']})",
        AXE_TAGS,
    )
    return [
        {
            "rule": violation["id"],
            "nodes": len(violation["nodes"]),
            "targets": [node["target"] for node in violation["nodes"][:5]],
        }
        for violation in results["violations"]
        if violation["impact"] in SEVERE
    ]


def pages(site: Site) -> list[tuple[str, str]]:
    """(name, path) of every page the issue lists, but the register form with errors."""
    slug = site.event.slug
    return [
        ("home", "/"),
        ("event", f"/events/{slug}/"),
        ("programme (filtered)", f"/events/{slug}/programme/?theme=data-governance"),
        ("session", f"/events/{slug}/sessions/{site.session.pk}/"),
        ("speakers", f"/events/{slug}/speakers/"),
        ("theme", f"/events/{slug}/themes/cybersecurity/"),
        ("register", f"/events/{slug}/register/"),
        ("check-inbox", f"/events/{slug}/register/check-inbox/"),
        ("confirm", site.confirm_url),
        ("manage", site.manage_url),
        ("watch", f"{site.manage_url}sessions/{site.session.pk}/watch/"),
        ("new-link", "/new-link/"),
        ("privacy", "/privacy/"),
        ("404", "/no-such-page/"),
    ]


@pytest.mark.parametrize("language", ["en", "es", "pt"])
def test_axe_finds_no_serious_or_critical_violation(page, live_server, site, language, capsys):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    found = {}
    for name, path in pages(site):
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == language, name
        found[name] = axe_severe(page)
        if name == "register":
            page.locator("main form button[type=submit]").click()
            page.wait_for_load_state()
            found["register (with errors)"] = axe_severe(page)
    counts = {name: sum(v["nodes"] for v in violations) for name, violations in found.items()}
    with capsys.disabled():
        print(f"\naxe-core serious+critical nodes, {language}: {sum(counts.values())}")
        for name, count in counts.items():
            rules = ", ".join(f"{v['rule']} {v['nodes']}" for v in found[name])
            print(f"  {name:24} {count:3}  {rules}")
    assert {name: v for name, v in found.items() if v} == {}
