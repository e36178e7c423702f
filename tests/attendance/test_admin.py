"""Badges and attendance in the admin (attendance/admin.py), through the admin's own pages."""

import csv
import io
from datetime import datetime, time

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils.formats import date_format

from tests.attendance.conftest import check_in
from tests.attendance.test_badges import pdf_pages
from tests.factories import CategoryFactory, RegistrationFactory, SessionFactory, UserFactory
from tests.pages import parse

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registrations_registration_changelist")


@pytest.fixture
def registrations(past_event, government):
    academia = CategoryFactory(name="=Academia", slug="academia-test", position=5)
    return [
        RegistrationFactory(
            event=past_event, status="confirmed", full_name="Zoë Ruiz", category=government
        ),
        RegistrationFactory(
            event=past_event, status="confirmed", full_name="Ana Ñáñez", category=government
        ),
        RegistrationFactory(
            event=past_event, status="confirmed", full_name="Bruno Łoś", category=academia
        ),
        RegistrationFactory(
            event=past_event, status="pending", full_name="Carla Dias", category=government
        ),
    ]


def test_print_badges_asks_for_the_paper_then_gives_the_pdf(
    client, organiser, registrations, past_event, government
):
    online = RegistrationFactory(
        event=past_event, status="confirmed", mode="online", full_name="Olga", category=government
    )
    client.force_login(organiser)
    selected = {
        "action": "print_badges",
        ACTION_CHECKBOX_NAME: [r.pk for r in [*registrations, online]],
    }

    page = client.post(CHANGELIST, selected)

    assert page.templates[0].name == "admin/attendance/print_badges.html"
    assert parse(page).one("p", id="badge-count").text == (
        "3 badges will be printed, sorted by category and name. 2 selected registrations are not "
        "confirmed in person: no badge for them."
    )

    response = client.post(CHANGELIST, {**selected, "layout": "a6", "language": "en"})

    assert response["Content-Type"] == "application/pdf"
    assert [page[1] for page in pdf_pages(response.content)] == [
        "Ana Ñáñez",
        "Zoë Ruiz",
        "Bruno Łoś",
    ]


def test_print_badges_of_one_category_by_filter_and_select_all(
    client, organiser, registrations, government
):
    client.force_login(organiser)
    url = f"{CHANGELIST}?category__id__exact={government.pk}"

    page_boxes = [r.pk for r in registrations if r.category == government]  # as checked on the page

    response = client.post(
        url,
        {
            "action": "print_badges",
            ACTION_CHECKBOX_NAME: page_boxes[:1],
            "select_across": "1",
            "index": "0",
            "layout": "a4x4",
            "language": "",
        },
    )

    assert response["Content-Type"] == "application/pdf"
    (page,) = pdf_pages(response.content)
    assert [
        line for line in page if line in {"Ana Ñáñez", "Zoë Ruiz", "Bruno Łoś", "Carla Dias"}
    ] == [
        "Ana Ñáñez",
        "Zoë Ruiz",
    ]


def test_print_badges_with_no_confirmed_registration_says_so(client, organiser, registrations):
    client.force_login(organiser)

    response = client.post(
        CHANGELIST,
        {"action": "print_badges", ACTION_CHECKBOX_NAME: [registrations[3].pk]},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "No registration confirmed in person is selected: only they get a badge."
    ]


@pytest.fixture
def attended(past_event, entrance, registrations):
    """Two checked in on the first day, one of them also on the last; one at a session door."""
    zoe, _ana, bruno, _carla = registrations
    starts_at = datetime.combine(past_event.start_date, time(10), past_event.tz)
    session = SessionFactory(event=past_event, title="+Workshop on data", starts_at=starts_at)
    door = entrance.__class__.objects.create(
        event=past_event, name="Door", kind="session", session=session
    )
    check_in(zoe, entrance, past_event.start_date)
    check_in(bruno, entrance, past_event.start_date)
    check_in(bruno, entrance, past_event.end_date)
    check_in(bruno, door, past_event.start_date, session=session)
    return session


def test_attendance_page_by_day_category_and_session(client, organiser, past_event, attended):
    client.force_login(organiser)

    page = parse(client.get(reverse("admin:events_event_attendance", args=[past_event.pk])))

    assert page.one("p", id="attended").text.startswith(
        "2 participants checked in at least once, of 3 confirmed."
    )
    rows = [
        [cell.text for cell in row.select("td")]
        for row in page.one("table", id="by-category").select("tr")[1:]
    ]
    assert [row[:3] for row in rows] == [["Government", "2", "1"], ["=Academia", "1", "1"]]
    day_rows = [
        [c.text for c in row.select("td")]
        for row in page.one("table", id="by-day").select("tr")[1:]
    ]
    assert day_rows == [
        [date_format(past_event.start_date, "DATE_FORMAT"), "2"],
        [date_format(past_event.end_date, "DATE_FORMAT"), "1"],
    ]
    session_rows = [
        [c.text for c in row.select("td")]
        for row in page.one("table", id="by-session").select("tr")[1:]
    ]
    assert (session_rows[0][0], session_rows[0][2]) == ("+Workshop on data", "1")


def test_attendance_csv_is_formula_safe(client, organiser, past_event, attended):
    client.force_login(organiser)

    response = client.get(reverse("admin:events_event_attendance_csv", args=[past_event.pk]))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    first, last = past_event.start_date.isoformat(), past_event.end_date.isoformat()
    assert rows[0] == ["breakdown", "name", "day", "registered", "checked_in"]
    assert rows[1] == ["all", past_event.name, "", "3", "2"]
    assert rows[-1] == ["session", "'+Workshop on data", first, "", "1"]
    assert ["category", "'=Academia", "", "1", "1"] in rows
    assert [row for row in rows if row[0] == "day"] == [
        ["day", "", first, "", "2"],
        ["day", "", last, "", "1"],
    ]


def test_attendance_refused_to_staff_without_permission(client, past_event):
    client.force_login(UserFactory(username="intern", is_staff=True))

    response = client.get(reverse("admin:events_event_attendance", args=[past_event.pk]))

    assert response.status_code == 403
