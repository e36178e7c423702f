"""iCalendar (RFC 5545) for the programme: feeds, single sessions and iTIP invitations.

Pure functions from sessions to bytes; no request objects. Every session becomes a VEVENT with a
stable UID, its event's TZID and a VTIMEZONE built once per zone and year range, and reused.
"""

import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Event, Session

PRODID = "-//Alliance Days//Programme//EN"
REFRESH = timedelta(hours=1)  # how often calendar apps should poll a subscribed feed
# RFC 5545 text may hold tabs and line breaks (escaped by the library) but no other control
# character: a stray one would corrupt the file, so they are dropped.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: str) -> str:
    return CONTROL_CHARACTERS.sub("", value)


class _ZoneUntil(tzinfo):
    """A zone that ends after `last`. icalendar looks for a zone's changes by walking each
    period until the next change, even past the calendar's last date: up to the year 9999 for a
    zone that no longer changes, such as America/Bogota (45,000 steps, 13 ms). Its walk stops at
    an OverflowError, which this zone raises past `last`."""

    def __init__(self, zone: ZoneInfo, last: datetime) -> None:
        self.zone = zone
        self.last = last

    def utcoffset(self, moment: datetime) -> timedelta:
        if moment.replace(tzinfo=None) > self.last:
            raise OverflowError("after the calendar's last date")
        return self.zone.utcoffset(moment)

    def dst(self, moment: datetime) -> timedelta:
        return self.zone.dst(moment)

    def tzname(self, moment: datetime) -> str:
        return self.zone.tzname(moment)


@cache
def vtimezone(tzid: str, first_year: int, last_year: int) -> icalendar.Timezone:
    """The VTIMEZONE for a zone over some years, made once per process."""
    last = date(last_year + 1, 1, 1)
    return icalendar.Timezone.from_tzinfo(
        _ZoneUntil(ZoneInfo(tzid), datetime.combine(last, time.min)),
        tzid=tzid,
        first_date=date(first_year, 1, 1),
        last_date=last,
    )


def _livestream_line(session: Session, *, registered: bool, at: datetime, tz, watch_url) -> str:
    """What a session's VEVENT says of its livestream. `watch_url(session)`, given for one
    participant, is their private page, where a stream reserved to participants appears."""
    stream = session.livestream(registered=registered, at=at)
    if stream is None:
        reserved = session.livestream_visibility == Session.Visibility.REGISTERED
        if reserved and session.livestream_url and not session.is_cancelled and not registered:
            # Say how to get it.
            return _(
                "Livestreamed for registered participants: open this session from your "
                "private registration link to watch."
            )
        return ""
    if stream.state == "ended":
        return ""
    if stream.state == "upcoming":
        time = stream.reveal_at.astimezone(tz).strftime("%H:%M")
        if watch_url and session.livestream_visibility == Session.Visibility.REGISTERED:
            return _("Livestream: the link appears on your private page from %(time)s: %(url)s") % {
                "time": time,
                "url": watch_url(session),
            }
        return _("Livestream: the link appears on the session page from %(time)s.") % {"time": time}
    if stream.state == "recording":
        return _("Recording: %(url)s") % {"url": stream.url}
    return _("Livestream: %(url)s") % {"url": stream.url}


class _Fields:
    """Writes the VEVENT properties of an event's sessions, with what they all share worked
    out once: the labels in the active language, the session page URL (one `reverse` for all:
    it costs about a third of a VEVENT), the zone and the place."""

    def __init__(
        self, event: Event, *, site_url: str, at: datetime, registered: bool, watch_url=None
    ) -> None:
        self.tz = event.tz
        self.at = at
        self.registered = registered
        self.watch_url = watch_url
        self.host = urlsplit(site_url).hostname
        page = site_url + reverse("events:session_detail", kwargs={"slug": event.slug, "pk": 0})
        self.page_head, _zero, self.page_tail = page.rpartition("/0/")
        self.place = [event.venue, event.city]
        self.speakers_label = _("Speakers: %(names)s")
        self.theme_label = _("Theme: %(name)s")

    def __call__(self, session: Session, stamp: datetime | None = None) -> dict:
        """A session's VEVENT properties, in the order icalendar writes them (SUMMARY, DTSTART,
        DTEND, DTSTAMP, UID, SEQUENCE, then alphabetical): one source for both serialisers."""
        tz = self.tz
        url = f"{self.page_head}/{session.pk}/{self.page_tail}"
        speakers = ", ".join(session.speaker_names)
        description = "\n\n".join(
            part
            for part in (
                session.abstract,
                self.speakers_label % {"names": speakers} if speakers else "",
                self.theme_label % {"name": session.theme.name},
                _livestream_line(
                    session, registered=self.registered, at=self.at, tz=tz, watch_url=self.watch_url
                ),
                url,
            )
            if part
        )
        place = [session.room.name, *self.place] if session.room else self.place
        updated_at = session.updated_at.astimezone(UTC)
        return {
            "summary": _text(session.title),
            "dtstart": session.starts_at.astimezone(tz),
            "dtend": session.ends_at.astimezone(tz),
            "dtstamp": stamp.astimezone(UTC) if stamp else updated_at,
            "uid": f"session-{session.pk}@{self.host}",
            "sequence": session.sequence,
            "categories": [_text(session.theme.name)],
            "description": _text(description),
            "last-modified": updated_at,
            "location": _text(", ".join(place)),
            "status": "CANCELLED" if session.is_cancelled else "CONFIRMED",
            "url": url,
        }


