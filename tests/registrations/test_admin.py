"""The organisers' back office, driven through the real admin as a member of Organisers."""

import csv
import io
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from events.models import Session
from registrations import services
from registrations.admin import EXPORT_COLUMNS
from registrations.models import Registration, SessionChoice
from tests.factories import CategoryFactory, EventFactory, RegistrationFactory, SessionFactory
from tests.pages import form_fields

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:registrations_registration_changelist"


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


def result_names(response) -> list[str]:
    return sorted(r.full_name for r in response.context["cl"].result_list)


def flashed(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def statuses(*registrations: Registration) -> list[str]:
    return [Registration.objects.get(pk=r.pk).status for r in registrations]


def action(client, name: str, *registrations: Registration):
    return client.post(
        reverse(CHANGELIST),
        {"action": name, "_selected_action": [r.pk for r in registrations], "index": "0"},
        follow=True,
    )


# --- changelist --------------------------------------------------------------------------------


@pytest.fixture
def people():
    """Four registrations that differ in every filtered field."""
    cartagena, lisbon = EventFactory(name="Cartagena 2030"), EventFactory(name="Lisbon 2031")
    government, academia = CategoryFactory(), CategoryFactory()
    RegistrationFactory(
        full_name="Ana Restrepo",
        email="ana@mintic.gov.co",
        organisation="MinTIC",
        event=cartagena,
        category=government,
        mode="in_person",
        status="confirmed",
        country="CO",
        language="es",
    )
    RegistrationFactory(
        full_name="Bruno Díaz",
        email="bruno@usal.es",
        organisation="Universidad de Salamanca",
        event=cartagena,
        category=academia,
        mode="online",
        status="waitlisted",
        country="ES",
        language="es",
    )
    RegistrationFactory(
        full_name="Carla Souza",
        email="carla@anatel.gov.br",
        organisation="Anatel",
        event=lisbon,
        category=government,
        mode="online",
        status="pending",
        country="BR",
        language="pt-br",
    )
    RegistrationFactory(
        full_name="Dana Smith",
        email="dana@example.org",
        organisation="Ana Foundation",
        event=lisbon,
        category=academia,
        mode="in_person",
        status="cancelled",
        country="IE",
        language="en",
    )
    return {
        "cartagena": cartagena.pk,
        "lisbon": lisbon.pk,
        "government": government.pk,
        "academia": academia.pk,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Ana Restrepo", "Bruno Díaz", "Carla Souza", "Dana Smith"]),
        ({"event__id__exact": "lisbon"}, ["Carla Souza", "Dana Smith"]),
        ({"category__id__exact": "government"}, ["Ana Restrepo", "Carla Souza"]),
        ({"mode__exact": "online"}, ["Bruno Díaz", "Carla Souza"]),
        ({"status__exact": "waitlisted"}, ["Bruno Díaz"]),
        ({"country__exact": "BR"}, ["Carla Souza"]),
        ({"language__exact": "es"}, ["Ana Restrepo", "Bruno Díaz"]),
        ({"event__id__exact": "cartagena", "mode__exact": "online"}, ["Bruno Díaz"]),
        ({"q": "souza"}, ["Carla Souza"]),
        ({"q": "usal.es"}, ["Bruno Díaz"]),
        ({"q": "salamanca"}, ["Bruno Díaz"]),
        ({"q": "ana"}, ["Ana Restrepo", "Carla Souza", "Dana Smith"]),
    ],
)
def test_changelist_filters_and_search(organiser_client, people, query, expected):
    params = {name: people.get(value, value) for name, value in query.items()}
    response = organiser_client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    assert result_names(response) == expected


def test_changelist_escapes_html_in_name(organiser_client):
    RegistrationFactory(full_name="<b>Ana</b> <script>alert(1)</script>")
    html = organiser_client.get(reverse(CHANGELIST)).content.decode()
    assert re.findall(r'<th class="field-full_name"><a href="[^"]*">(.*?)</a></th>', html) == [
        "&lt;b&gt;Ana&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;"
    ]
    assert html.count("<script>alert(1)") == 0


