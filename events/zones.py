"""Time zones named for people rather than by IANA id, in the reader's language.

"Bogotá Time (UTC−5)", "hora de Bogotá (UTC−5)": the zone's city and CLDR's wording for a
zone named after a place, from Babel; the list a participant picks their zone from is tzdata's
zone.tab (one row per country and zone, without the "Etc/…", "Factory" or backward-compatible
aliases of the full database), each labelled with its city and country.
"""

import unicodedata
import zoneinfo
from datetime import datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from babel import Locale
from babel.dates import get_timezone_location
from django.utils import dateformat, formats, timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

UTC_ZONES = {"UTC", "Etc/UTC"}
MINUS = "\N{MINUS SIGN}"


def _locale(language: str | None = None) -> Locale:
    return Locale.parse(translation.to_locale(language or translation.get_language() or "en"))


def utc_offset(moment: datetime) -> str:
    """'UTC−5', 'UTC+5:30', or 'UTC' itself: the offset of an aware datetime from UTC."""
    minutes = round(moment.utcoffset().total_seconds() / 60)
    if minutes == 0:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'+' if minutes > 0 else MINUS}{hours}" + (f":{rest:02d}" if rest else "")


def zone_city(zone: str, language: str | None = None) -> str:
    """The city a zone is named after, in the language: 'Bogotá', 'Bruselas'."""
    return get_timezone_location(zone, locale=_locale(language), return_city=True)


def zone_time(zone: str, language: str | None = None) -> str:
    """The zone in words: 'Bogotá Time', 'hora de Bogotá', 'Coordinated Universal Time'."""
    locale = _locale(language)
    if zone in UTC_ZONES:
        return locale.time_zones["Etc/UTC"]["long"]["standard"]
    return locale.zone_formats["region"] % zone_city(zone, language)


def zone_name(zone: str, *moments: datetime, language: str | None = None) -> str:
    """'Bogotá Time (UTC−5)': the zone in words with its offset at these moments (both
    offsets, 'UTC+2/UTC+1', when the clocks change between them)."""
    tz = zoneinfo.ZoneInfo(zone)
    offsets = dict.fromkeys(utc_offset(moment.astimezone(tz)) for moment in moments)
    if zone in UTC_ZONES:
        return zone_time(zone, language)
    return f"{zone_time(zone, language)} ({'/'.join(offsets)})"


def event_zone_name(event, language: str | None = None) -> str:
    """The event's zone named with its offsets from the first to the last day."""
    return zone_name(
        event.time_zone, event.starts_at, event.ends_at - timedelta(minutes=1), language=language
    )


def same_clock(moment: datetime, zone: str, other_zone: str) -> bool:
    """Whether clocks in both zones read the same at this moment."""
    return (
        moment.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
        == moment.astimezone(zoneinfo.ZoneInfo(other_zone)).utcoffset()
    )


def time_html(moment: datetime) -> SafeString:
    """`<time datetime="2023-11-27T09:00-05:00">09:00</time>`: the clock time of an aware
    datetime, in its own zone."""
    return format_html(
        '<time datetime="{}">{}</time>', moment.isoformat(timespec="minutes"), f"{moment:%H:%M}"
    )


def time_range(starts: datetime, ends: datetime, zone: str) -> str:
    """'Monday 27 November 2023, 11:30–13:00, Bogotá Time (UTC−5)' in the active language."""
    tz = zoneinfo.ZoneInfo(zone)
    starts, ends = timezone.localtime(starts, tz), timezone.localtime(ends, tz)
    day = dateformat.format(starts, f"l {formats.get_format('DATE_FORMAT')}")
    return f"{day}, {starts:%H:%M}–{ends:%H:%M}, {zone_name(zone, starts)}"


# --- the list participants choose from ---------------------------------------------------


class ZoneChoice(NamedTuple):
    zone: str
    country: str  # ISO 3166 code, "" for UTC
    label: str  # city, country and offset, as in zone_name


@lru_cache(maxsize=1)
def _zone_table() -> tuple[tuple[str, str], ...]:
    """(zone, country code) of every row of tzdata's zone.tab, in its order: within a
    country, geographical with the most populous zones first."""
    text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return tuple((row[2], row[0]) for row in rows)


def _sort_key(text: str) -> str:
    """Alphabetical order that ignores accents and case ('Österreich' among the O's)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=32)
def _zone_choices(language: str, hour: str) -> tuple[ZoneChoice, ...]:
    locale = _locale(language)
    moment = datetime.fromisoformat(hour)
    choices = [ZoneChoice("UTC", "", f"{zone_time('UTC', language)} (UTC)")]
    for zone, country in _zone_table():
        offset = utc_offset(moment.astimezone(zoneinfo.ZoneInfo(zone)))
        place = f"{zone_city(zone, language)}, {locale.territories.get(country, country)}"
        choices.append(ZoneChoice(zone, country, f"{place} ({offset})"))
    choices[1:] = sorted(choices[1:], key=lambda choice: _sort_key(choice.label))
    return tuple(choices)


def zone_choices(
    *, first_country: str = "", first_zone: str = "", at: datetime | None = None
) -> list[ZoneChoice]:
    """Every zone of zone.tab and UTC, labelled in the active language with the offset at
    `at` (now by default), alphabetical by city; `first_zone`, then the other zones of
    `first_country`, first."""
    moment = (at or timezone.now()).astimezone(zoneinfo.ZoneInfo("UTC"))
    hour = moment.replace(minute=0, second=0, microsecond=0).isoformat()
    choices = _zone_choices(translation.get_language() or "en", hour)
    if not (first_country or first_zone):
        return list(choices)
    return sorted(
        choices,
        key=lambda c: (c.zone != first_zone, not first_country or c.country != first_country),
    )


def zone_label(zone: str, at: datetime | None = None) -> str:
    """The label of a zone in the list, also for a zone the list does not hold (an alias
    stored before): its city and the offset."""
    for choice in zone_choices(at=at):
        if choice.zone == zone:
            return choice.label
    moment = (at or timezone.now()).astimezone(zoneinfo.ZoneInfo(zone))
    return f"{zone_city(zone)} ({utc_offset(moment)})"


def zone_find(text: str, *, also: str = "") -> str | None:
    """The zone a participant typed or picked: its label in the list (with or without the
    offset, ignoring case and accents), its IANA id, its city alone when no other zone has
    that name, or the label of `also` (the zone stored before, which the list may not hold).
    None when nothing matches."""
    wanted = _sort_key(text.strip())
    candidates = [(choice.zone, choice.label) for choice in zone_choices()]
    if also:
        candidates.append((also, zone_label(also)))
    by_city = set()
    for zone, label in candidates:
        place = label.rpartition(" (")[0]
        if wanted in {zone.casefold(), _sort_key(label), _sort_key(place)}:
            return zone
        if wanted == _sort_key(place.partition(", ")[0]):
            by_city.add(zone)
    return by_city.pop() if len(by_city) == 1 else None
