"""axe-core (tests/e2e/vendor/axe-core, from the npm registry) on every public and private page,
in the three languages: no serious or critical violation. The counts per page are printed."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from .conftest import Site

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.2 A and AA, with axe's best practices (landmarks, headings, page title).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
SEVERE = {"serious", "critical"}


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


@pytest.mark.parametrize(
    ("language", "width"), [("en", 1280), ("es", 1280), ("pt-br", 1280), ("es", 360)]
)
def test_axe_finds_no_serious_or_critical_violation(
    new_page, live_server, site, language, width, capsys
):
    # A visitor in Tokyo: the pages also show their own times (static/js/local-time.js).
    page = new_page(timezone_id="Asia/Tokyo", viewport={"width": width, "height": 900})
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
        total = sum(counts.values())
        print(f"\naxe-core serious+critical nodes, {language}, {width} px wide: {total}")
        for name, count in counts.items():
            rules = ", ".join(f"{v['rule']} {v['nodes']}" for v in found[name])
            print(f"  {name:24} {count:3}  {rules}")
    assert {name: v for name, v in found.items() if v} == {}


def test_register_errors_take_focus_to_a_summary_linking_each_field(page, live_server, site):
    page.goto(f"{live_server.url}/events/{site.event.slug}/register/")
    assert page.title() == f"Register · {site.event.name}"
    page.get_by_label("Email").fill("not an address")
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_title(f"Error: 6 problems · Register · {site.event.name}")
    expect(page.locator("#error-summary")).to_be_focused()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("There are 6 problems with this form")
    links = summary.get_by_role("link")
    assert [(link.inner_text(), link.get_attribute("href")) for link in links.all()] == [
        ("Full name: This field is required.", "#id_full_name"),
        ("Email: Enter a valid email address.", "#id_email"),
        ("Organisation: This field is required.", "#id_organisation"),
        ("Country: This field is required.", "#id_country"),
        ("Stakeholder category: This field is required.", "#id_category"),
        (
            "I have read and accept the privacy notice. You must accept the privacy notice "
            "to register.",
            "#id_privacy_consent",
        ),
    ]
    summary.get_by_role("link", name="Email: Enter a valid email address.").click()
    expect(page.locator("#id_email")).to_be_focused()


def test_new_link_errors_take_focus_to_the_summary(page, live_server):
    page.goto(f"{live_server.url}/new-link/")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_title("Error: 1 problem · Get your private link")
    expect(page.locator("#error-summary")).to_be_focused()
    link = page.get_by_role("alert").get_by_role("link")
    expect(link).to_have_text("Your email address: This field is required.")
    link.click()
    expect(page.locator("#id_email")).to_be_focused()


def test_manage_errors_take_focus_to_the_summary(page, live_server, site):
    page.goto(live_server.url + site.manage_url)
    page.get_by_label("Full name").fill("")
    page.get_by_role("button", name="Save my details").click()
    expect(page).to_have_title(f"Error: 1 problem · Your registration · {site.event.name}")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.get_by_role("alert").get_by_role("link")).to_have_text(
        "Full name: This field is required."
    )


def test_pages_fit_a_360_pixel_screen_without_sideways_scroll(new_page, live_server, site):
    """The issue's pages, and the open-data pages (API docs, widget), which axe checks too."""
    page = new_page(viewport={"width": 360, "height": 740})
    slug = site.event.slug
    extra = [("API docs", "/api/v1/docs/"), ("widget", f"/events/{slug}/embed/")]
    wider, found = {}, {}
    for name, path in [*pages(site), *extra]:
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            wider[name] = width
        if (name, path) in extra and (violations := axe_severe(page)):
            found[name] = violations
    assert (wider, found) == ({}, {})