@pytest.mark.parametrize("size", [5, 50])
def test_changelist_queries_constant(organiser_client, django_assert_num_queries, size):
    RegistrationFactory.create_batch(size)
    # Session, user, the user's and the group's permissions, the event and category filter
    # choices, count, full count, rows, and two for the date hierarchy.
    with django_assert_num_queries(11):
        response = organiser_client.get(reverse(CHANGELIST))
    assert len(response.context["cl"].result_list) == size


# --- actions -----------------------------------------------------------------------------------


def test_action_confirm_confirms_in_registration_order_within_capacity(
    organiser_client, django_capture_on_commit_callbacks
):
    event = EventFactory(in_person_capacity=1)
    earlier, later = RegistrationFactory.create_batch(2, event=event)
    with django_capture_on_commit_callbacks(execute=True):
        response = action(organiser_client, "confirm", later, earlier)
    assert flashed(response) == ["1 registration confirmed."]
    assert statuses(earlier, later) == ["confirmed", "waitlisted"]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([earlier.email], f"You are registered for {event.name}"),
        ([later.email], f"You are on the waitlist for {event.name}"),
    ]


def test_action_cancel_cancels_and_promotes_waitlist(organiser_client):
    event = EventFactory(in_person_capacity=1)
    holder = RegistrationFactory(event=event, status="confirmed")
    waiting = services.registration_confirm(registration_id=RegistrationFactory(event=event).pk)
    response = action(organiser_client, "cancel", holder)
    assert flashed(response) == ["1 registration cancelled."]
    assert statuses(holder, waiting) == ["cancelled", "confirmed"]


def test_action_resend_confirmation_only_to_pending(
    organiser_client, django_capture_on_commit_callbacks
):
    pending = RegistrationFactory()
    confirmed = RegistrationFactory(status="confirmed")
    with django_capture_on_commit_callbacks(execute=True):
        response = action(organiser_client, "resend_confirmation", pending, confirmed)
    assert flashed(response) == ["1 confirmation email queued."]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([pending.email], f"Confirm your registration for {pending.event.name}")
    ]


def test_action_promote_confirms_waitlisted_over_capacity(
    organiser_client, django_capture_on_commit_callbacks
):
    event = EventFactory(in_person_capacity=1)
    RegistrationFactory(event=event, status="confirmed")
    waiting = RegistrationFactory(event=event, status="waitlisted")
    pending = RegistrationFactory(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        response = action(organiser_client, "promote", waiting, pending)
    assert flashed(response) == ["1 registration promoted."]
    assert statuses(waiting, pending) == ["confirmed", "pending"]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([waiting.email], f"A place is yours at {event.name}")
    ]


def export(client, *registrations: Registration):
    response = action(client, "export_csv", *registrations)
    text = response.content.decode()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="registrations-\d{8}-\d{4}\.csv"',
        response["Content-Disposition"],
    )
    assert text[0] == "\ufeff"
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def test_action_export_csv_header_and_one_row_per_registration_by_id(organiser_client):
    event = EventFactory(name="Cartagena 2030")
    category = CategoryFactory(name="Research networks")
    first = RegistrationFactory(
        event=event,
        category=category,
        full_name="Ana Lucía Restrepo",
        email="ana@example.org",
        job_title="Director",
        needs="Interpretation, please",
        media_consent=True,
    )
    second, third = RegistrationFactory.create_batch(2, event=event, category=category)
    rows = export(organiser_client, third, first, second)
    assert rows[0] == EXPORT_COLUMNS
    assert [row[0] for row in rows[1:]] == [str(first.pk), str(second.pk), str(third.pk)]
    first.refresh_from_db()
    assert rows[1] == [
        str(first.pk),
        "Cartagena 2030",
        "Ana Lucía Restrepo",
        "ana@example.org",
        "Ministry of ICT",
        "Director",
        "CO",
        "Research networks",
        "in_person",
        "en",
        "America/Bogota",
        "Interpretation, please",
        "pending",
        "yes",
        "yes",
        "2023-11",
        first.privacy_consent_at.isoformat(),
        first.created_at.isoformat(),
        "",
        "",
        "",
    ]


