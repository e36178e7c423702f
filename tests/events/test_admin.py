from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group

from events.models import Event, Session
from tests.factories import (
    EventFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    ThemeFactory,
    UserFactory,
)
from tests.pages import form_fields, parse

pytestmark = pytest.mark.django_db

BOGOTA = ZoneInfo("America/Bogota")
CHANGELIST = "/admin/events/session/"
ADD = "/admin/events/session/add/"
# session, user, permissions (user's, group's), event filter, day filter, theme filter, room
# filter, counts (filtered and total), the page of sessions with event, theme and room, the
# date hierarchy's two.
CHANGELIST_QUERIES = 13
# The day filter adds one: the sessions whose local day matches.
DAY_FILTERED_CHANGELIST_QUERIES = 14


def bogota(day: int, hour: int, minute: int = 0) -> datetime:
    """Bogota time on day 1, 2, 3 of the factory event (27 to 29 November 2030)."""
    return datetime.combine(date(2030, 11, 26) + timedelta(days=day), time(hour, minute), BOGOTA)


def split(name: str, moment: datetime) -> dict[str, str]:
    """The admin's date and time inputs for a moment, as an organiser types it: in the event's
    own zone (America/Bogota), which the session form switches to."""
    local = moment.astimezone(BOGOTA)
    return {f"{name}_0": local.strftime("%Y-%m-%d"), f"{name}_1": local.strftime("%H:%M:%S")}


def session_form(*, event, theme, starts_at, ends_at, room=None, **fields) -> dict:
    return {
        "event": event.pk,
        "title_en": "Cyber diplomacy",
        "title_es": "",
        "title_pt_br": "",
        "abstract_en": "",
        "abstract_es": "",
        "abstract_pt_br": "",
        "interpretation": [],
        "theme": theme.pk,
        "format": "panel",
        "language": "en",
        **split("starts_at", starts_at),
        **split("ends_at", ends_at),
        "room": room.pk if room else "",
        "capacity": "",
        "livestream_url": "",
        "livestream_visibility": "none",
        "recording_url": "",
        "status": "scheduled",
        "_save": "Save",
        **fields,
    }


def field_errors(doc, name: str) -> list[str]:
    """The errors shown in the form row of one field."""
    row = doc.one("div", cls=f"field-{name}")
    return [li.text for li in row.one("ul", cls="errorlist").select("li")]


def result_titles(response) -> list[str]:
    return sorted(session.title for session in response.context["cl"].result_list)


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


# The Organisers group (migration 0003)

EVENTS_PERMISSIONS = {
    f"{action}_{model}"
    for action in ("add", "change", "delete", "view")
    for model in ("event", "theme", "room", "speaker", "session")
}


def test_organisers_group_has_every_programme_permission():
    group = Group.objects.get(name="Organisers")
    codenames = list(
        group.permissions.filter(content_type__app_label="events").values_list(
            "codename", flat=True
        )
    )
    assert len(codenames) == 20
    assert set(codenames) == EVENTS_PERMISSIONS


def test_organisers_group_has_nothing_on_users_or_groups():
    group = Group.objects.get(name="Organisers")
    assert list(group.permissions.filter(content_type__app_label="auth")) == []


def test_organiser_can_open_programme_admin_not_users(organiser_client, organiser):
    index = organiser_client.get("/admin/")
    users = organiser_client.get("/admin/auth/user/")

    events_app = next(app for app in index.context["app_list"] if app["app_label"] == "events")
    assert [model["object_name"] for model in events_app["models"]] == [
        "Event",
        "Room",
        "Session",
        "Speaker",
        "Theme",
    ]
    assert organiser.has_module_perms("auth") is False
    assert users.status_code == 403


def test_staff_outside_organisers_cannot_see_sessions(client):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(CHANGELIST)
    assert response.status_code == 403


# The cancel action


