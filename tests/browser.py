"""Browser fixtures for every test that drives Debian's Chromium through Playwright (registered
for the whole suite in tests/conftest.py, so one browser serves them all)."""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium package to run browser tests"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls
    # (fixtures, assertions) are still plain synchronous code, which Django would refuse.
    unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if unsafe is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = unsafe


@contextmanager
def _pages(browser):
    """Open pages, each in a browser context of its own (`open_page(timezone_id=…, locale=…)`):
    a 1280×900 window, British English, Bogotá time (the demo event's zone) unless told
    otherwise. Fails if Chromium reported a Content-Security-Policy violation on any of them
    (an inline script or style the policy blocked)."""
    contexts, violations = [], []

    def open_page(**options):
        options = {
            "viewport": {"width": 1280, "height": 900},
            "locale": "en-GB",
            "timezone_id": "America/Bogota",
            **options,
        }
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert violations == []


@pytest.fixture
def new_page(browser):
    """Opens new browser pages (see `_pages`): `new_page(timezone_id="Asia/Tokyo")`."""
    with _pages(browser) as open_page:
        yield open_page


@pytest.fixture
def page(browser):
    """A new browser page (see `_pages`)."""
    with _pages(browser) as open_page:
        yield open_page()