def test_action_export_csv_cells_formula_safe(organiser_client):
    names = ["+1 800", "@SUM(A1)", "-2", "\tx", "\rx"]
    registrations = [
        RegistrationFactory(full_name=name, organisation='=HYPERLINK("http://x")') for name in names
    ]
    rows = export(organiser_client, *registrations)
    name_at = EXPORT_COLUMNS.index("full_name")
    organisation_at = EXPORT_COLUMNS.index("organisation")
    assert [row[name_at] for row in rows[1:]] == ["'+1 800", "'@SUM(A1)", "'-2", "'\tx", "'\rx"]
    assert [row[organisation_at] for row in rows[1:]] == ['\'=HYPERLINK("http://x")'] * 5


# --- event summary -----------------------------------------------------------------------------


def test_event_summary_counts_places_and_session_fill(organiser_client):
    event = EventFactory(in_person_capacity=3, online_capacity=None)
    alpha = CategoryFactory(name="Alpha group", position=0)
    beta = CategoryFactory(name="Beta group", position=0)
    for category, mode, status, count in [
        (alpha, "in_person", "confirmed", 2),
        (alpha, "in_person", "waitlisted", 1),
        (alpha, "online", "confirmed", 1),
        (beta, "in_person", "confirmed", 1),
        (beta, "in_person", "pending", 1),
        (beta, "online", "cancelled", 1),
    ]:
        RegistrationFactory.create_batch(
            count, event=event, category=category, mode=mode, status=status
        )
    RegistrationFactory(status="confirmed")  # another event's
    # In person: online participants take no seat.
    confirmed = list(Registration.objects.filter(event=event, status="confirmed", mode="in_person"))
    keynote = SessionFactory(event=event, title="Keynote", capacity=2)
    workshop = SessionFactory(event=event, title="Workshop", capacity=None)
    for registration in confirmed[:3]:
        services.session_choose(registration=registration, session_id=keynote.pk)
    services.session_choose(registration=confirmed[0], session_id=workshop.pk)

    response = organiser_client.get(
        reverse("admin:events_event_registrations_summary", args=[event.pk])
    )
    summary = response.context["summary"]
    assert [(str(r["category"]), str(r["mode"]), r["counts"]) for r in summary["rows"]] == [
        ("Alpha group", "In person", [0, 2, 1, 0]),
        ("Alpha group", "Online", [0, 1, 0, 0]),
        ("Beta group", "In person", [1, 1, 0, 0]),
        ("Beta group", "Online", [0, 0, 0, 1]),
    ]
    assert [label for _value, label in summary["statuses"]] == [
        "Pending confirmation",
        "Confirmed",
        "Waitlisted",
        "Cancelled",
    ]
    assert [{**p, "mode": str(p["mode"])} for p in summary["places"]] == [
        {"mode": "In person", "confirmed": 3, "capacity": 3, "left": 0, "waitlist": 1},
        {"mode": "Online", "confirmed": 1, "capacity": None, "left": None, "waitlist": 0},
    ]
    assert [(s.title, s.seated, s.capacity, s.waiting) for s in summary["sessions"]] == [
        ("Keynote", 2, 2, 1),
        ("Workshop", 1, None, 0),
    ]


# --- capacity raised in the programme's admin --------------------------------------------------


def test_event_change_form_capacity_raised_promotes_waitlist(organiser_client):
    event = EventFactory(in_person_capacity=1)
    RegistrationFactory(event=event, status="confirmed")
    first = services.registration_confirm(registration_id=RegistrationFactory(event=event).pk)
    second = services.registration_confirm(registration_id=RegistrationFactory(event=event).pk)
    url = reverse("admin:events_event_change", args=[event.pk])
    data = form_fields(organiser_client.get(url), "event_form")
    assert data["in_person_capacity"] == ["1"]
    data["in_person_capacity"] = ["2"]
    response = organiser_client.post(url, data, follow=True)
    assert flashed(response)[0] == "1 participant promoted from the waitlist."
    event.refresh_from_db()
    assert event.in_person_capacity == 2
    assert statuses(first, second) == ["confirmed", "waitlisted"]