def test_cancel_sessions_action_cancels_selected_and_reports(organiser_client):
    first = SessionFactory(title="First")
    second = SessionFactory(title="Second")
    already = SessionFactory(title="Already", status=Session.Status.CANCELLED, sequence=2)
    SessionFactory(title="Kept")

    response = organiser_client.post(
        CHANGELIST,
        {"action": "cancel_sessions", "_selected_action": [first.pk, second.pk, already.pk]},
        follow=True,
    )

    assert response.redirect_chain == [(CHANGELIST, 302)]
    assert [str(m) for m in response.context["messages"]] == ["2 sessions cancelled."]
    messages = parse(response).one("ul", cls="messagelist").select("li")
    assert [(li.attrs["class"], li.text) for li in messages] == [
        ("success", "2 sessions cancelled.")
    ]
    assert sorted(Session.objects.values_list("title", "status", "sequence")) == [
        ("Already", "cancelled", 2),
        ("First", "cancelled", 1),
        ("Kept", "scheduled", 0),
        ("Second", "cancelled", 1),
    ]


def test_cancel_sessions_action_one_session_singular_message(organiser_client):
    session = SessionFactory()

    response = organiser_client.post(
        CHANGELIST, {"action": "cancel_sessions", "_selected_action": [session.pk]}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == ["1 session cancelled."]


def test_cancel_sessions_action_listed_for_organisers(organiser_client):
    SessionFactory()
    response = organiser_client.get(CHANGELIST)
    choices = dict(response.context["action_form"].fields["action"].choices)
    assert choices["cancel_sessions"] == "Cancel selected sessions"


# The add form: the model's clean() errors next to their fields


def test_session_add_form_creates_session(organiser_client):
    event, theme = EventFactory(), ThemeFactory()
    room, speaker = RoomFactory(), SpeakerFactory()

    response = organiser_client.post(
        ADD,
        session_form(
            event=event,
            theme=theme,
            starts_at=bogota(2, 9),
            ends_at=bogota(2, 10, 30),
            room=room,
            speakers=[speaker.pk],
        ),
    )

    session = Session.objects.get()
    assert (response.status_code, response["Location"]) == (302, CHANGELIST)
    assert (session.title, session.starts_at, session.ends_at, session.room, session.sequence) == (
        "Cyber diplomacy",
        bogota(2, 9),
        bogota(2, 10, 30),
        room,
        0,
    )
    assert list(session.speakers.all()) == [speaker]


def test_session_add_form_outside_event_dates_error_next_to_starts_at(organiser_client):
    event, theme = EventFactory(), ThemeFactory()

    response = organiser_client.post(
        ADD, session_form(event=event, theme=theme, starts_at=bogota(4, 9), ends_at=bogota(4, 10))
    )

    message = (
        "The session must lie within the event's dates (2030-11-27 to 2030-11-29, America/Bogota)."
    )
    assert response.context["adminform"].form.errors == {"starts_at": [message]}
    assert field_errors(parse(response), "starts_at") == [message]
    assert Session.objects.count() == 0


def test_session_add_form_end_before_start_error_next_to_ends_at(organiser_client):
    event, theme = EventFactory(), ThemeFactory()

    response = organiser_client.post(
        ADD, session_form(event=event, theme=theme, starts_at=bogota(1, 10), ends_at=bogota(1, 9))
    )

    errors = response.context["adminform"].form.errors
    assert errors == {"ends_at": ["A session must end after it starts."]}
    assert field_errors(parse(response), "ends_at") == ["A session must end after it starts."]
    assert Session.objects.count() == 0


def test_session_add_form_double_booked_room_error_next_to_room(organiser_client):
    booked = SessionFactory(title="Data flows", starts_at=bogota(1, 9), ends_at=bogota(1, 10))

    response = organiser_client.post(
        ADD,
        session_form(
            event=booked.event,
            theme=booked.theme,
            starts_at=bogota(1, 9, 30),
            ends_at=bogota(1, 10, 30),
            room=booked.room,
        ),
    )

    message = f"{booked.room.name} is already booked at that time for “Data flows”."
    assert response.context["adminform"].form.errors == {"room": [message]}
    assert field_errors(parse(response), "room") == [message]
    assert Session.objects.count() == 1


def test_session_add_form_room_of_cancelled_session_free(organiser_client):
    cancelled = SessionFactory(status=Session.Status.CANCELLED)

    response = organiser_client.post(
        ADD,
        session_form(
            event=cancelled.event,
            theme=cancelled.theme,
            starts_at=cancelled.starts_at,
            ends_at=cancelled.ends_at,
            room=cancelled.room,
        ),
    )

    assert response.status_code == 302
    assert Session.objects.filter(room=cancelled.room).count() == 2


# The change form saves through session_save: SEQUENCE grows only for what participants see


@pytest.mark.parametrize(
    ("change", "sequence"),
    [
        ({"title_en": "Renamed"}, 1),
        ({"title_es": "Renombrada"}, 1),
        (split("starts_at", bogota(1, 8)), 1),
        ({"status": "cancelled"}, 1),
        ({"abstract_en": "More detail."}, 0),
        ({"livestream_url": "stream.example/s", "livestream_visibility": "public"}, 0),
        ({"interpretation": ["es"]}, 1),
        ({}, 0),
    ],
    ids=[
        "title",
        "title-es",
        "time",
        "status",
        "abstract",
        "livestream",
        "interpretation",
        "nothing",
    ],
)
def test_session_change_form_sequence(organiser_client, change, sequence):
    session = SessionFactory(title="Cyber diplomacy", starts_at=bogota(1, 9), room=None)
    data = session_form(
        event=session.event, theme=session.theme, starts_at=bogota(1, 9), ends_at=bogota(1, 10)
    )

    response = organiser_client.post(f"{CHANGELIST}{session.pk}/change/", {**data, **change})

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.sequence == sequence


def test_session_change_form_link_without_scheme_is_https(organiser_client):
    session = SessionFactory(room=None)
    data = session_form(
        event=session.event,
        theme=session.theme,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        livestream_url="stream.example/s",
    )

    organiser_client.post(f"{CHANGELIST}{session.pk}/change/", data)

    session.refresh_from_db()
    assert session.livestream_url == "https://stream.example/s"


# Changelist filters and search


@pytest.fixture
def sessions():
    """Sessions over two events, two days, two themes, two rooms and both statuses."""
    event = EventFactory(name="Days 2030")
    other = EventFactory(name="Days 2031", start_date=date(2031, 3, 1), end_date=date(2031, 3, 2))
    ai, data = ThemeFactory(name="AI"), ThemeFactory(name="Data")
    hall, terrace = RoomFactory(name="Hall"), RoomFactory(name="Terrace")
    SessionFactory(event=event, title="AI keynote", theme=ai, room=hall)
    # 23:30 in Bogota: the 27th there, the 28th in UTC.
    SessionFactory(
        event=event,
        title="Late data talk",
        theme=data,
        room=terrace,
        starts_at=bogota(1, 23, 30),
        ends_at=bogota(2, 0, 15),
        speakers=[SpeakerFactory(name="Sofía Benítez")],
    )
    SessionFactory(
        event=event,
        title="Data workshop",
        theme=data,
        room=hall,
        status=Session.Status.CANCELLED,
        abstract="Hands-on privacy engineering.",
        starts_at=bogota(2, 9),
        ends_at=bogota(2, 10),
    )
    SessionFactory(event=other, title="Next year", theme=ai, room=None)
    return {"event": event, "other": other, "ai": ai, "hall": hall, "terrace": terrace}


def test_changelist_lists_all_sessions(organiser_client, sessions):
    response = organiser_client.get(CHANGELIST)
    assert result_titles(response) == ["AI keynote", "Data workshop", "Late data talk", "Next year"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("event__id__exact={event}", ["AI keynote", "Data workshop", "Late data talk"]),
        ("day=2030-11-27", ["AI keynote", "Late data talk"]),
        ("day=2030-11-28", ["Data workshop"]),
        ("theme__id__exact={ai}", ["AI keynote", "Next year"]),
        ("room__id__exact={hall}", ["AI keynote", "Data workshop"]),
        ("status__exact=cancelled", ["Data workshop"]),
        ("status__exact=scheduled&theme__id__exact={ai}", ["AI keynote", "Next year"]),
        ("q=keynote", ["AI keynote"]),
        ("q=privacy", ["Data workshop"]),
        ("q=Benítez", ["Late data talk"]),
    ],
)
def test_changelist_filters_and_search(organiser_client, sessions, query, expected):
    ids = {name: obj.pk for name, obj in sessions.items()}
    response = organiser_client.get(f"{CHANGELIST}?{query.format(**ids)}")
    assert result_titles(response) == expected


