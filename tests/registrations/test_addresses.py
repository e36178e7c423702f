"""Email addresses are normalised once, at the form: one mailbox, one spelling."""

import pytest
from django.core.exceptions import ValidationError

from registrations.addresses import address_normalise
from registrations.forms import LinkRequestForm


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("admin@example.com", "admin@example.com"),
        ("  Admin@Example.COM ", "admin@example.com"),
        ("admin@example.com\u200b", "admin@example.com"),
        ("ad\u200dmin@exa\ufeffmple.com", "admin@example.com"),
        ("admin@ｅｘａｍｐｌｅ.com", "admin@example.com"),
        ("ａｄｍｉｎ@example.com", "admin@example.com"),
        ('"admin"@example.com', "admin@example.com"),
        ("user@bücher.de", "user@xn--bcher-kva.de"),
        ("user@BÜCHER.de", "user@xn--bcher-kva.de"),
        ("first.last+tag@example.org", "first.last+tag@example.org"),
    ],
)
def test_address_normalise(typed, stored):
    assert address_normalise(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "a@\u202eevil.com",  # a bidi override
        "a\u202e@example.com",
        "a@\u2066example.com",
        "a@☃.com",  # not allowed in IDNA 2008
        '"a b"@example.com',  # a quoted local part that needs its quotes
        "a\x00@example.com",
        "a\n@example.com",
        "josé@example.com",  # no internationalised local parts: not every server takes them
        "a@localhost",
        "a@" + "b" * 64 + ".com",
        "no-at-sign",
        "a@b@example.com",
    ],
)
def test_address_normalise_refuses(typed):
    with pytest.raises(ValidationError) as raised:
        address_normalise(typed)
    assert raised.value.messages == ["Enter a valid email address."]


@pytest.mark.parametrize(
    ("typed", "valid", "cleaned"),
    [
        ("admin@ｅｘａｍｐｌｅ.com", True, "admin@example.com"),
        ("a@\u202eevil.com", False, None),
    ],
)
def test_link_request_form_normalises(typed, valid, cleaned):
    form = LinkRequestForm({"email": typed})
    assert (form.is_valid(), form.cleaned_data.get("email")) == (valid, cleaned)


def test_link_request_form_too_long_address_says_so():
    form = LinkRequestForm({"email": "a" * 10_000 + "@example.com"})
    assert form.errors == {
        "email": [
            "Enter a valid email address.",
            "Ensure this value has at most 254 characters (it has 10012).",
        ]
    }