def test_session_change_form_capacity_raised_seats_waitlist(organiser_client):
    session = SessionFactory(capacity=1)
    seated, first, second = RegistrationFactory.create_batch(
        3, event=session.event, status="confirmed"
    )
    for registration in (seated, first, second):
        services.session_choose(registration=registration, session_id=session.pk)
    url = reverse("admin:events_session_change", args=[session.pk])
    data = form_fields(organiser_client.get(url), "session_form")
    assert data["capacity"] == ["1"]
    data["capacity"] = ["2"]
    response = organiser_client.post(url, data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.capacity == 2
    assert dict(session.choices.values_list("registration_id", "status")) == {
        seated.pk: SessionChoice.Status.CHOSEN,
        first.pk: SessionChoice.Status.CHOSEN,
        second.pk: SessionChoice.Status.WAITLISTED,
    }


def test_session_admin_delete_refused_once_in_calendars(client, organiser):
    """A session participants were invited to is cancelled, not deleted: deleting it would
    leave it in their calendars with no CANCEL sent."""
    registration = RegistrationFactory(status="confirmed")
    session = SessionFactory(event=registration.event)
    services.session_choose(registration=registration, session_id=session.pk)
    client.force_login(organiser)
    response = client.post(
        reverse("admin:events_session_delete", args=[session.pk]), {"post": "yes"}
    )
    assert response.status_code == 200
    assert [str(p) for p in response.context["protected"]] == [
        f"Calendar invitation: REQUEST {session.pk} seq 0 → {registration.pk}"
    ]
    assert Session.objects.filter(pk=session.pk).exists()


# --- the change and add forms go through the services ------------------------------------------


ADD = "admin:registrations_registration_add"


def registration_change(client, registration: Registration, **changes):
    """Open the registration's change form, change some fields, save; follow the redirect."""
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    data = form_fields(client.get(url), "registration_form")
    data.update({name: [str(value)] for name, value in changes.items()})
    return client.post(url, {**data, "_save": "Save"}, follow=True)


def registration_add(client, event, category, email: str = "nuria@example.org"):
    data = form_fields(client.get(reverse(ADD)), "registration_form")
    data.update(
        event=[str(event.pk)],
        full_name=["Nuria Ortega"],
        email=[email],
        organisation=["MinTIC"],
        country=["CO"],
        category=[str(category.pk)],
        mode=["in_person"],
        language=["es"],
        time_zone=["America/Bogota"],
    )
    return client.post(reverse(ADD), {**data, "_save": "Save"}, follow=True)


def test_add_form_confirms_participant_when_place(
    organiser_client, django_capture_on_commit_callbacks
):
    event, category = EventFactory(in_person_capacity=1), CategoryFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = registration_add(organiser_client, event, category)

    added = Registration.objects.get()
    assert response.redirect_chain == [(reverse(CHANGELIST), 302)]
    assert flashed(response)[0] == "The participant is confirmed and has been sent their link."
    assert (added.full_name, added.status, added.privacy_notice_version) == (
        "Nuria Ortega",
        "confirmed",
        services.PRIVACY_NOTICE_VERSION,
    )
    assert added.privacy_consent_at is not None
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["nuria@example.org"], f"Está inscrito/a en {event.name}")
    ]


def test_add_form_when_full_waitlists_participant(
    organiser_client, django_capture_on_commit_callbacks
):
    event, category = EventFactory(in_person_capacity=1), CategoryFactory()
    RegistrationFactory(event=event, status="confirmed")

    with django_capture_on_commit_callbacks(execute=True):
        response = registration_add(organiser_client, event, category)

    assert flashed(response)[0] == (
        "No place was left: the participant is on the waitlist and has been told so."
    )
    assert Registration.objects.get(email="nuria@example.org").status == "waitlisted"
    assert [m.to for m in mail.outbox] == [["nuria@example.org"]]