def test_changelist_day_filter_offers_event_local_days(organiser_client, sessions):
    response = organiser_client.get(CHANGELIST)

    cl = response.context["cl"]
    day_filter = next(spec for spec in cl.filter_specs if spec.title == "day")
    assert [choice["display"] for choice in day_filter.choices(cl)] == [
        "All",
        "Wed 27 Nov 2030",
        "Thu 28 Nov 2030",
        "Sat 01 Mar 2031",
    ]


@pytest.mark.parametrize("size", [10, 50])
def test_changelist_queries_constant(organiser_client, django_assert_num_queries, size):
    themes, rooms = ThemeFactory.create_batch(3), RoomFactory.create_batch(3)
    for i in range(size):
        # One event per session: the worst case for the event column and the day filter.
        SessionFactory(theme=themes[i % 3], room=rooms[i % 3])

    with django_assert_num_queries(CHANGELIST_QUERIES):
        response = organiser_client.get(CHANGELIST)

    assert response.context["cl"].result_count == size
    assert len(parse(response).one("table", id_="result_list").one("tbody").select("tr")) == size


@pytest.mark.parametrize("size", [10, 50])
def test_changelist_day_filtered_queries_constant(
    organiser_client, django_assert_num_queries, size
):
    for _ in range(size):
        SessionFactory()

    with django_assert_num_queries(DAY_FILTERED_CHANGELIST_QUERIES):
        response = organiser_client.get(f"{CHANGELIST}?day=2030-11-27")

    assert response.context["cl"].result_count == size


