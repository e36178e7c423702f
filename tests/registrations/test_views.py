"""The participant's pages, beyond the path through them in test_flow.py."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from registrations import services
from tests.factories import EventFactory, RegistrationFactory, SessionFactory
from tests.pages import parse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [5, 60])
def test_manage_page_queries_constant(client, django_assert_num_queries, size):
    registration = RegistrationFactory(status="confirmed")
    sessions = SessionFactory.create_batch(size, event=registration.event, capacity=10)
    services.session_choose(registration=registration, session_id=sessions[0].pk)
    # Registration, its choices, the sessions with their seat counts, the form's categories.
    with django_assert_num_queries(4):
        response = client.get(registration.get_absolute_url())
    ((_day, slots),) = response.context["agenda"].days
    assert sum(len(slot_sessions) for _starts, slot_sessions in slots) == size


def test_manage_page_escapes_participant_name(client):
    registration = RegistrationFactory(full_name="<script>alert(1)</script>")
    html = client.get(registration.get_absolute_url()).content.decode()
    assert html.count("<script>alert(1)") == 0
    assert re.findall(r'<input [^>]*name="full_name" value="([^"]*)"', html) == [
        "&lt;script&gt;alert(1)&lt;/script&gt;"
    ]


@pytest.mark.parametrize(
    ("status", "expected"),
    [("confirmed", ("live", "https://stream.example/members")), ("pending", None)],
)
def test_watch_page_registered_stream_only_for_confirmed(client, monkeypatch, status, expected):
    registration = RegistrationFactory(status=status)
    session = SessionFactory(
        event=registration.event,
        livestream_url="https://stream.example/members",
        livestream_visibility="registered",
    )
    monkeypatch.setattr("django.utils.timezone.now", lambda: session.starts_at)
    url = reverse("registrations:watch", args=[registration.token, session.pk])
    livestream = client.get(url).context["livestream"]
    assert ((livestream.state, livestream.url) if livestream else None) == expected
    assert client.get(session.get_absolute_url()).context["livestream"] is None


def manage_data(registration, **overrides):
    data = {
        "full_name": registration.full_name,
        "organisation": registration.organisation,
        "job_title": registration.job_title,
        "country": registration.country,
        "category": registration.category_id,
        "mode": registration.mode,
        "language": registration.language,
        "time_zone": registration.time_zone,
        "needs": registration.needs,
        "session_reminders": "on",
    }
    return {**data, **overrides}


def test_manage_refused_switch_to_online_shows_stored_registration_and_names_it(client):
    from tests.factories import EventFactory

    event = EventFactory(online_capacity=1)
    RegistrationFactory(event=event, mode="online", status="confirmed")
    registration = RegistrationFactory(event=event, status="confirmed")
    response = client.post(
        registration.get_absolute_url(), manage_data(registration, mode="online"), follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Your changes were not saved. There are no online places left."
    ]
    assert response.context["form"]["mode"].value() == "in_person"
    registration.refresh_from_db()
    assert registration.mode == "in_person"


def test_manage_page_warns_when_chosen_sessions_overlap(client):
    registration = RegistrationFactory(status="confirmed")
    first = SessionFactory(event=registration.event, title="Data spaces")
    second = SessionFactory(
        event=registration.event, title="AI Act", starts_at=first.starts_at, ends_at=first.ends_at
    )
    apart = SessionFactory(
        event=registration.event,
        starts_at=first.ends_at,
        ends_at=first.ends_at + (first.ends_at - first.starts_at),
    )
    for session in (first, second, apart):
        services.session_choose(registration=registration, session_id=session.pk)
    html = client.get(registration.get_absolute_url()).content.decode()
    warnings = re.findall(r'<div class="overlap[^"]*"[^>]*>\s*(.*?)\s*</div>', html)
    assert warnings == ["Overlaps with AI Act.", "Overlaps with Data spaces."]


def test_manage_page_online_participant_sees_no_seat_counts(client):
    registration = RegistrationFactory(status="confirmed", mode="online")
    session = SessionFactory(event=registration.event, capacity=1)
    seated = RegistrationFactory(event=registration.event, status="confirmed")
    services.session_choose(registration=seated, session_id=session.pk)
    html = client.get(registration.get_absolute_url()).content.decode()
    assert re.findall(r'<span class="seats">(.*?)</span>', html) == ["You follow online"]
    assert re.findall(r'name="action" value="(\w+)"', html) == ["choose"]


def test_manage_errors_summarised_with_a_link_to_each_field(client):
    registration = RegistrationFactory(status="confirmed")
    data = manage_data(registration, full_name="")
    del data["mode"]
    page = parse(client.post(registration.get_absolute_url(), data))
    summary = page.one(id_="error-summary")
    assert summary.attrs["role"] == "alert"
    assert [(link.text, link.attrs["href"]) for link in summary.select("a")] == [
        ("Full name: This field is required.", "#id_full_name"),
        ("How will you attend? This field is required.", "#id_mode_0"),
    ]
    # A radio group's link leads to its first button.
    assert page.one("input", id_="id_mode_0").attrs["value"] == "in_person"
    assert page.one("title").text == f"Error: 2 problems · Your registration · {registration.event}"
    registration.refresh_from_db()
    assert registration.full_name != ""


def test_manage_page_leads_with_my_sessions_then_the_programme_by_start_time(client):
    registration = RegistrationFactory(status="confirmed", time_zone="Europe/Madrid")
    event = registration.event
    early_a = SessionFactory(event=event, title="Early A")  # 09:00 in Bogotá
    late = SessionFactory(
        event=event,
        title="Late",
        starts_at=early_a.starts_at + timedelta(hours=5),
        ends_at=early_a.starts_at + timedelta(hours=6),
    )
    early_b = SessionFactory(event=event, title="Early B")
    services.session_choose(registration=registration, session_id=late.pk)
    services.session_choose(registration=registration, session_id=early_b.pk)

    page = parse(client.get(registration.get_absolute_url()))
    headings = [s.attrs.get("aria-labelledby") for s in page.select("section")]
    # The participant's own sessions come before the whole programme.
    assert headings.index("mine-heading") + 2 == headings.index("agenda-heading")
    sections = [
        page.one("section", **{"aria-labelledby": h}) for h in ("mine-heading", "agenda-heading")
    ]
    mine = sections[0].select("li")
    assert [li.attrs["id"] for li in mine] == [f"mine-{early_b.pk}", f"mine-{late.pk}"]
    assert [time.attrs["datetime"] for time in mine[0].select("time")] == [
        "2030-11-27T09:00-05:00",
        "2030-11-27T10:00-05:00",
        "2030-11-27T15:00+01:00",
        "2030-11-27T16:00+01:00",
    ]
    assert mine[0].one("span", cls="participant-time").text == "(Madrid Time: 15:00–16:00)"
    slots = sections[1].select("h4")
    assert [slot.text for slot in slots] == [
        "09:00 (Madrid Time: 15:00)",
        "14:00 (Madrid Time: 20:00)",
    ]
    lists = sections[1].select("ul", cls="list-group")
    assert [[li.attrs["id"] for li in ul.select("li")] for ul in lists] == [
        [f"session-{early_a.pk}", f"session-{early_b.pk}"],
        [f"session-{late.pk}"],
    ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Registration opens on 1 October 2030 at 08:00, Bogotá Time (UTC−5)."),
        ("es", "La inscripción abre el 1 de octubre de 2030 a las 08:00, hora de Bogotá (UTC−5)."),
    ],
)
def test_registration_not_open_yet_says_when_in_the_events_zone(client, language, expected):
    # 13:00 UTC: the page is not in UTC but in the event's zone, named.
    opens = datetime(2030, 10, 1, 13, tzinfo=UTC)
    event = EventFactory(registration_opens_at=opens)
    client.cookies["django_language"] = language
    page = parse(client.get(reverse("registrations:register", args=[event.slug])))
    reason = page.one("p", id_="closed-reason")
    assert reason.text == expected
    assert reason.one("time").attrs["datetime"] == "2030-10-01T08:00-05:00"
