"""iCalendar (RFC 5545) for the programme: feeds, single sessions and iTIP invitations.

Pure functions from sessions to bytes; no request objects. Every session becomes a VEVENT with a
stable UID and its event's TZID, with a VTIMEZONE built once per zone and year range, and reused.
icalendar writes everything: the feeds are built only when their content changes (the views
cache the bytes by content), so its speed is not worth a second serialiser.
"""

import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

import icalendar
from django.urls import reverse
from django.utils.translation import gettext as _

from .languages import foreign_language
from .models import Event, Session

PRODID = "-//Alliance Days//Programme//EN"
REFRESH = timedelta(hours=1)  # how often calendar apps should poll a subscribed feed
# RFC 5545 text may hold tabs and line breaks (escaped by the library) but no other control
# character: a stray one would corrupt the file, so they are dropped.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Line breaks other than CR and LF: some clients show them raw, others break lines on them.
OTHER_LINE_BREAKS = re.compile(r"[\x85\u2028\u2029]")


def _text(value: str) -> str:
    """A TEXT value as calendars take it: control characters dropped, every line break a
    newline (which icalendar escapes as \\n)."""
    return OTHER_LINE_BREAKS.sub("\n", CONTROL_CHARACTERS.sub("", value))


@lru_cache(maxsize=64)
def vtimezone(tzid: str, first_year: int, last_year: int) -> icalendar.Timezone:
    """The VTIMEZONE of a zone over some years, made once per process (icalendar takes up to
    25 ms to make one) and reused by every calendar that needs it."""
    return icalendar.Timezone.from_tzid(
        tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
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


class _SessionVevents:
    """Makes the VEVENTs of an event's sessions, with what they all share worked out once: the
    labels in the active language, the session page URL (one `reverse` for all), the zone and
    the place."""

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
        self.language_label = _("Language: %(languages)s")

    def __call__(self, session: Session, stamp: datetime | None = None) -> icalendar.Event:
        """A session's VEVENT."""
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
                self.language_label % {"languages": session.languages_label},
                url,
            )
            if part
        )
        place = [session.room.name, *self.place] if session.room else self.place
        updated_at = session.updated_at.astimezone(UTC)
        vevent = icalendar.Event()
        for name, value in {
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
        }.items():
            vevent.add(name, value)
        # A title not (yet) translated into the calendar's language says which one it is in.
        if title_language := foreign_language(session, "title"):
            vevent["summary"].params["LANGUAGE"] = title_language
        return vevent


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
    vevent = _SessionVevents(
        session.event, site_url=site_url, at=at, registered=registered, watch_url=watch_url
    )
    return vevent(session, stamp)


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
) -> icalendar.Calendar:
    """A VCALENDAR around the given VEVENTs, with one VTIMEZONE per TZID they use."""
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
    _add_timezones(calendar, [vevent.decoded("dtstart") for vevent in vevents])
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
    CANCELLED); `registered` and `watch_url` as for `session_vevent`. Takes sessions from
    `selectors.sessions_for_calendar`."""
    vevent = _SessionVevents(
        event, site_url=site_url, at=at, registered=registered, watch_url=watch_url
    )
    return calendar_build(
        [vevent(session) for session in sessions],
        name=name,
        description=f"{event.name}, {event.city}. {site_url}{event.get_absolute_url()}",
        time_zone=event.time_zone,
    ).to_ical()


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
