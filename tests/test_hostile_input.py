"""Hostile input into every public form field, query parameter, path segment and token route.

The corpus (HOSTILE, over 250 values) holds script and attribute injection, template syntax,
CRLF and header injection, NUL and other control characters, bidi overrides and invisible
characters, line and paragraph separators, lookalike and IDNA-breaking addresses, numbers at
every integer boundary, 100,000-character strings, and (RAW_BYTES, in URLs) invalid
percent-encoded UTF-8, lone surrogates and overlong encodings. For every request: no answer of
500 or more, nothing injected comes back unescaped, a refused form writes no row, an accepted
one writes only values that can be delivered to (the address) and shown (the rest), every email
sent is well formed, and every calendar still validates.
"""

import json
import re
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.mail.message import sanitize_address
from django.urls import reverse

from checkin.models import CheckIn
from events.models import Session
from registrations.models import Registration, StakeholderCategory
from registrations.pass_lifecycle import registration_pass_code
from tests.factories import (
    CategoryFactory,
    CheckpointFactory,
    EventFactory,
    RegistrationFactory,
    SessionFactory,
    UserFactory,
)
from tests.ical_checks import ical_checked

pytestmark = pytest.mark.django_db

INJECTIONS = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<a href=javascript:alert(1)>x</a>",
    "<iframe src=//evil.example>",
    "<style>*{display:none}</style>",
    "javascript:alert(1)",
    "{{ 7|add:7 }}",
    "{% debug %}",
    "${7*7}",
    "%(name)s %s %n",
    "a\r\nBcc: victim@example.org",
    "a\nSubject: spam",
    "a\rX-Injected: 1",
    "\r\n\r\n<html>",
    "\x00",
    "a\x00b",
    "\x00<script>alert(1)</script>",
    "\x07\x08\x1b[31m",
    "\x7f",
    "\u202eevil\u202c",
    "\u2066abc\u2069",
    "\u200b",
    "\ufeff",
    "\u2028",
    "\u2029",
    "\u0085",
    "a\u2028b\u2029c\u0085d",
    "' OR '1'='1",
    "1; DROP TABLE registrations_registration;--",
    "\\",
    "\\x00",
    "../../../../etc/passwd",
    "🙂",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "ｅｘａｍｐｌｅ",
    "e\u0301\u0301\u0301\u0301",
    "Ḁ" * 300,
    "A" * 100_000,
    "<" * 10_000,
    "\u202e" * 1000,
    "",
    " ",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mi xlink:href=javascript:alert(1)>",
    "<!--",
    "-->",
    "]]>",
    "<![CDATA[x]]>",
    "&lt;script&gt;",
    "&#x3C;script&#x3E;",
    "%3Cscript%3E",
    "\\u003cscript\\u003e",
    # iCalendar structure, which a feed must escape
    "BEGIN:VEVENT",
    "END:VCALENDAR",
    "x\r\nEND:VEVENT\r\nBEGIN:VEVENT",
    "DESCRIPTION:injected",
    ";X-INJECT=1",
    "a,b;c\\d",
    "\\n",
    # spreadsheet formulas, which an export must neutralise
    "=1+1",
    '=HYPERLINK("http://evil.example","x")',
    "@SUM(1+1)",
    "-2+3",
    "+cmd",
    "\t=1+1",
    "\r=1+1",
]
NUMBERS = [
    str(n)
    for n in (
        0,
        -1,
        1,
        2**15 - 1,
        2**15,
        -(2**15) - 1,
        2**31 - 1,
        2**31,
        -(2**31) - 1,
        2**32,
        2**53 + 1,
        2**63 - 1,
        2**63,
        -(2**63) - 1,
        2**64,
        10**38,
        10**400,
        -(2**15),
        2**16 - 1,
        2**16,
        -(2**31),
        2**31 + 1,
        2**32 - 1,
        -(2**63),
        2**63 + 1,
        2**64 - 1,
        2**64 + 1,
        -(2**64),
        10**38 + 1,
        -(10**38),
    )
] + ["1e308", "NaN", "Infinity", "-0", "0x10", "00000001", " 1", "1 ", "1.5", "٣", "1" * 1000]
ADDRESSES = [
    "a@\u202eevil.com",
    "admin@ｅｘａｍｐｌｅ.com",
    "admin@example.com\u200b",
    '"admin"@example.com',
    '"a b"@example.com',
    "a@xn--",
    "a@-a.com",
    "a@a-.com",
    "a@" + "a" * 64 + ".com",
    "a" * 65 + "@example.com",
    "a@" + "a." * 130 + "com",
    "a@[127.0.0.1]",
    "a@localhost",
    "ä@example.com",
    "a@exam_ple.com",
    "a@.com",
    "a@example..com",
    "a@💩.la",
    "a@ß.de",
    "a@\x00.com",
    "a\r\n@example.com",
    "a@example.com\r\nBcc: b@example.com",
    "a@example.com,b@example.com",
    "a@example.com>",
    "<a@example.com>",
    "Name <a@example.com>",
    "a@b@example.com",
    "a@ex ample.com",
    "a@e\u0301xample.com",
    "a@\u0435xample.com",  # Cyrillic ie
    "a@\u0435\u0445\u0430mple.com",  # mixed scripts
    "a@example.com\u2028",
    "a\u202e@example.com",
    "=cmd|'/c calc'!A1@example.com",
    "+1@example.com",
]
# Each injection also inside ordinary text, as a form would really carry it.
HOSTILE = [
    *INJECTIONS,
    *(f"Ana {value} Lucía" for value in INJECTIONS if len(value) < 1000),
    *NUMBERS,
    *ADDRESSES,
    *(f"{value}x" for value in ADDRESSES),
]
# Bytes a URL may carry that no str can: invalid UTF-8, a lone surrogate, overlong forms.
RAW_BYTES = ["%ff", "%c3%28", "%ed%a0%80", "%00", "%0d%0a", "%e2%80%ae", "%f4%90%80%80", "%c0%af"]

