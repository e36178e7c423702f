import io
import logging

import pytest

from alliance.log_masking import MaskTokens, mask_tokens

TOKEN = "q3Xv-9_ZcL0tq2m8Yb1wVn4kR7sJd6hFg5eA0uPiOyT"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"GET /r/{TOKEN}/ HTTP/1.1", "GET /r/[token]/ HTTP/1.1"),
        (f"/r/{TOKEN}/sessions/12/watch/?x=1", "/r/[token]/sessions/12/watch/?x=1"),
        (f"/r/{TOKEN}", "/r/[token]"),
        (f"/calendar/{TOKEN}.ics", "/calendar/[token].ics"),
        (
            f"https://days.example.org/r/{TOKEN}/confirm/",
            "https://days.example.org/r/[token]/confirm/",
        ),
        (f"/r/%00{TOKEN}/", "/r/[token]/"),
        (
            "/registrations/ /events/cartagena/programme/",
            "/registrations/ /events/cartagena/programme/",
        ),
    ],
)
def test_mask_tokens(text, expected):
    assert mask_tokens(text) == expected


@pytest.fixture
def log_output():
    """What the configured handler of Django's loggers writes."""
    (handler,) = (
        h
        for h in logging.getLogger("django").handlers
        if [type(f) for f in h.filters] == [MaskTokens]
    )
    output = io.StringIO()
    previous = handler.setStream(output)
    yield output
    handler.setStream(previous)


@pytest.mark.django_db
def test_not_found_log_masks_token(client, log_output):
    response = client.get(f"/r/{TOKEN}/no-such-page/")

    assert response.status_code == 404
    assert log_output.getvalue() == "Not Found: /r/[token]/no-such-page/\n"


def test_traceback_masks_token(log_output):
    try:
        raise ValueError(f"cannot open /calendar/{TOKEN}.ics")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: /r/%s/", TOKEN)

    text = log_output.getvalue()
    assert TOKEN not in text
    assert text.startswith("Internal Server Error: /r/[token]/\nTraceback")
    assert text.endswith("ValueError: cannot open /calendar/[token].ics\n")
