"""A participant's own calendar feed at /calendar/<token>.ics."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from django.urls import reverse
from django.utils import timezone

from events.models import Session
from registrations import services
from registrations.models import SessionChoice
from tests.factories import (
    EventFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    ThemeFactory,
)
from tests.ical_checks import ical_checked

pytestmark = pytest.mark.django_db

BOGOTA = ZoneInfo("America/Bogota")
# Cached or 304: the registration by its token (with its event), the choices' stamp.
CACHED_QUERIES = 2
# Cold: those, the moments the programme changes with time, then the sessions, their event,
# themes, rooms and speakers' names.
COLD_QUERIES = CACHED_QUERIES + 6


def bogota(day: int, hour: int) -> datetime:
    return datetime.combine(date(2030, 11, 26) + timedelta(days=day), time(hour), BOGOTA)


def calendar_url(registration) -> str:
    return reverse("registrations:calendar", args=[registration.token])


def calendar_of(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return ical_checked(response.content)


def uids(response) -> list[str]:
    return [str(v["UID"]) for v in calendar_of(response).walk("VEVENT")]


def uid(session) -> str:
    return f"session-{session.pk}@localhost"


@pytest.fixture
def event():
    return EventFactory(name="Digital Alliance Days 2030")


@pytest.fixture
def participant(event):
    return RegistrationFactory(event=event, status="confirmed", full_name="Ana Restrepo")


@pytest.fixture
def sessions(event):
    return [
        SessionFactory(event=event, starts_at=bogota(1, hour), ends_at=bogota(1, hour + 1))
        for hour in (9, 11, 14, 16)
    ]


def test_personal_calendar_only_chosen_sessions(client, event, participant, sessions):
    chosen, full, not_chosen, later = sessions
    Session.objects.filter(pk=full.pk).update(capacity=1)
    other = RegistrationFactory(event=event, status="confirmed")
    services.session_choose(registration=other, session_id=full.pk)
    services.session_choose(registration=other, session_id=not_chosen.pk)
    for session in (later, full, chosen):
        services.session_choose(registration=participant, session_id=session.pk)
    assert dict(participant.choices.values_list("session_id", "status")) == {
        chosen.pk: "chosen",
        full.pk: "waitlisted",
        later.pk: "chosen",
    }
    response = client.get(calendar_url(participant))
    assert uids(response) == [uid(chosen), uid(later)]
    read = vobject.readOne(response.content.decode())
    assert read.contents["x-wr-calname"][0].value == "Digital Alliance Days 2030: my sessions"
    assert (response["Cache-Control"], response["Content-Disposition"]) == (
        "private, no-store",
        f'inline; filename="{event.slug}-my-sessions.ics"',
    )


def test_personal_calendar_includes_registered_livestream(client):
    now = timezone.now().astimezone(BOGOTA).replace(second=0, microsecond=0)
    event = EventFactory(
        name="Alliance Days Live",
        start_date=now.date() - timedelta(days=1),
        end_date=now.date() + timedelta(days=1),
    )
    session = SessionFactory(
        event=event,
        theme=ThemeFactory(name="Cybersecurity"),
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(minutes=50),
        livestream_url="https://stream.example/members-only-7f3a",
        livestream_visibility="registered",
    )
    participant = RegistrationFactory(event=event, status="confirmed")
    services.session_choose(registration=participant, session_id=session.pk)
    (vevent,) = calendar_of(client.get(calendar_url(participant))).walk("VEVENT")
    assert str(vevent["DESCRIPTION"]).split("\n\n") == [
        "Theme: Cybersecurity",
        "Livestream: https://stream.example/members-only-7f3a",
        "Language: English",
        f"http://localhost:8000{session.get_absolute_url()}",
    ]


def test_personal_calendar_old_token_404_after_renew(client, participant, sessions):
    services.session_choose(registration=participant, session_id=sessions[0].pk)
    old_url = calendar_url(participant)
    assert uids(client.get(old_url)) == [uid(sessions[0])]
    services.registration_token_renew(registration_id=participant.pk)
    participant.refresh_from_db()
    old, new = client.get(old_url), client.get(calendar_url(participant))
    assert (old.status_code, old.get("ETag")) == (404, None)
    assert uids(new) == [uid(sessions[0])]


def test_personal_calendar_unknown_token_404(client):
    response = client.get(reverse("registrations:calendar", args=["x" * 43]))
    assert (response.status_code, response.get("ETag")) == (404, None)


def test_personal_calendar_drop_one_add_another_changes_etag(client, participant, sessions):
    first, second, third, _ = sessions
    for session in (first, second):
        services.session_choose(registration=participant, session_id=session.pk)
    before = client.get(calendar_url(participant))
    services.session_drop(registration=participant, session_id=second.pk)
    services.session_choose(registration=participant, session_id=third.pk)
    after = client.get(calendar_url(participant), headers={"if-none-match": before["ETag"]})
    assert after["ETag"] != before["ETag"]
    assert (uids(before), uids(after)) == (
        [uid(first), uid(second)],
        [uid(first), uid(third)],
    )


def test_personal_calendar_if_none_match_gives_304(client, participant, sessions):
    services.session_choose(registration=participant, session_id=sessions[0].pk)
    first = client.get(calendar_url(participant))
    second = client.get(calendar_url(participant), headers={"if-none-match": first["ETag"]})
    assert (second.status_code, second.content) == (304, b"")


def test_personal_calendar_cancelled_registration_empty(client, participant, sessions):
    services.session_choose(registration=participant, session_id=sessions[0].pk)
    before = client.get(calendar_url(participant))
    services.registration_cancel(registration_id=participant.pk)
    after = client.get(calendar_url(participant))
    assert (uids(before), uids(after)) == ([uid(sessions[0])], [])
    assert after["ETag"] != before["ETag"]


@pytest.mark.parametrize("size", [10, 300])
def test_personal_calendar_queries_constant(
    client, django_assert_num_queries, event, participant, size
):
    theme, room = ThemeFactory(slug="bulk"), RoomFactory()
    # A few sessions the participant did not choose, which the feed must leave out.
    sessions = Session.objects.bulk_create(
        SessionFactory.build(
            event=event,
            theme=theme,
            room=room,
            starts_at=bogota(1 + i % 3, 8) + timedelta(minutes=i),
            ends_at=bogota(1 + i % 3, 9) + timedelta(minutes=i),
        )
        for i in range(size + 5)
    )
    SessionChoice.objects.bulk_create(
        SessionChoice(registration=participant, session=session) for session in sessions[:size]
    )
    url = calendar_url(participant)
    with django_assert_num_queries(COLD_QUERIES):
        cold = client.get(url)
    with django_assert_num_queries(CACHED_QUERIES):
        cached = client.get(url)
    with django_assert_num_queries(CACHED_QUERIES):
        not_modified = client.get(url, headers={"if-none-match": cold["ETag"]})
    assert len(uids(cold)) == size
    assert (cached.content, not_modified.status_code) == (cold.content, 304)


def test_personal_calendar_registered_stream_before_reveal_links_private_watch_page(client):
    event = EventFactory(name="Alliance Days Later")
    session = SessionFactory(
        event=event,
        theme=ThemeFactory(name="Cybersecurity"),
        livestream_url="https://stream.example/members-only-7f3a",
        livestream_visibility="registered",
    )
    participant = RegistrationFactory(event=event, status="confirmed")
    services.session_choose(registration=participant, session_id=session.pk)
    (vevent,) = calendar_of(client.get(calendar_url(participant))).walk("VEVENT")
    watch = reverse("registrations:watch", args=[participant.token, session.pk])
    assert str(vevent["DESCRIPTION"]).split("\n\n") == [
        "Theme: Cybersecurity",
        f"Livestream: the link appears on your private page from 08:45: http://localhost:8000{watch}",
        "Language: English",
        f"http://localhost:8000{session.get_absolute_url()}",
    ]


@pytest.mark.parametrize("status", ["pending", "confirmed", "waitlisted", "cancelled"])
def test_personal_calendar_private_no_store_whatever_the_status(client, event, sessions, status):
    """A participant's feed is theirs in every state: no shared cache may keep it (it was
    served `public, max-age=300` to waitlisted and cancelled participants)."""
    registration = RegistrationFactory(event=event, status=status)
    SessionChoice.objects.create(registration=registration, session=sessions[0])
    first = client.get(calendar_url(registration))
    second = client.get(calendar_url(registration), headers={"if-none-match": first["ETag"]})
    assert [(r.status_code, r["Cache-Control"]) for r in (first, second)] == [
        (200, "private, no-store"),
        (304, "private, no-store"),
    ]