# What an injection would look like if it came back unescaped.
UNESCAPED = re.compile(
    r"<script>alert|<img src=x onerror|<svg/onload|\" onmouseover=\"alert|' onfocus='alert"
    r"|<iframe src=//evil|<a href=javascript:"
)


def test_corpus_is_large_enough():
    assert len(HOSTILE) >= 250
    assert len(set(HOSTILE)) == len(HOSTILE)


def checked(response):
    """The response is not a server error, and no page carries an injection unescaped."""
    assert response.status_code < 500, response.status_code
    if response.get("Content-Type", "").startswith("text/html"):
        assert UNESCAPED.findall(response.content.decode("utf-8", "replace")) == []
    return response


def deliverable(address: str) -> bool:
    """An address an SMTP server can be given: ASCII (domain IDNA-encoded), one mailbox."""
    sanitized = sanitize_address(address, "utf-8")
    return address.isascii() and sanitized == address and address.count("@") == 1


def emails_well_formed() -> None:
    for email in mail.outbox:
        message = email.message()
        assert len(email.to) == 1 and deliverable(email.to[0]), email.to
        for name in ("Subject", "To", "From"):
            assert "\n" not in str(message[name]) and "\r" not in str(message[name])
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                ical_checked(part.get_payload(decode=True))
        message.as_bytes()


@pytest.fixture
def event():
    event = EventFactory(published=True)
    SessionFactory(event=event)
    return event


def valid_registration(category: StakeholderCategory, n: int) -> dict:
    return {
        "full_name": "Ana Lucía Restrepo",
        "email": f"ana{n}@example.org",
        "organisation": "Ministry of ICT",
        "job_title": "Director",
        "country": "CO",
        "category": str(category.pk),
        "mode": "in_person",
        "language": "es",
        "time_zone": "America/Bogota",
        "needs": "",
        "privacy_consent": "on",
        "website": "",
    }