# Change forms show, and read back, times in the event's own zone


def heading(response) -> str:
    """The page's subtitle: the heading right under the title."""
    content = parse(response).one("div", id_="content")
    return next(child.text for child in content.children if getattr(child, "tag", "") == "h2")


def rendered_time(response, name: str) -> tuple[str, str]:
    doc = parse(response)
    return (
        doc.one("input", name=f"{name}_0").attrs["value"],
        doc.one("input", name=f"{name}_1").attrs["value"],
    )


def test_session_change_form_shows_event_time_under_its_heading(organiser_client):
    session = SessionFactory(starts_at=bogota(1, 9), ends_at=bogota(1, 10, 30))

    response = organiser_client.get(f"{CHANGELIST}{session.pk}/change/")

    doc = parse(response)
    assert heading(response) == "Times in Bogotá Time"
    assert rendered_time(response, "starts_at") == ("2030-11-27", "09:00:00")
    assert rendered_time(response, "ends_at") == ("2030-11-27", "10:30:00")
    # The "Now" and "Today" shortcuts and their "ahead of/behind" note count from this offset.
    assert doc.one("body").attrs["data-admin-utc-offset"] == "-18000"


def test_session_change_form_saved_unchanged_keeps_time_and_revision(
    organiser_client, django_capture_on_commit_callbacks
):
    session = SessionFactory(
        starts_at=bogota(1, 9),
        ends_at=bogota(1, 10),
        capacity=None,
        speakers=SpeakerFactory.create_batch(2),
    )
    url = f"{CHANGELIST}{session.pk}/change/"
    data = form_fields(organiser_client.get(url), "session_form")
    version = Event.objects.get().programme_version

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(url, {**data, "_save": "Save"})

    stored = Session.objects.get()
    assert response["Location"] == CHANGELIST
    assert (stored.starts_at, stored.ends_at, stored.sequence, stored.updated_at) == (
        bogota(1, 9),
        bogota(1, 10),
        0,
        session.updated_at,
    )
    # Nor is the programme's version: the cached pages and feeds stay current.
    assert stored.event.programme_version == version


