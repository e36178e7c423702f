"""Times on pages and in emails, with their zone named in words (events.zones).

On pages every time is a `<time datetime="…">` in the event's zone inside a
`data-local-time` element: static/js/local-time.js adds the visitor's own time there when it
differs, in the browser, so that the cached page stays the same for everyone.
"""

import zoneinfo
from datetime import datetime

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from .. import zones

register = template.Library()


@register.simple_tag
def event_zone(event) -> str:
    """'Bogotá Time (UTC−5)': the event's zone, with its offsets over the event's days."""
    return zones.event_zone_name(event)


@register.simple_tag
def zone_words(zone: str) -> str:
    """'Madrid Time': a zone in words, without its offset."""
    return zones.zone_time(zone)


@register.simple_tag
def zone_name(zone: str, moment: datetime) -> str:
    """'Madrid Time (UTC+1)': a zone named with its offset at that moment."""
    return zones.zone_name(zone, moment)


def time_element(moment: datetime, zone: str) -> SafeString:
    return zones.time_html(moment.astimezone(zoneinfo.ZoneInfo(zone)))


@register.simple_tag
def clock(moment: datetime, zone: str, unless_like: str = "", named: bool = False) -> str:
    """`<time datetime="2023-11-27T09:00-05:00">09:00</time>`: the clock time in the zone,
    followed by the zone's name if `named`; nothing when `unless_like`'s clocks read the same."""
    if unless_like and zones.same_clock(moment, zone, unless_like):
        return ""
    if named:
        return format_html("{}, {}", time_element(moment, zone), zones.zone_name(zone, moment))
    return time_element(moment, zone)


@register.simple_tag
def clock_range(starts: datetime, ends: datetime, zone: str, unless_like: str = "") -> str:
    """'09:00–10:30' as two `<time>` elements in the zone; nothing when `unless_like`'s clocks
    read the same (a participant whose zone keeps the event's time)."""
    if unless_like and zones.same_clock(starts, zone, unless_like):
        return ""
    return format_html("{}–{}", time_element(starts, zone), time_element(ends, zone))


@register.simple_tag
def when(starts: datetime, ends: datetime, zone: str, unless_like: str = "") -> str:
    """'Monday 27 November 2023, 11:30–13:00, Bogotá Time (UTC−5)', for emails; nothing when
    `unless_like`'s clocks read the same."""
    if unless_like and zones.same_clock(starts, zone, unless_like):
        return ""
    return zones.time_range(starts, ends, zone)