def address(n: int) -> str:
    """A client address of its own for each request: the rate limits are not what is tested."""
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


# Free text: each field on its own, since any of them may be accepted. Fields with choices
# refuse every hostile value, so they take each value all at once.
TEXT_FIELDS = ["full_name", "email", "organisation", "job_title", "needs"]
CHOICE_FIELDS = ["country", "category", "mode", "language", "time_zone", "media_consent"]


@pytest.mark.parametrize("fields", [*([f] for f in TEXT_FIELDS), CHOICE_FIELDS], ids=str)
def test_register_form_field_hostile(client, event, fields, django_capture_on_commit_callbacks):
    category = CategoryFactory()
    url = reverse("registrations:register", args=[event.slug])
    for n, value in enumerate(HOSTILE):
        before = Registration.objects.count()
        data = {**valid_registration(category, n), **dict.fromkeys(fields, value)}
        with django_capture_on_commit_callbacks(execute=True):
            response = checked(client.post(url, data, REMOTE_ADDR=address(n)))
        created = Registration.objects.count() - before
        if response.status_code == 302:
            # One row, or none for the honeypot and for a mailbox already registered (its
            # owner is sent their link instead).
            assert created in (0, 1), (fields, value)
        else:
            assert (response.status_code, created) == (200, 0), (fields, value)
    for registration in Registration.objects.all():
        assert deliverable(registration.email), registration.email
        registration.full_clean()
    emails_well_formed()


def test_link_request_email_hostile(client):
    RegistrationFactory(email="ana@example.org", status="confirmed")
    url = reverse("registrations:link_request")
    for n, value in enumerate(HOSTILE):
        checked(client.post(url, {"email": value, "website": ""}, REMOTE_ADDR=address(n)))
    emails_well_formed()


MANAGE_FIELDS = [
    *([f] for f in TEXT_FIELDS if f != "email"),
    [*CHOICE_FIELDS, "session_reminders"],
]


@pytest.mark.parametrize("fields", MANAGE_FIELDS, ids=str)
def test_manage_form_field_hostile(client, fields):
    registration = RegistrationFactory(status="confirmed", time_zone="America/Bogota")
    url = reverse("registrations:manage", args=[registration.token])
    fields = ["full_name", "organisation", "job_title", "country", "mode", "language", "needs"]
    for value in HOSTILE:
        stored = Registration.objects.values(*fields).get(pk=registration.pk)
        data = {
            **stored,
            "category": str(registration.category_id),
            "time_zone": "America/Bogota",
            **dict.fromkeys(fields, value),
        }
        response = checked(client.post(url, data))
        if response.status_code != 302:
            assert Registration.objects.values(*fields).get(pk=registration.pk) == stored
    Registration.objects.get(pk=registration.pk).full_clean()


def url_values() -> list[str]:
    """Every hostile value as a path segment or query value, and the raw bytes."""
    return [quote(value, safe="") for value in HOSTILE if len(value) < 5000] + RAW_BYTES


def test_query_parameters_hostile(client, event):
    pages = [
        reverse("events:event_list"),
        reverse("events:event_detail", args=[event.slug]),
        reverse("events:programme", args=[event.slug]),
        reverse("events:speaker_list", args=[event.slug]),
        reverse("events:event_calendar", args=[event.slug]),
        reverse("events:embed", args=[event.slug]),
        reverse("events:schedule_json", args=[event.slug]),
        reverse("api:event_list"),
        reverse("api:session_list", args=[event.slug]),
        reverse("api:speaker_list", args=[event.slug]),
    ]
    for page in pages:
        for name in ("theme", "room", "format", "day", "lang", "language", "page", "q"):
            for value in url_values():
                checked(client.get(f"{page}?{name}={value}"))