def test_session_speaker_removed_in_admin_grows_programme_version(
    organiser_client, django_capture_on_commit_callbacks
):
    session = SessionFactory(speakers=SpeakerFactory.create_batch(2))
    url = f"{CHANGELIST}{session.pk}/change/"
    data = form_fields(organiser_client.get(url), "session_form")
    version = Event.objects.get().programme_version

    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(url, {**data, "speakers": data["speakers"][:1], "_save": "Save"})

    stored = Session.objects.get()
    assert stored.speakers.count() == 1
    assert stored.event.programme_version > version


def test_session_change_form_of_madrid_event_in_madrid_time(organiser_client):
    madrid = ZoneInfo("Europe/Madrid")
    event = EventFactory(time_zone="Europe/Madrid")
    session = SessionFactory(
        event=event,
        starts_at=datetime(2030, 11, 27, 9, tzinfo=madrid),
        ends_at=datetime(2030, 11, 27, 10, tzinfo=madrid),
    )
    url = f"{CHANGELIST}{session.pk}/change/"

    response = organiser_client.get(url)
    data = form_fields(response, "session_form")
    organiser_client.post(url, {**data, "starts_at_1": ["08:30:00"]})

    assert heading(response) == "Times in Madrid Time"
    assert rendered_time(response, "starts_at") == ("2030-11-27", "09:00:00")
    session.refresh_from_db()
    assert (session.starts_at, session.sequence) == (
        datetime(2030, 11, 27, 8, 30, tzinfo=madrid),
        1,
    )


def test_event_change_form_registration_times_in_event_zone(organiser_client):
    event = EventFactory(registration_opens_at=bogota(-30, 8))

    response = organiser_client.get(f"/admin/events/event/{event.pk}/change/")

    assert heading(response) == "Times in Bogotá Time"
    assert rendered_time(response, "registration_opens_at") == ("2030-10-27", "08:00:00")


def test_event_time_zone_select_names_zones_in_the_organisers_language(organiser_client):
    """The zones participants choose from (zone.tab), named in words, the event's first; a zone
    stored before that the list lacks (an alias) is kept, so the form saves unchanged."""
    event = EventFactory(time_zone="US/Eastern")
    organiser_client.cookies["django_language"] = "es"

    response = organiser_client.get(f"/admin/events/event/{event.pk}/change/")

    options = parse(response).one("select", name="time_zone").select("option")
    named = {option.attrs["value"]: option.text for option in options}
    assert [option.attrs["value"] for option in options][:2] == ["US/Eastern", "UTC"]
    assert named["America/Bogota"] == "Bogotá, Colombia (UTC−5)"
    assert "Factory" not in named and "localtime" not in named
    saved = organiser_client.post(
        f"/admin/events/event/{event.pk}/change/", form_fields(response, "event_form")
    )
    assert saved.status_code == 302
    event.refresh_from_db()
    assert event.time_zone == "US/Eastern"


def test_event_add_form_reads_times_in_the_zone_chosen(organiser_client):
    response = organiser_client.get("/admin/events/event/add/")
    data = form_fields(response, "event_form")
    data.update(
        name_en="Lisbon 2031",
        slug="lisbon-2031",
        city="Lisbon",
        venue="Centro",
        time_zone="Europe/Lisbon",
        start_date="2031-03-01",
        end_date="2031-03-02",
        registration_opens_at_0="2031-01-10",
        registration_opens_at_1="09:00:00",
    )

    organiser_client.post("/admin/events/event/add/", data)

    assert heading(response) == "Times in the time zone chosen below for the event"
    # The blank form offers America/Bogota: the shortcuts start from it.
    assert parse(response).one("body").attrs["data-admin-utc-offset"] == "-18000"
    assert Event.objects.get().registration_opens_at == datetime(
        2031, 1, 10, 9, tzinfo=ZoneInfo("Europe/Lisbon")
    )


