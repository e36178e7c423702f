from datetime import date, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from events.models import Event, Room, Session, Speaker, Theme

pytestmark = pytest.mark.django_db

BOGOTA = ZoneInfo("America/Bogota")
SLUG = "digital-alliance-days-2023"


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, list]:
    """Every row the demo writes, every column included."""
    return {
        "events": list(Event.objects.order_by("pk").values()),
        "themes": list(Theme.objects.order_by("pk").values()),
        "rooms": list(Room.objects.order_by("pk").values()),
        "speakers": list(Speaker.objects.order_by("pk").values()),
        "sessions": list(Session.objects.order_by("pk").values()),
        "session_speakers": list(
            Session.speakers.through.objects.order_by("pk").values("session_id", "speaker_id")
        ),
    }


def test_load_demo_three_days_in_bogota():
    output = load_demo()

    event = Event.objects.get(slug=SLUG)
    local_days = {s.starts_at.astimezone(BOGOTA).date() for s in event.sessions.all()}
    assert output == (
        "Loaded EU–LAC Digital Alliance Days 2023: 34 sessions, 2023-11-27 to 2023-11-29 "
        "(America/Bogota).\n"
    )
    assert (event.time_zone, event.start_date, event.end_date, event.published) == (
        "America/Bogota",
        date(2023, 11, 27),
        date(2023, 11, 29),
        True,
    )
    assert event.sessions.count() == 34
    assert sorted(local_days) == [date(2023, 11, 27), date(2023, 11, 28), date(2023, 11, 29)]


def test_load_demo_six_themes_five_rooms_sixteen_speakers():
    load_demo()

    themes = list(Theme.objects.values_list("name", flat=True))
    assert themes == [
        "Plenary",
        "Data governance",
        "E-governance",
        "Cybersecurity",
        "Connectivity",
        "Artificial intelligence",
    ]
    assert (Room.objects.count(), Speaker.objects.count()) == (5, 16)
    assert set(Session.objects.values_list("theme__name", flat=True)) == set(themes)


def test_load_demo_first_session_opens_the_programme():
    load_demo()

    first = Session.objects.order_by("starts_at").first()
    last = Session.objects.order_by("starts_at").last()
    assert (first.title, timezone.localtime(first.starts_at, BOGOTA).strftime("%d %H:%M")) == (
        "Registration and welcome coffee",
        "27 08:30",
    )
    assert (last.title, timezone.localtime(last.ends_at, BOGOTA).strftime("%d %H:%M")) == (
        "Closing plenary: towards the EU–CELAC Summit 2025",
        "29 17:30",
    )


def test_load_demo_no_room_double_booked():
    load_demo()
    for session in Session.objects.all():
        session.clean()  # raises on a clash, outside the event or ending before it starts
    assert Session.objects.filter(status=Session.Status.SCHEDULED).count() == 34


def test_load_demo_livestreams_public_and_registered_only():
    load_demo()

    visibilities = {
        visibility: Session.objects.filter(livestream_visibility=visibility).count()
        for visibility in Session.Visibility.values
    }
    assert visibilities == {"public": 15, "registered": 5, "none": 14}
    assert (
        Session.objects.filter(livestream_visibility="none").exclude(livestream_url="").count() == 0
    )


def test_load_demo_twice_changes_nothing():
    load_demo()
    first = snapshot()

    load_demo()

    assert snapshot() == first
    assert {s["sequence"] for s in first["sessions"]} == {0}


def test_load_demo_starts_in_minutes_moves_first_session():
    load_demo()

    load_demo("--starts-in-minutes", "60")

    first = Session.objects.order_by("starts_at").first()
    expected = timezone.now() + timedelta(minutes=60)
    assert first.title == "Registration and welcome coffee"
    assert abs(first.starts_at - expected) < timedelta(minutes=1)
    assert first.starts_at.second == 0


def test_load_demo_starts_in_minutes_keeps_programme_shape_and_bumps_sequence():
    load_demo()
    before = {s.title: s for s in Session.objects.all()}

    load_demo("--starts-in-minutes", "60")

    after = {s.title: s for s in Session.objects.all()}
    shifts = {after[t].starts_at - before[t].starts_at for t in before}
    lengths_kept = all(
        after[t].ends_at - after[t].starts_at == before[t].ends_at - before[t].starts_at
        for t in before
    )
    assert len(shifts) == 1
    assert lengths_kept
    assert {s.sequence for s in after.values()} == {1}
    assert set(after) == set(before)