def session_vevent(
    session: Session,
    *,
    site_url: str,
    at: datetime,
    registered: bool = False,
    stamp: datetime | None = None,
    watch_url: Callable[[Session], str] | None = None,
) -> icalendar.Event:
    """One session as a VEVENT, as it stands at `at`. Livestream links follow the same rule as
    the pages (Session.livestream): `registered` adds those reserved to confirmed participants,
    and `watch_url(session)` is the participant's private page that shows them.
    Takes a session from `selectors.sessions_for_calendar`."""
    vevent = icalendar.Event()
    fields = _Fields(
        session.event, site_url=site_url, at=at, registered=registered, watch_url=watch_url
    )
    for name, value in fields(session, stamp).items():
        vevent.add(name, value)
    return vevent


# --- the feeds' fast serialiser ---------------------------------------------------------------
# icalendar spends about 0.3 ms per session building and writing a VEVENT (parameter objects, a
# character-by-character fold): 300 sessions took about 100 ms. Feeds write the same fields
# directly, byte for byte what icalendar writes (tests/events/test_ical.py compares the two),
# except that a literal backslash-N stays as typed where icalendar makes it a line break.
# Invitations, one VEVENT each, keep the library's objects.

_FOLD_OCTETS = 74  # as icalendar: 74 octets, plus the leading space on continuation lines


def _escape(text: str) -> str:
    """RFC 5545 TEXT escaping, as icalendar does it (line breaks of any kind become \\n)."""
    # Chained replace: str.translate with a mapping is several times slower.
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> bytes:
    """A content line folded at 74 octets without splitting a character, and, as icalendar
    does, without ending a piece on a backslash or caret (some clients misread the escape)."""
    data = line.encode()
    if len(data) <= _FOLD_OCTETS:
        return data
    pieces = []
    start = 0
    while len(data) - start > _FOLD_OCTETS:
        end = start + _FOLD_OCTETS
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: the cut is mid-character
            end -= 1
        if data[end - 1] in b"\\^" and end - 1 > start:
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return b"\r\n ".join(pieces)


def _vevent_ical(fields: dict) -> bytes:
    lines = ["BEGIN:VEVENT"]
    for name, value in fields.items():
        if name in {"dtstart", "dtend"}:
            line = f"{name.upper()};TZID={value.tzinfo.key}:{value:%Y%m%dT%H%M%S}"
        elif name in {"dtstamp", "last-modified"}:
            line = f"{name.upper()}:{value:%Y%m%dT%H%M%S}Z"
        elif name == "categories":
            line = "CATEGORIES:" + ",".join(_escape(category) for category in value)
        elif name in {"sequence", "url"}:
            line = f"{name.upper()}:{value}"
        else:
            line = f"{name.upper()}:{_escape(value)}"
        lines.append(line)
    lines.append("END:VEVENT")
    return b"".join(_fold(line) + b"\r\n" for line in lines)


