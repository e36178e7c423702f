"""Calendar invitations by email (iTIP, RFC 5546): what each participant's calendar is sent
when they confirm, choose or drop sessions, cancel, and when organisers move or cancel a
session; and the reconciling sweep that sends each change once."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from events.models import Session
from registrations import invitations, services
from registrations.models import Invite, Message, Registration, SessionChoice
from registrations.outbox import message_queue
from registrations.tasks import invites_sweep, messages_deliver
from tests.factories import (
    CategoryFactory,
    EventFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
)
from tests.ical_checks import ical_checked

pytestmark = pytest.mark.django_db

BOGOTA = ZoneInfo("America/Bogota")
SESSION_CHANGELIST = "/admin/events/session/"


def bogota(day: int, hour: int, minute: int = 0) -> datetime:
    """Bogota time on day 1, 2 or 3 of the factory event (27 to 29 November 2030)."""
    return datetime.combine(date(2030, 11, 26) + timedelta(days=day), time(hour, minute), BOGOTA)


def uid(session: Session) -> str:
    return f"session-{session.pk}@localhost"


def mime_tree(part):
    """The MIME structure: a content type, or (multipart type, [children])."""
    if part.is_multipart():
        return (part.get_content_type(), [mime_tree(child) for child in part.get_payload()])
    return part.get_content_type()


def invite_of(email) -> icalendar.Calendar:
    """The invitation an email carries, checked: a text/calendar alternative and an invite.ics
    attachment with the same content, each with method= equal to the METHOD inside."""
    parts = [p for p in email.message().walk() if p.get_content_type() == "text/calendar"]
    assert [p.get_filename() for p in parts] == [None, "invite.ics"]
    alternative, attachment = (p.get_payload(decode=True) for p in parts)
    assert alternative == attachment
    calendar = ical_checked(alternative)
    assert [p.get_param("method") for p in parts] == [str(calendar["METHOD"])] * 2
    return calendar


def summary(email) -> tuple:
    """(METHOD, UID, SEQUENCE, STATUS) of the one VEVENT an email's invitation holds."""
    calendar = invite_of(email)
    (vevent,) = calendar.walk("VEVENT")
    return (str(calendar["METHOD"]), str(vevent["UID"]), vevent["SEQUENCE"], str(vevent["STATUS"]))


@pytest.fixture
def event():
    return EventFactory(name="Digital Alliance Days 2030", organiser_email="team@alliance.example")


@pytest.fixture
def participant(event):
    return RegistrationFactory(
        event=event,
        status="confirmed",
        confirmed_at=timezone.now(),
        full_name="Ana Restrepo",
        email="ana@example.org",
    )


@pytest.fixture
def session(event):
    return SessionFactory(
        event=event, title="Data governance", starts_at=bogota(1, 9), ends_at=bogota(1, 10)
    )


@pytest.fixture
def chosen(participant, session, django_capture_on_commit_callbacks):
    """The participant chose the session and got its first invitation."""
    with django_capture_on_commit_callbacks(execute=True):
        services.session_choose(registration=participant, session_id=session.pk)
    assert [e.subject for e in mail.outbox] == ["Invitation: Data governance"]
    mail.outbox.clear()
    return session


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


def admin_session_form(session: Session, **changes) -> dict:
    """The admin's change form for a session as it stands, with some fields changed. Times are
    typed in the event's zone."""
    zone = session.event.tz
    starts_at = changes.pop("starts_at", session.starts_at).astimezone(zone)
    ends_at = changes.pop("ends_at", session.ends_at).astimezone(zone)
    return {
        "event": session.event_id,
        **{
            f"{field}_{language}": getattr(session, f"{field}_{language}") or ""
            for field in ("title", "abstract")
            for language in ("en", "es", "pt_br")
        },
        "theme": session.theme_id,
        "format": session.format,
        "language": session.language,
        "interpretation": session.interpretation,
        "starts_at_0": starts_at.strftime("%Y-%m-%d"),
        "starts_at_1": starts_at.strftime("%H:%M:%S"),
        "ends_at_0": ends_at.strftime("%Y-%m-%d"),
        "ends_at_1": ends_at.strftime("%H:%M:%S"),
        "room": session.room_id or "",
        "capacity": session.capacity or "",
        "livestream_url": session.livestream_url,
        "livestream_visibility": session.livestream_visibility,
        "recording_url": session.recording_url,
        "status": session.status,
        "_save": "Save",
        **changes,
    }


# --- the registration's own invitation ------------------------------------------------------