def test_add_form_address_already_registered_is_a_form_error(organiser_client):
    existing = RegistrationFactory(email="nuria@example.org")

    response = registration_add(organiser_client, existing.event, existing.category)

    assert response.redirect_chain == []
    assert response.context["adminform"].form.errors == {
        "email": ["This address is already registered for this event."]
    }
    assert Registration.objects.count() == 1


def test_change_form_address_of_another_registration_is_a_form_error(organiser_client):
    existing = RegistrationFactory(email="nuria@example.org")
    other = RegistrationFactory(event=existing.event)

    response = registration_change(organiser_client, other, email="nuria@example.org")

    assert response.context["adminform"].form.errors == {
        "email": ["This address is already registered for this event."]
    }
    assert Registration.objects.get(pk=other.pk).email == other.email


def test_change_form_event_read_only(organiser_client):
    registration = RegistrationFactory()
    other = EventFactory()

    registration_change(organiser_client, registration, event=other.pk)

    registration.refresh_from_db()
    assert registration.event_id != other.pk


def test_change_form_to_in_person_when_full_refused_with_message(organiser_client):
    event = EventFactory(in_person_capacity=1)
    RegistrationFactory(event=event, status="confirmed")
    online = RegistrationFactory(event=event, status="confirmed", mode="online")
    url = reverse("admin:registrations_registration_change", args=[online.pk])

    response = registration_change(
        organiser_client, online, mode="in_person", organisation="Renamed"
    )

    assert response.redirect_chain == [(url, 302)]
    assert flashed(response) == [
        "Nothing was saved: There are no in-person places left. You can attend online."
    ]
    stored = Registration.objects.get(pk=online.pk)
    assert (stored.mode, stored.organisation, stored.status) == (
        "online",
        "Ministry of ICT",
        "confirmed",
    )


def test_change_form_to_online_frees_place_for_waitlist(
    organiser_client, django_capture_on_commit_callbacks
):
    event = EventFactory(in_person_capacity=1)
    holder = RegistrationFactory(event=event, status="confirmed")
    waiting = services.registration_confirm(registration_id=RegistrationFactory(event=event).pk)

    with django_capture_on_commit_callbacks(execute=True):
        response = registration_change(organiser_client, holder, mode="online")

    assert response.redirect_chain == [(reverse(CHANGELIST), 302)]
    assert statuses(holder, waiting) == ["confirmed", "confirmed"]
    assert Registration.objects.get(pk=holder.pk).mode == "online"
    assert [(m.to, m.subject) for m in mail.outbox][-1] == (
        [waiting.email],
        f"A place is yours at {event.name}",
    )


def test_change_form_category_over_quota_refused(organiser_client):
    event = EventFactory()
    media = CategoryFactory(in_person_quota=1)
    RegistrationFactory(event=event, category=media, status="confirmed")
    other = RegistrationFactory(event=event, status="confirmed")

    response = registration_change(organiser_client, other, category=media.pk)

    assert flashed(response)[0].startswith("Nothing was saved:")
    assert Registration.objects.get(pk=other.pk).category_id == other.category_id


def choices_form(client, registration: Registration):
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    return url, form_fields(client.get(url), "registration_form")


def add_choice(data: dict, session) -> dict:
    """The inline's form data with one more row choosing this session."""
    prefix = "choices"
    total = int(data[f"{prefix}-TOTAL_FORMS"][0])
    return {
        **data,
        f"{prefix}-TOTAL_FORMS": [str(total + 1)],
        f"{prefix}-{total}-session": [str(session.pk)],
        f"{prefix}-{total}-registration": [data.get(f"{prefix}-0-registration", [""])[0]],
        "_save": ["Save"],
    }


def test_inline_add_session_when_full_goes_to_its_waitlist(organiser_client):
    session = SessionFactory(capacity=1)
    seated = RegistrationFactory(event=session.event, status="confirmed")
    services.session_choose(registration=seated, session_id=session.pk)
    registration = RegistrationFactory(event=session.event, status="confirmed")
    url, data = choices_form(organiser_client, registration)

    response = organiser_client.post(url, add_choice(data, session))

    assert response["Location"] == reverse(CHANGELIST)
    assert dict(session.choices.values_list("registration_id", "status")) == {
        seated.pk: SessionChoice.Status.CHOSEN,
        registration.pk: SessionChoice.Status.WAITLISTED,
    }