def event_vevent(
    event: Event, *, site_url: str, uid_suffix: str, sequence: int, stamp: datetime
) -> icalendar.Event:
    """The whole event as one VEVENT spanning its days: the invitation a participant gets on
    confirmation. `uid_suffix` makes it the participant's own (a new registration after a
    cancellation needs a fresh UID, since the old one was cancelled)."""
    vevent = icalendar.Event()
    vevent.add("uid", f"event-{event.pk}-{uid_suffix}@{urlsplit(site_url).hostname}")
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", event.start_date)
    vevent.add("dtend", event.ends_at.date())
    vevent.add("summary", _text(event.name))
    vevent.add("description", _text(f"{event.description}\n\n{site_url}{event.get_absolute_url()}"))
    vevent.add("location", _text(f"{event.venue}, {event.city}"))
    vevent.add("url", site_url + event.get_absolute_url())
    vevent.add("sequence", sequence)
    vevent.add("status", "CONFIRMED")
    vevent.add("transp", "TRANSPARENT")
    return vevent


def calendar_build(
    vevents: Iterable[icalendar.Event],
    *,
    name: str,
    description: str = "",
    method: str = "PUBLISH",
    time_zone: str | None = None,
    starts: Iterable[datetime] = (),
) -> icalendar.Calendar:
    """A VCALENDAR around the given VEVENTs, with one VTIMEZONE per TZID they use (and per
    TZID of `starts`, the start times of VEVENTs the caller writes itself)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    # icalendar does not know NAME and X-WR-* as TEXT and would write them unescaped: a comma
    # cuts the name short in clients, a line break makes the file unwritable.
    calendar.add("name", icalendar.vText(_text(name)))
    calendar.add("x-wr-calname", icalendar.vText(_text(name)))
    if description:
        calendar.add("description", _text(description))
        calendar.add("x-wr-caldesc", icalendar.vText(_text(description)))
    if time_zone:
        calendar.add("x-wr-timezone", time_zone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    vevents = list(vevents)
    _add_timezones(calendar, [*starts, *(vevent.decoded("dtstart") for vevent in vevents)])
    for vevent in vevents:
        calendar.add_component(vevent)
    return calendar


def _add_timezones(calendar: icalendar.Calendar, starts: Iterable[date]) -> None:
    """One VTIMEZONE for each zone of the given start times, over the years they span."""
    years: dict[str, list[int]] = {}
    for start in starts:
        tzid = getattr(getattr(start, "tzinfo", None), "key", None)
        if tzid:
            years.setdefault(tzid, []).append(start.year)
    for tzid, seen in sorted(years.items()):
        calendar.add_component(vtimezone(tzid, min(seen), max(seen)))


def sessions_feed(
    sessions: Iterable[Session],
    *,
    event: Event,
    name: str,
    site_url: str,
    at: datetime,
    registered: bool = False,
    watch_url: Callable[[Session], str] | None = None,
) -> bytes:
    """A subscribable feed of sessions as they stand at `at` (cancelled ones included, marked
    CANCELLED); `registered` and `watch_url` as for `session_vevent`. The VEVENTs are written
    by the fast serialiser, inside icalendar's calendar."""
    sessions = list(sessions)
    head = calendar_build(
        [],
        name=name,
        description=f"{event.name}, {event.city}. {site_url}{event.get_absolute_url()}",
        time_zone=event.time_zone,
        starts=[s.starts_at.astimezone(s.event.tz) for s in sessions],
    ).to_ical()
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    fields = _Fields(event, site_url=site_url, at=at, registered=registered, watch_url=watch_url)
    return b"".join([head[: -len(end)], *(_vevent_ical(fields(s)) for s in sessions), end])


def invitation(
    vevent: icalendar.Event,
    *,
    method: str,
    sequence: int,
    organizer: tuple[str, str],
    attendee: tuple[str, str],
    time_zone: str | None = None,
) -> bytes:
    """An iTIP (RFC 5546) REQUEST or CANCEL for one VEVENT, from the organiser to one attendee.
    `organizer` and `attendee` are (name, email)."""
    vevent["sequence"] = sequence
    if method == "CANCEL":
        vevent["status"] = "CANCELLED"
    name, email = organizer
    vevent.add("organizer", f"mailto:{email}", parameters={"CN": _text(name)})
    name, email = attendee
    vevent.add(
        "attendee",
        f"mailto:{email}",
        parameters={
            "CN": _text(name),
            "ROLE": "REQ-PARTICIPANT",
            "PARTSTAT": "ACCEPTED" if method == "REQUEST" else "DECLINED",
            "RSVP": "FALSE",
        },
    )
    return calendar_build(
        [vevent], name=str(vevent["summary"]), method=method, time_zone=time_zone
    ).to_ical()