def test_session_add_form_several_zones_reads_chosen_event_zone(organiser_client):
    EventFactory(time_zone="Europe/Madrid", name="Madrid 2030")
    event, theme = EventFactory(), ThemeFactory()

    response = organiser_client.get(ADD)
    organiser_client.post(
        ADD, session_form(event=event, theme=theme, starts_at=bogota(2, 9), ends_at=bogota(2, 10))
    )

    assert heading(response) == "Times in the time zone of the event chosen below"
    assert Session.objects.get().starts_at == bogota(2, 9)


def test_session_add_form_for_event_in_url_shows_its_zone(organiser_client):
    EventFactory(time_zone="Europe/Madrid", name="Madrid 2030")
    event = EventFactory()

    response = organiser_client.get(f"{ADD}?event={event.pk}")

    doc = parse(response)
    assert heading(response) == "Times in Bogotá Time"
    assert doc.one("body").attrs["data-admin-utc-offset"] == "-18000"
    assert doc.one("select", name="event").one("option", selected="").attrs["value"] == str(
        event.pk
    )


@pytest.mark.parametrize("object_id", ["0", "abc", str(2**63), str(10**38), "1%00"])
def test_session_change_form_unknown_id_redirects_with_message(organiser_client, object_id):
    response = organiser_client.get(f"{CHANGELIST}{object_id}/change/", follow=True)

    assert response.redirect_chain == [("/admin/", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        f"session with ID “{object_id.replace('%00', chr(0))}” doesn’t exist. "
        "Perhaps it was deleted?"
    ]


@pytest.mark.parametrize("event_id", ["abc", str(10**38), "١"])
def test_session_add_form_hostile_event_in_url_says_zone_comes_from_form(
    organiser_client, event_id
):
    EventFactory(time_zone="Europe/Madrid", name="Madrid 2030")
    EventFactory()

    response = organiser_client.get(f"{ADD}?event={event_id}")

    assert heading(response) == "Times in the time zone of the event chosen below"


def test_session_change_form_in_spanish_reads_what_it_shows(organiser_client, settings):
    organiser_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    session = SessionFactory(starts_at=bogota(1, 9), ends_at=bogota(1, 10), capacity=None)
    url = f"{CHANGELIST}{session.pk}/change/"

    response = organiser_client.get(url)
    data = form_fields(response, "session_form")
    organiser_client.post(url, {**data, "starts_at_1": ["08:15:00"]})

    assert heading(response) == "Horarios en hora de Bogotá"
    session.refresh_from_db()
    assert session.starts_at == bogota(1, 8, 15)


def test_session_change_form_change_dates_the_session(organiser_client):
    session = SessionFactory(title="Cyber diplomacy", starts_at=bogota(1, 9), room=None)
    url = f"{CHANGELIST}{session.pk}/change/"
    data = form_fields(organiser_client.get(url), "session_form")

    organiser_client.post(url, {**data, "abstract_en": ["More detail."], "_save": "Save"})

    stored = Session.objects.get()
    assert (stored.title, stored.abstract, stored.sequence) == (
        "Cyber diplomacy",
        "More detail.",
        0,
    )
    # The feeds' Last-Modified comes from it.
    assert stored.updated_at > session.updated_at


def test_theme_changelist_position_edit_saves_that_field(organiser_client):
    first, second = ThemeFactory(name="AI", position=0), ThemeFactory(name="Data", position=1)

    organiser_client.post(
        "/admin/events/theme/",
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-0-id": str(first.pk),
            "form-0-position": "5",
            "form-1-id": str(second.pk),
            "form-1-position": "1",
            "_save": "Save",
        },
    )

    assert list(ThemeFactory._meta.model.objects.values_list("name", "position")) == [
        ("Data", 1),
        ("AI", 5),
    ]
    second_stored = ThemeFactory._meta.model.objects.get(pk=second.pk)
    assert second_stored.updated_at == second.updated_at
