"""A strict check of iCalendar bytes (RFC 5545), shared by every calendar test: what we send
must be read the same way by icalendar, by vobject and by the pickiest calendar clients."""

import icalendar
import vobject

MAX_LINE_OCTETS = 75  # RFC 5545 §3.1: lines longer than this must be folded


def ical_checked(data: bytes) -> icalendar.Calendar:
    """Assert that `data` is one well-formed VCALENDAR and return it parsed by icalendar.

    Checks: CRLF line ends and no bare CR or LF; no physical line over 75 octets; UTF-8;
    PRODID and VERSION:2.0; UID, DTSTAMP and DTSTART in every VEVENT; a VTIMEZONE for every
    TZID used; vobject reads it with validation and serialises it again with validation.
    """
    assert data.endswith(b"\r\n")
    lines = data[: -len(b"\r\n")].split(b"\r\n")
    assert [line for line in lines if b"\r" in line or b"\n" in line] == []
    assert [line for line in lines if len(line) > MAX_LINE_OCTETS] == []
    text = data.decode("utf-8")  # strict: a fold that split a character would fail here

    calendar = icalendar.Calendar.from_ical(data)
    assert calendar.name == "VCALENDAR"
    assert calendar["VERSION"] == "2.0"
    assert str(calendar["PRODID"]) != ""
    missing = [
        (str(vevent.get("UID")), name)
        for vevent in calendar.walk("VEVENT")
        for name in ("UID", "DTSTAMP", "DTSTART")
        if name not in vevent
    ]
    assert missing == []
    assert calendar.get_missing_tzids() == set()

    parsed = vobject.readOne(text, validate=True)
    assert parsed.validate(raiseException=True) is True
    again = vobject.readOne(parsed.serialize(validate=True), validate=True)
    assert sorted(c.name for c in again.getChildren()) == sorted(
        c.name for c in parsed.getChildren()
    )
    return calendar