def test_load_demo_starts_in_minutes_event_dates_cover_moved_sessions():
    load_demo("--starts-in-minutes", "60")

    event = Event.objects.get(slug=SLUG)
    sessions = event.sessions.order_by("starts_at")
    first, last = sessions.first(), sessions.order_by("ends_at").last()
    assert event.start_date == timezone.localtime(first.starts_at, BOGOTA).date()
    assert event.end_date == timezone.localtime(last.ends_at - timedelta(seconds=1), BOGOTA).date()
    assert {s.sequence for s in sessions} == {0}


def test_load_demo_organiser_can_log_in(client):
    output = load_demo("--organiser")

    user = get_user_model().objects.get(username="organiser")
    assert output.splitlines()[-1] == "Organiser account: organiser / alliance-days-demo"
    assert (user.is_staff, user.is_superuser) == (True, False)
    assert list(user.groups.values_list("name", flat=True)) == ["Organisers"]
    login = client.post(
        "/admin/login/?next=/admin/",
        {"username": "organiser", "password": "alliance-days-demo"},
    )
    assert (login.status_code, login["Location"]) == (302, "/admin/")
    response = client.get("/admin/events/session/")
    assert response.context["cl"].result_count == 34


def test_load_demo_organiser_twice_one_account():
    load_demo("--organiser")
    load_demo("--organiser")
    users = get_user_model().objects.filter(username="organiser")
    assert [(u.username, u.groups.count()) for u in users] == [("organiser", 1)]


def translated_coverage() -> dict[str, dict[str, str]]:
    """For each translated field of the demo (events/translation.py): how many rows hold it in
    Spanish and in Portuguese, of those that hold it in English."""
    from modeltranslation.translator import translator

    coverage = {}
    for model in (Event, Theme, Room, Speaker, Session):
        for field in translator.get_options_for_model(model).fields:
            rows = list(model.objects.values(f"{field}_en", f"{field}_es", f"{field}_pt_br"))
            entered = [row for row in rows if row[f"{field}_en"]]
            coverage[f"{model.__name__}.{field}"] = {
                language: f"{len([row for row in entered if row[f'{field}_{language}']])}"
                f"/{len(entered)}"
                for language in ("es", "pt_br")
            }
    return coverage


def test_load_demo_translated_field_coverage(capsys):
    """The demo carries Spanish and Portuguese for its event, themes, rooms and speakers, and
    for a few sessions; the figures are printed."""
    load_demo()

    coverage = translated_coverage()

    with capsys.disabled():
        print("\nDemo translated-field coverage (rows in es / pt-BR of rows in en):")
        for field, counts in coverage.items():
            print(f"  {field:22} es {counts['es']:>6}   pt-BR {counts['pt_br']:>6}")
    assert coverage == {
        "Event.name": {"es": "1/1", "pt_br": "1/1"},
        "Event.description": {"es": "1/1", "pt_br": "1/1"},
        "Event.hosts": {"es": "1/1", "pt_br": "1/1"},
        "Theme.name": {"es": "6/6", "pt_br": "6/6"},
        "Theme.description": {"es": "6/6", "pt_br": "6/6"},
        "Room.name": {"es": "5/5", "pt_br": "5/5"},
        "Room.floor": {"es": "5/5", "pt_br": "5/5"},
        "Speaker.affiliation": {"es": "16/16", "pt_br": "16/16"},
        "Speaker.country": {"es": "16/16", "pt_br": "16/16"},
        "Speaker.bio": {"es": "16/16", "pt_br": "16/16"},
        "Session.title": {"es": "8/34", "pt_br": "8/34"},
        "Session.abstract": {"es": "8/34", "pt_br": "8/34"},
    }


def test_load_demo_programme_in_spanish_with_interpretation(client):
    load_demo()
    client.cookies["django_language"] = "es"

    response = client.get(f"/events/{SLUG}/programme/?language=pt")

    titles = [s.title for _day, sessions in response.context["days"] for s in sessions]
    assert titles == [
        "Plenaria de apertura: una alianza digital centrada en las personas",
        "Conferencia magistral: de la Declaración Conjunta a la acción",
        "Identidad digital y registros interoperables",  # spoken in Portuguese
        "Plenaria de clausura: hacia la Cumbre UE–CELAC 2025",
    ]