def test_inline_delete_choice_seats_next_in_line(
    organiser_client, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=1)
    seated, waiting = RegistrationFactory.create_batch(2, event=session.event, status="confirmed")
    for registration in (seated, waiting):
        services.session_choose(registration=registration, session_id=session.pk)
    url, data = choices_form(organiser_client, seated)
    data = {**data, "choices-0-DELETE": ["on"], "_save": ["Save"]}

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(url, data)

    assert response["Location"] == reverse(CHANGELIST)
    assert dict(session.choices.values_list("registration_id", "status")) == {
        waiting.pk: SessionChoice.Status.CHOSEN
    }
    assert [m.to for m in mail.outbox if "seat" in m.subject.lower()] == [[waiting.email]]


def test_inline_existing_choice_cannot_be_moved_to_another_session(organiser_client):
    session, other = SessionFactory.create_batch(2, capacity=None)
    registration = RegistrationFactory(event=session.event, status="confirmed")
    services.session_choose(registration=registration, session_id=session.pk)
    url, data = choices_form(organiser_client, registration)

    organiser_client.post(url, {**data, "choices-0-session": [str(other.pk)], "_save": ["Save"]})

    assert list(registration.choices.values_list("session_id", flat=True)) == [session.pk]


@pytest.mark.parametrize(
    ("status", "same_event", "message"),
    [
        ("pending", True, "Only confirmed participants can choose sessions."),
        ("confirmed", False, "“Elsewhere” is not a session of this participant's event."),
    ],
)
def test_inline_add_session_refused_with_message(organiser_client, status, same_event, message):
    registration = RegistrationFactory(status=status)
    session = SessionFactory(
        title="Elsewhere", **({"event": registration.event} if same_event else {})
    )
    url, data = choices_form(organiser_client, registration)

    response = organiser_client.post(url, add_choice(data, session), follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert flashed(response) == [f"Nothing was saved: {message}"]
    assert SessionChoice.objects.count() == 0


def test_registration_add_service_address_registered_meanwhile_refused(caplog):
    """The form checks the address first; a registration made between that check and the
    save is refused with a message, and the database's error (quoting the address) is not
    logged."""
    existing = RegistrationFactory(email="nuria@example.org")
    duplicate = RegistrationFactory.build(
        event=existing.event, category=existing.category, email="nuria@example.org"
    )

    with pytest.raises(ValidationError) as refusal:
        services.registration_add(registration=duplicate)

    assert refusal.value.messages == ["This address is already registered for this event."]
    assert Registration.objects.count() == 1
    assert "nuria@example.org" not in caplog.text


INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


@pytest.mark.parametrize(
    ("session_id", "error"),
    [
        *((value, INVALID_CHOICE) for value in ("0", "abc", str(2**31), str(2**63), str(10**38))),
        ("1\x00", "Null characters are not allowed."),
    ],
)
def test_inline_add_unknown_session_is_a_form_error(organiser_client, session_id, error):
    registration = RegistrationFactory(status="confirmed")
    url, data = choices_form(organiser_client, registration)
    data = add_choice(data, registration)  # a row, then its session id replaced
    data["choices-0-session"] = [session_id]

    response = organiser_client.post(url, data)

    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert errors[0]["session"] == [error]
    assert SessionChoice.objects.count() == 0


@pytest.mark.parametrize("object_id", ["0", "abc", str(2**63), str(10**38), "1%00"])
def test_change_form_unknown_registration_redirects_with_message(organiser_client, object_id):
    url = reverse("admin:registrations_registration_change", args=[object_id])

    response = organiser_client.get(url.replace("%2500", "%00"), follow=True)

    assert response.redirect_chain == [("/admin/", 302)]
    assert len(flashed(response)) == 1
    assert flashed(response)[0].startswith("registration with ID “")