def test_confirmed_email_mime_tree_carries_event_request(event, django_capture_on_commit_callbacks):
    pending = RegistrationFactory(event=event, email="ana@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_confirm(registration_id=pending.pk)
    (email,) = mail.outbox
    message = email.message()
    assert mime_tree(message) == (
        "multipart/mixed",
        [
            ("multipart/alternative", ["text/plain", "text/html", "text/calendar"]),
            "text/calendar",
            "image/png",  # the participant's pass
        ],
    )
    alternative, attachment = message.get_payload()[0].get_payload()[2], message.get_payload()[1]
    assert (alternative.get_param("method"), attachment.get_param("method")) == (
        "REQUEST",
        "REQUEST",
    )
    assert attachment.get_filename() == "invite.ics"
    assert attachment["Content-Disposition"].split(";")[0] == "attachment"
    calendar = invite_of(email)
    (vevent,) = calendar.walk("VEVENT")
    assert (
        str(calendar["METHOD"]),
        str(vevent["UID"]),
        vevent["SEQUENCE"],
        vevent.decoded("DTSTART"),
        vevent.decoded("DTEND"),
        str(vevent["ORGANIZER"]),
        str(vevent["ATTENDEE"]),
    ) == (
        "REQUEST",
        f"event-{event.pk}-{pending.pk}@localhost",
        0,
        date(2030, 11, 27),
        date(2030, 11, 30),
        "mailto:team@alliance.example",
        "mailto:ana@example.org",
    )


def test_waitlisted_and_its_cancellation_carry_no_invitation(
    event, django_capture_on_commit_callbacks
):
    event.in_person_capacity = 0
    event.save()
    pending = RegistrationFactory(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_confirm(registration_id=pending.pk)
        services.registration_cancel(registration_id=pending.pk)
    assert [
        (e.subject, [p.get_content_type() for p in e.message().walk() if not p.is_multipart()])
        for e in mail.outbox
    ] == [
        (f"You are on the waitlist for {event.name}", ["text/plain", "text/html"]),
        (f"Your registration for {event.name} is cancelled", ["text/plain", "text/html"]),
    ]


# --- sessions chosen, moved, cancelled, dropped ---------------------------------------------


def test_session_choose_sends_request(participant, session, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.session_choose(registration=participant, session_id=session.pk)
    (email,) = mail.outbox
    calendar = invite_of(email)
    (vevent,) = calendar.walk("VEVENT")
    assert (email.to, email.subject) == (["ana@example.org"], "Invitation: Data governance")
    assert (
        str(calendar["METHOD"]),
        str(vevent["UID"]),
        vevent["SEQUENCE"],
        str(vevent["STATUS"]),
        str(vevent["ORGANIZER"]),
        vevent["ORGANIZER"].params["CN"],
        str(vevent["ATTENDEE"]),
        vevent["ATTENDEE"].params["CN"],
        vevent["ATTENDEE"].params["PARTSTAT"],
        vevent.decoded("DTSTART"),
    ) == (
        "REQUEST",
        uid(session),
        0,
        "CONFIRMED",
        "mailto:team@alliance.example",
        "Digital Alliance Days 2030",
        "mailto:ana@example.org",
        "Ana Restrepo",
        "ACCEPTED",
        bogota(1, 9),
    )
    assert list(Invite.objects.values_list("method", "sequence", "session_sequence")) == [
        ("REQUEST", 0, 0)
    ]


def test_session_choose_without_organiser_email_uses_sender(
    event, participant, session, settings, django_capture_on_commit_callbacks
):
    event.organiser_email = ""
    event.save()
    settings.DEFAULT_FROM_EMAIL = "Alliance Days <noreply@alliance.example>"
    with django_capture_on_commit_callbacks(execute=True):
        services.session_choose(registration=participant, session_id=session.pk)
    (vevent,) = invite_of(mail.outbox[0]).walk("VEVENT")
    assert str(vevent["ORGANIZER"]) == "mailto:noreply@alliance.example"


def test_session_waitlisted_gets_no_request(event, session, django_capture_on_commit_callbacks):
    Session.objects.filter(pk=session.pk).update(capacity=1)
    first, second = RegistrationFactory.create_batch(2, event=event, status="confirmed")
    with django_capture_on_commit_callbacks(execute=True):
        services.session_choose(registration=first, session_id=session.pk)
        services.session_choose(registration=second, session_id=session.pk)
    assert [(e.to, summary(e)[0]) for e in mail.outbox] == [([first.email], "REQUEST")]


def test_admin_move_sends_updated_request_once(
    organiser_client, chosen, django_capture_on_commit_callbacks
):
    url = f"{SESSION_CHANGELIST}{chosen.pk}/change/"
    form = admin_session_form(chosen, starts_at=bogota(2, 15), ends_at=bogota(2, 16, 30))
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(url, form)
    assert (response.status_code, response["Location"]) == (302, SESSION_CHANGELIST)
    (email,) = mail.outbox
    (vevent,) = invite_of(email).walk("VEVENT")
    assert email.subject == "Updated: Data governance"
    assert (
        summary(email),
        vevent.decoded("DTSTART"),
        vevent.decoded("DTEND"),
    ) == (("REQUEST", uid(chosen), 1, "CONFIRMED"), bogota(2, 15), bogota(2, 16, 30))

    with django_capture_on_commit_callbacks(execute=True):
        again = invitations.invites_reconcile()
        swept = invites_sweep.delay().get()
    assert (again, swept, len(mail.outbox)) == (0, 0, 1)
    assert list(Invite.objects.values_list("method", "sequence", "session_sequence")) == [
        ("REQUEST", 1, 1)
    ]


def test_admin_change_not_sequenced_sends_nothing(
    organiser_client, chosen, django_capture_on_commit_callbacks
):
    url = f"{SESSION_CHANGELIST}{chosen.pk}/change/"
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(url, admin_session_form(chosen, abstract="More detail."))
    assert (response.status_code, len(mail.outbox)) == (302, 0)


def test_admin_cancel_action_sends_cancel_same_uid(
    organiser_client, chosen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            SESSION_CHANGELIST, {"action": "cancel_sessions", "_selected_action": [chosen.pk]}
        )
    assert response.status_code == 302
    (email,) = mail.outbox
    (vevent,) = invite_of(email).walk("VEVENT")
    assert (email.subject, summary(email)) == (
        "Cancelled: Data governance",
        ("CANCEL", uid(chosen), 1, "CANCELLED"),
    )
    assert vevent["ATTENDEE"].params["PARTSTAT"] == "DECLINED"
    with django_capture_on_commit_callbacks(execute=True):
        again = invitations.invites_reconcile()
    assert (again, len(mail.outbox)) == (0, 1)


def test_session_drop_sends_cancel(participant, chosen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.session_drop(registration=participant, session_id=chosen.pk)
    (email,) = mail.outbox
    assert (email.subject, summary(email)) == (
        "Removed from your agenda: Data governance",
        ("CANCEL", uid(chosen), 1, "CANCELLED"),
    )
    assert email.body.split("\n\n")[2] == (
        "You removed “Data governance” from your agenda.\n"
        "When: Wednesday 27 November 2030, 09:00–10:00, Bogotá Time (UTC−5)\n"
        "The attached cancellation removes it from your calendar."
    )


def test_session_drop_then_readd_request_above_cancel(
    participant, chosen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.session_drop(registration=participant, session_id=chosen.pk)
        services.session_choose(registration=participant, session_id=chosen.pk)
    cancel, request = (summary(e) for e in mail.outbox)
    assert (cancel, request) == (
        ("CANCEL", uid(chosen), 1, "CANCELLED"),
        ("REQUEST", uid(chosen), 2, "CONFIRMED"),
    )
    assert request[2] > cancel[2]


def test_registration_cancel_sends_cancel_per_session_and_event(
    event, participant, chosen, django_capture_on_commit_callbacks
):
    other = SessionFactory(
        event=event, title="Connectivity", starts_at=bogota(2, 9), ends_at=bogota(2, 10)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.session_choose(registration=participant, session_id=other.pk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration_id=participant.pk)
    assert sorted((e.subject, summary(e)) for e in mail.outbox) == [
        ("Removed from your agenda: Connectivity", ("CANCEL", uid(other), 1, "CANCELLED")),
        ("Removed from your agenda: Data governance", ("CANCEL", uid(chosen), 1, "CANCELLED")),
        (
            f"Your registration for {event.name} is cancelled",
            ("CANCEL", f"event-{event.pk}-{participant.pk}@localhost", 1, "CANCELLED"),
        ),
    ]
    bodies = sorted(e.body for e in mail.outbox)
    assert [b for b in bodies if "Manage or cancel" in b] == []
    assert sorted(b.split("\n\n")[2].split("\n")[0] for b in bodies) == [
        "Your registration has been cancelled. If this was a mistake, you can register again "
        "while registration is open:",
        "“Connectivity” is no longer on your agenda: your registration is cancelled.",
        "“Data governance” is no longer on your agenda: your registration is cancelled.",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        again = invitations.invites_reconcile()
    assert (again, len(mail.outbox)) == (0, 3)


# --- fan-out and delivery -----------------------------------------------------------------


def crowd(session: Session, size: int) -> None:
    """`size` confirmed participants who all chose the session."""
    category = CategoryFactory()
    registrations = Registration.objects.bulk_create(
        RegistrationFactory.build(event=session.event, category=category, status="confirmed")
        for _ in range(size)
    )
    SessionChoice.objects.bulk_create(
        SessionChoice(registration=registration, session=session) for registration in registrations
    )


def test_invites_reconcile_fans_out_in_batches(session):
    # No commit in this test: messages are queued (outbox rows), not delivered.
    crowd(session, 600)
    calls = [invitations.invites_reconcile(session_id=session.pk) for _ in range(3)]
    assert (invitations.BATCH, calls) == (500, [500, 100, 0])
    assert Message.objects.filter(kind="session_invite").count() == 600
    assert Invite.objects.filter(session=session, method="REQUEST", sequence=0).count() == 600


def test_invites_sweep_follows_a_full_batch_with_another(session):
    crowd(session, 600)
    assert invites_sweep.delay(session_id=session.pk).get() == 500
    assert Message.objects.filter(kind="session_invite").count() == 600


def test_message_deliver_twice_sends_once(participant, session):
    Invite.objects.create(
        registration=participant, session=session, method="REQUEST", sequence=0, session_sequence=0
    )
    message = message_queue(
        registration=participant,
        kind=Message.Kind.SESSION_INVITE,
        key=f"{session.pk}:0",
        context={"session_id": session.pk, "sequence": 0, "method": "REQUEST", "update": False},
    )
    results = [messages_deliver.delay([message.pk]).get() for _ in range(2)]
    assert results == [{"sent": 1}, {"taken": 1}]
    (email,) = mail.outbox
    assert summary(email) == ("REQUEST", uid(session), 0, "CONFIRMED")
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)


def test_invitation_room_in_location(participant, event, django_capture_on_commit_callbacks):
    session = SessionFactory(
        event=event,
        room=RoomFactory(name="Sala Barú"),
        starts_at=bogota(3, 9),
        ends_at=bogota(3, 10),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.session_choose(registration=participant, session_id=session.pk)
    (vevent,) = invite_of(mail.outbox[0]).walk("VEVENT")
    assert str(vevent["LOCATION"]) == "Sala Barú, Convention Centre, Cartagena de Indias"


def test_session_invite_hostile_title(participant, event, django_capture_on_commit_callbacks):
    title = "Datos, IA; y \\ ciberseguridad\nSegunda línea 🌎"
    session = SessionFactory(
        event=event, title=title, starts_at=bogota(3, 11), ends_at=bogota(3, 12)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.session_choose(registration=participant, session_id=session.pk)
    (email,) = mail.outbox
    (vevent,) = invite_of(email).walk("VEVENT")
    assert (email.subject, str(vevent["SUMMARY"])) == (
        "Invitation: Datos, IA; y \\ ciberseguridad Segunda línea 🌎",
        title,
    )


def test_session_invitation_registered_stream_links_private_watch_page(
    participant, event, django_capture_on_commit_callbacks
):
    session = SessionFactory(
        event=event,
        title="AI Act",
        starts_at=bogota(1, 9),
        ends_at=bogota(1, 10),
        livestream_url="https://stream.example/members",
        livestream_visibility="registered",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.session_choose(registration=participant, session_id=session.pk)
    (email,) = mail.outbox
    (vevent,) = invite_of(email).walk("VEVENT")
    watch = f"http://localhost:8000/r/{participant.token}/sessions/{session.pk}/watch/"
    assert str(vevent["DESCRIPTION"]).split("\n\n")[1] == (
        f"Livestream: the link appears on your private page from 08:45: {watch}"
    )


def test_switch_to_in_person_without_seat_cancels_invitation_saying_waitlisted(
    event, session, django_capture_on_commit_callbacks
):
    Session.objects.filter(pk=session.pk).update(capacity=1)
    online = RegistrationFactory(event=event, mode="online", status="confirmed")
    seated = RegistrationFactory(event=event, status="confirmed")
    with django_capture_on_commit_callbacks(execute=True):
        for registration in (online, seated):
            services.session_choose(registration=registration, session_id=session.pk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_update(registration=online, data={"mode": "in_person"})
    (email,) = mail.outbox
    assert (email.to, email.subject, summary(email)) == (
        [online.email],
        "On the waitlist: Data governance",
        ("CANCEL", uid(session), 1, "CANCELLED"),
    )
