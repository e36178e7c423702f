"""Time zones in words (events/zones.py) and the list participants choose theirs from."""

import zoneinfo
from datetime import datetime

import pytest
from django.utils import translation

from events import zones

BOGOTA = zoneinfo.ZoneInfo("America/Bogota")
MADRID = zoneinfo.ZoneInfo("Europe/Madrid")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Bogotá Time (UTC−5)"),
        ("es", "hora de Bogotá (UTC−5)"),
        ("pt", "Horário Bogotá (UTC−5)"),
    ],
)
def test_zone_name_in_the_readers_language(language, expected):
    at = datetime(2030, 11, 27, 9, tzinfo=BOGOTA)
    with translation.override(language):
        assert zones.zone_name("America/Bogota", at) == expected


def test_zone_name_gives_both_offsets_when_the_clocks_change():
    before, after = (
        datetime(2030, 3, 29, 12, tzinfo=MADRID),
        datetime(2030, 4, 2, 12, tzinfo=MADRID),
    )
    assert zones.zone_name("Europe/Madrid", before, after, language="en") == (
        "Madrid Time (UTC+1/UTC+2)"
    )
    assert zones.zone_name("Europe/Madrid", after, language="es") == "hora de Madrid (UTC+2)"


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Asia/Kolkata", "UTC+5:30"),
        ("America/St_Johns", "UTC−3:30"),
        ("Asia/Kathmandu", "UTC+5:45"),
        ("Europe/London", "UTC"),
    ],
)
def test_utc_offset_with_minutes_and_a_minus_sign(zone, expected):
    assert zones.utc_offset(datetime(2030, 1, 15, 12, tzinfo=zoneinfo.ZoneInfo(zone))) == expected


def test_time_range_names_day_times_and_zone():
    starts = datetime(2030, 11, 27, 10, tzinfo=BOGOTA)
    ends = datetime(2030, 11, 27, 11, 30, tzinfo=BOGOTA)
    with translation.override("es"):
        assert zones.time_range(starts, ends, "Europe/Madrid") == (
            "miércoles 27 de noviembre de 2030, 16:00–17:30, hora de Madrid (UTC+1)"
        )


def test_time_html_is_a_time_element_in_the_moments_own_zone():
    moment = datetime(2030, 11, 27, 9, 5, tzinfo=BOGOTA)
    assert zones.time_html(moment) == '<time datetime="2030-11-27T09:05-05:00">09:05</time>'


def test_zone_choices_hold_no_alias_or_technical_zone():
    listed = {choice.zone for choice in zones.zone_choices()}
    assert {"America/Bogota", "Europe/Madrid", "America/Sao_Paulo", "UTC"} <= listed
    junk = {"Factory", "localtime", "US/Eastern", "Etc/GMT+5", "GB", "America/Buenos_Aires"}
    assert listed & junk == set()
    assert not any(zone.startswith("Etc/") for zone in listed)
    assert len(listed) == len(zones.zone_choices()) < 450


def test_zone_choices_translated_with_the_countrys_zones_first():
    at = datetime(2030, 11, 27, 12, tzinfo=BOGOTA)
    with translation.override("pt"):
        choices = zones.zone_choices(first_country="BR", first_zone="America/Sao_Paulo", at=at)
    assert choices[0].label == "São Paulo, Brasil (UTC−3)"
    brazil = [choice.country for choice in choices[:16]]
    assert brazil == ["BR"] * 16
    assert choices[16].country != "BR"
    with translation.override("es"):
        labels = [choice.label for choice in zones.zone_choices(at=at)]
    assert "Bruselas, Bélgica (UTC+1)" in labels
    # Alphabetical, accents aside: Ámsterdam among the A's.
    assert labels.index("Ámsterdam, Países Bajos (UTC+1)") < labels.index("Atenas, Grecia (UTC+2)")


@pytest.mark.parametrize(
    "typed",
    [
        "Bogotá, Colombia (UTC−5)",
        "bogota, colombia",
        "America/Bogota",
        "  BOGOTÁ, Colombia  ",
    ],
)
def test_zone_find_by_label_or_id(typed):
    with translation.override("en"):
        assert zones.zone_find(typed) == "America/Bogota"


def test_zone_find_refuses_what_the_list_does_not_hold():
    assert zones.zone_find("Factory") is None
    assert zones.zone_find("Atlantis") is None
    assert zones.zone_find("US/Eastern") is None
    # …but a zone stored before, under an old name, is kept as it is.
    label = zones.zone_label("America/Buenos_Aires")
    assert label.startswith("Buenos Aires (UTC−")
    assert zones.zone_find(label, also="America/Buenos_Aires") == "America/Buenos_Aires"


def test_zone_find_by_city_alone_when_no_other_zone_has_its_name():
    with translation.override("es"):
        assert zones.zone_find("bruselas") == "Europe/Brussels"
        assert zones.zone_find("São Paulo") == "America/Sao_Paulo"
    assert zones.zone_find("Colombia") is None  # a country is no city
