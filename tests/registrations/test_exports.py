from datetime import UTC, datetime

import pytest

from registrations.exports import csv_safe


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 800", "'+1 800"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        (-2, "'-2"),
    ],
)
def test_csv_safe_formula_trigger_gets_apostrophe(value, cell):
    assert csv_safe(value) == cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("Ana Lucía Restrepo", "Ana Lucía Restrepo"),
        ("a=b", "a=b"),
        (" =1", " =1"),
        ("", ""),
        (42, "42"),
    ],
)
def test_csv_safe_plain_text_unchanged(value, cell):
    assert csv_safe(value) == cell


def test_csv_safe_none_is_empty():
    assert csv_safe(None) == ""


def test_csv_safe_datetime_is_iso_8601():
    assert csv_safe(datetime(2030, 11, 27, 14, 5, tzinfo=UTC)) == "2030-11-27T14:05:00+00:00"


@pytest.mark.parametrize(("value", "cell"), [(True, "yes"), (False, "no")])
def test_csv_safe_bool_is_yes_or_no(value, cell):
    assert csv_safe(value) == cell