def test_path_segments_hostile(client, event):
    session = Session.objects.filter(event=event).first()
    templates = [
        "/events/{}/",
        "/events/{}/programme/",
        "/events/{}/register/",
        "/events/{}/calendar.ics",
        f"/events/{event.slug}/sessions/{{}}/",
        f"/events/{event.slug}/sessions/{{}}.ics",
        f"/events/{event.slug}/themes/{{}}/",
        f"/events/{event.slug}/themes/{{}}/calendar.ics",
        "/events/{}/embed/",
        "/events/{}/schedule.xml",
        "/api/v1/events/{}/",
        "/api/v1/events/{}/sessions/",
        f"/api/v1/events/{event.slug}/sessions/{{}}/",
    ]
    for template in templates:
        for value in url_values():
            checked(client.get(template.format(value)))
    assert session is not None


def test_token_routes_hostile(client, event):
    registration = RegistrationFactory(event=event, status="confirmed")
    session = Session.objects.filter(event=event).first()
    routes = [
        "/r/{}/",
        "/r/{}/confirm/",
        "/r/{}/cancel/",
        "/r/{}/renew/",
        "/r/{}/data.json",
        "/r/{}/delete/",
        f"/r/{{}}/sessions/{session.pk}/",
        f"/r/{{}}/sessions/{session.pk}/watch/",
        "/calendar/{}.ics",
        f"/r/{registration.token}/sessions/{{}}/",
        f"/r/{registration.token}/sessions/{{}}/watch/",
    ]
    for route in routes:
        for value in url_values():
            checked(client.get(route.format(value)))
            checked(client.post(route.format(value), {"action": "drop"}))
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_feeds_valid_with_hostile_programme_text(client, event):
    session = Session.objects.filter(event=event).first()
    feeds = [
        reverse("events:event_calendar", args=[event.slug]),
        reverse("events:session_calendar", args=[event.slug, session.pk]),
    ]
    # Organisers' forms refuse NUL (and PostgreSQL cannot store it); everything else goes in.
    for value in [v for v in HOSTILE if len(v) < 5000 and "\x00" not in v]:
        session.title, session.abstract = value[:300] or "x", value
        session.save(update_fields=["title", "abstract", "updated_at"])
        for feed in feeds:
            response = checked(client.get(feed))
            assert response.status_code == 200
            ical_checked(b"".join(response) if response.streaming else response.content)


def test_check_in_endpoints_hostile(client, event, settings):
    """What check-in staff's devices send (a scan's JSON, a search) with hostile values: a
    clear 400 or an answer, never a 500, and only valid scans recorded."""
    settings.CHECK_IN_RATE_PER_MINUTE = 10**6
    staff = UserFactory(username="door")
    staff.groups.add(Group.objects.get(name="Check-in staff"))
    client.force_login(staff)
    entrance = CheckpointFactory(event=event)
    registration = RegistrationFactory(event=event, status="confirmed")
    scan = {
        "code": registration_pass_code(registration=registration),
        "checkpoint": entrance.pk,
        "nonce": "0123456789abcdef",
        "scanned_at": "2030-11-27T09:00:00-05:00",
    }
    url = reverse("checkin:scan", args=[event.slug])
    times = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2030-02-30T09:00:00Z"]
    for field in scan:
        for n, value in enumerate([*HOSTILE, *times, True, 10**38, -1, None, [], {}]):
            body = json.dumps({**scan, "nonce": f"hostile-{field}-{n}", field: value})
            checked(client.post(url, body, content_type="application/json"))
    for value in url_values():
        checked(client.get(f"{reverse('checkin:search', args=[event.slug])}?q={value}"))
    assert set(CheckIn.objects.values_list("registration", flat=True)) <= {registration.pk}


def test_attendance_routes_hostile(client, event):
    for template in ["/verify/{}/", "/r/{}/certificate.pdf", "/events/{}/agenda/"]:
        for value in url_values():
            checked(client.get(template.format(value)))
    agenda = reverse("events:agenda", args=[event.slug])
    for value in url_values():
        checked(client.get(f"{agenda}?sessions={value}"))
