import pytest
from django.core.exceptions import ValidationError

from events.models import Session
from registrations import selectors, services
from registrations.models import Message, Registration, SessionChoice
from tests.factories import CategoryFactory, EventFactory, RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db


def statuses(*registrations: Registration) -> list[str]:
    return [Registration.objects.get(pk=r.pk).status for r in registrations]


def choice_statuses(session: Session) -> dict[int, str]:
    return dict(session.choices.values_list("registration_id", "status"))


def kinds(registration: Registration) -> list[str]:
    return list(registration.messages.order_by("pk").values_list("kind", flat=True))


def waitlisted(event, count: int, **fields) -> list[Registration]:
    """Registrations that confirmed, in this order, when the event was full."""
    registrations = [
        services.registration_confirm(registration_id=registration.pk)
        for registration in RegistrationFactory.create_batch(count, event=event, **fields)
    ]
    assert [registration.status for registration in registrations] == ["waitlisted"] * count
    return registrations


# --- waitlist ----------------------------------------------------------------------------------


def test_registration_cancel_promotes_waitlist_first_come_first_served():
    event = EventFactory(in_person_capacity=1)
    holder = RegistrationFactory(event=event, status="confirmed")
    first, second = waitlisted(event, 2)
    services.registration_cancel(registration_id=holder.pk)
    assert statuses(holder, first, second) == ["cancelled", "confirmed", "waitlisted"]
    assert kinds(first) == ["waitlisted", "promoted"]
    assert kinds(second) == ["waitlisted"]


def test_registration_cancel_quota_blocked_does_not_block_next():
    event = EventFactory(in_person_capacity=2)
    quota_one = CategoryFactory(in_person_quota=1)
    open_category = CategoryFactory()
    RegistrationFactory(event=event, category=quota_one, status="confirmed")
    holder = RegistrationFactory(event=event, category=open_category, status="confirmed")
    (blocked,) = waitlisted(event, 1, category=quota_one)
    behind, last = waitlisted(event, 2, category=open_category)
    assert services.waitlist_position(registration=behind) == 2
    services.registration_cancel(registration_id=holder.pk)
    assert statuses(blocked, behind, last) == ["waitlisted", "confirmed", "waitlisted"]
    assert services.waitlist_position(registration=Registration.objects.get(pk=last.pk)) == 2


def test_waitlist_promote_capacity_raised_promotes_in_order():
    event = EventFactory(in_person_capacity=1)
    RegistrationFactory(event=event, status="confirmed")
    first, second, third = waitlisted(event, 3)
    event.in_person_capacity = 3
    event.save()
    assert services.waitlist_promote(event_id=event.pk) == [first.pk, second.pk]
    assert statuses(first, second, third) == ["confirmed", "confirmed", "waitlisted"]
    assert services.waitlist_promote(event_id=event.pk) == []


def test_registration_confirm_online_unlimited_without_online_capacity():
    event = EventFactory(in_person_capacity=1, online_capacity=None)
    online = RegistrationFactory.create_batch(3, event=event, mode="online")
    for registration in online:
        services.registration_confirm(registration_id=registration.pk)
    assert statuses(*online) == ["confirmed", "confirmed", "confirmed"]


def test_registration_confirm_online_capacity_applies_when_set():
    event = EventFactory(in_person_capacity=None, online_capacity=2)
    online = RegistrationFactory.create_batch(3, event=event, mode="online")
    in_person = RegistrationFactory(event=event, mode="in_person")
    for registration in [*online, in_person]:
        services.registration_confirm(registration_id=registration.pk)
    assert statuses(*online, in_person) == ["confirmed", "confirmed", "waitlisted", "confirmed"]


def test_registration_confirm_twice_changes_nothing():
    registration = RegistrationFactory()
    services.registration_confirm(registration_id=registration.pk)
    services.registration_confirm(registration_id=registration.pk)
    assert statuses(registration) == ["confirmed"]
    assert kinds(registration) == ["confirmed"]


# --- registration_update ---------------------------------------------------------------------


def test_registration_update_to_in_person_when_full_raises_and_saves_nothing():
    event = EventFactory(in_person_capacity=1)
    RegistrationFactory(event=event, status="confirmed")
    online = RegistrationFactory(event=event, mode="online", status="confirmed")
    with pytest.raises(ValidationError) as raised:
        services.registration_update(
            registration=online, data={"mode": "in_person", "organisation": "New Ministry"}
        )
    assert raised.value.message_dict == {
        "mode": ["There are no in-person places left. You can attend online."]
    }
    online.refresh_from_db()
    assert (online.mode, online.organisation, online.status) == (
        "online",
        "Ministry of ICT",
        "confirmed",
    )


def test_registration_update_to_online_frees_place_and_promotes():
    event = EventFactory(in_person_capacity=1)
    holder = RegistrationFactory(event=event, status="confirmed")
    (waiting,) = waitlisted(event, 1)
    services.registration_update(registration=holder, data={"mode": "online"})
    holder.refresh_from_db()
    assert (holder.mode, holder.status) == ("online", "confirmed")
    assert statuses(waiting) == ["confirmed"]
    assert kinds(waiting) == ["waitlisted", "promoted"]


# --- sessions ----------------------------------------------------------------------------------


def test_session_choose_when_full_waitlists():
    session = SessionFactory(capacity=1)
    first, second = RegistrationFactory.create_batch(2, event=session.event, status="confirmed")
    assert services.session_choose(registration=first, session_id=session.pk).status == "chosen"
    assert (
        services.session_choose(registration=second, session_id=session.pk).status == "waitlisted"
    )
    assert services.session_choose(registration=first, session_id=session.pk).status == "chosen"
    assert SessionChoice.objects.count() == 2


def test_session_drop_promotes_session_waitlist_in_order():
    session = SessionFactory(capacity=1)
    seated, first, second = RegistrationFactory.create_batch(
        3, event=session.event, status="confirmed"
    )
    for registration in (seated, first, second):
        services.session_choose(registration=registration, session_id=session.pk)
    services.session_drop(registration=seated, session_id=session.pk)
    assert choice_statuses(session) == {first.pk: "chosen", second.pk: "waitlisted"}
    promoted = Message.objects.get(kind=Message.Kind.SESSION_PROMOTED)
    assert (promoted.registration_id, promoted.context) == (first.pk, {"session_id": session.pk})


@pytest.mark.parametrize("status", ["pending", "waitlisted", "cancelled"])
def test_session_choose_unconfirmed_registration_refused(status):
    session = SessionFactory()
    registration = RegistrationFactory(event=session.event, status=status)
    with pytest.raises(ValidationError) as raised:
        services.session_choose(registration=registration, session_id=session.pk)
    assert raised.value.messages == ["Only confirmed participants can choose sessions."]
    assert SessionChoice.objects.count() == 0


def test_session_choose_cancelled_session_refused():
    session = SessionFactory(status=Session.Status.CANCELLED)
    registration = RegistrationFactory(event=session.event, status="confirmed")
    with pytest.raises(ValidationError) as raised:
        services.session_choose(registration=registration, session_id=session.pk)
    assert raised.value.messages == ["This session has been cancelled."]
    assert SessionChoice.objects.count() == 0


def test_session_choose_other_events_session_not_found():
    session = SessionFactory()
    registration = RegistrationFactory(status="confirmed")
    with pytest.raises(Session.DoesNotExist):
        services.session_choose(registration=registration, session_id=session.pk)


# --- private links -----------------------------------------------------------------------------


def test_registration_link_send_sends_current_link_and_changes_nothing():
    registration = RegistrationFactory(email="ana@example.org")
    other_event = RegistrationFactory(email="ana@example.org", status="confirmed")
    cancelled = RegistrationFactory(email="ana@example.org", status="cancelled")
    tokens = {r.pk: r.token for r in (registration, other_event, cancelled)}
    assert services.registration_link_send(email="ana@example.org") == 2
    for sent in (registration, other_event, cancelled):
        sent.refresh_from_db()
        assert sent.token == tokens[sent.pk]
    assert (kinds(registration), kinds(other_event), kinds(cancelled)) == (
        ["manage_link"],
        ["manage_link"],
        [],
    )


def test_registration_link_send_unknown_email_sends_nothing():
    assert services.registration_link_send(email="nobody@example.org") == 0
    assert Message.objects.count() == 0


def test_registration_token_renew_revokes_old_token():
    registration = RegistrationFactory(status="confirmed")
    old = registration.token
    renewed = services.registration_token_renew(registration_id=registration.pk)
    assert renewed.token != old
    assert selectors.registration_by_token(token=old) is None
    assert selectors.registration_by_token(token=renewed.token) == registration
    message = registration.messages.get()
    assert (message.kind, message.context) == ("manage_link", {"renewed": True})


def test_registration_token_renew_cancelled_refused():
    registration = RegistrationFactory(status="cancelled")
    with pytest.raises(ValidationError) as raised:
        services.registration_token_renew(registration_id=registration.pk)
    assert raised.value.messages == ["This registration is cancelled: it can no longer be changed."]
    assert Registration.objects.get(pk=registration.pk).token == registration.token


# --- edits apply to the row read under the lock -------------------------------------------------


def test_registration_update_keeps_promotion_made_after_the_form_was_loaded():
    event = EventFactory(in_person_capacity=1)
    holder = RegistrationFactory(event=event, status="confirmed")
    (waiting,) = waitlisted(event, 1)
    loaded = Registration.objects.get(pk=waiting.pk)  # the manage form is loaded
    services.registration_cancel(registration_id=holder.pk)  # meanwhile: promoted
    services.registration_update(registration=loaded, data={"organisation": "New Ministry"})
    waiting.refresh_from_db()
    assert (waiting.status, waiting.organisation) == ("confirmed", "New Ministry")
    assert waiting.confirmed_at is not None


def test_registration_update_keeps_token_renewed_after_the_form_was_loaded():
    registration = RegistrationFactory(status="confirmed")
    loaded = Registration.objects.get(pk=registration.pk)
    services.registration_token_renew(registration_id=registration.pk)
    registration.refresh_from_db()
    renewed = registration.token
    services.registration_update(registration=loaded, data={"job_title": "Adviser"})
    registration.refresh_from_db()
    assert (registration.token, registration.job_title) == (renewed, "Adviser")
    assert selectors.registration_by_token(token=loaded.token) is None


def test_registration_update_unchanged_saves_and_sends_nothing():
    registration = RegistrationFactory(status="confirmed")
    data = {"organisation": registration.organisation, "mode": registration.mode}
    services.registration_update(registration=registration, data=data)
    assert Message.objects.count() == 0


def test_registration_update_to_online_when_online_full_names_online():
    event = EventFactory(online_capacity=1)
    RegistrationFactory(event=event, mode="online", status="confirmed")
    in_person = RegistrationFactory(event=event, status="confirmed")
    with pytest.raises(ValidationError) as raised:
        services.registration_update(registration=in_person, data={"mode": "online"})
    assert raised.value.message_dict == {"mode": ["There are no online places left."]}
    assert statuses(in_person) == ["confirmed"]


def test_registration_update_category_quota_full_names_category():
    event = EventFactory()
    full = CategoryFactory(name="Research centres", in_person_quota=1)
    RegistrationFactory(event=event, category=full, status="confirmed")
    registration = RegistrationFactory(event=event, status="confirmed")
    with pytest.raises(ValidationError) as raised:
        services.registration_update(registration=registration, data={"category": full})
    assert raised.value.message_dict == {
        "category": ["The in-person places for Research centres are all taken."]
    }
    registration.refresh_from_db()
    assert registration.category_id != full.pk


# --- online participants follow online: no seats ------------------------------------------------


def test_session_choose_online_participant_takes_no_seat():
    session = SessionFactory(capacity=1)
    online = RegistrationFactory(event=session.event, mode="online", status="confirmed")
    in_person = RegistrationFactory(event=session.event, status="confirmed")
    assert services.session_choose(registration=online, session_id=session.pk).status == "chosen"
    assert services.session_choose(registration=in_person, session_id=session.pk).status == "chosen"
    (seats,) = selectors.sessions_with_seats(event=session.event)
    assert (seats.seated, seats.waiting) == (1, 0)


def test_session_choose_online_participant_never_waits_for_a_full_session():
    session = SessionFactory(capacity=1)
    in_person = RegistrationFactory(event=session.event, status="confirmed")
    online = RegistrationFactory(event=session.event, mode="online", status="confirmed")
    services.session_choose(registration=in_person, session_id=session.pk)
    assert services.session_choose(registration=online, session_id=session.pk).status == "chosen"


def test_registration_update_to_online_frees_seats_and_leaves_session_waitlists():
    session = SessionFactory(capacity=1)
    full = SessionFactory(event=session.event, capacity=1)
    seated, waiting = RegistrationFactory.create_batch(2, event=session.event, status="confirmed")
    for registration in (seated, waiting):
        services.session_choose(registration=registration, session_id=session.pk)
    services.session_choose(registration=waiting, session_id=full.pk)
    services.session_choose(registration=seated, session_id=full.pk)
    services.registration_update(registration=seated, data={"mode": "online"})
    assert choice_statuses(session) == {seated.pk: "chosen", waiting.pk: "chosen"}
    assert choice_statuses(full) == {waiting.pk: "chosen", seated.pk: "chosen"}
    promoted = Message.objects.get(kind=Message.Kind.SESSION_PROMOTED)
    assert promoted.registration_id == waiting.pk


def test_registration_update_to_in_person_waits_for_seats_of_full_sessions():
    session = SessionFactory(capacity=1)
    seated = RegistrationFactory(event=session.event, status="confirmed")
    online = RegistrationFactory(event=session.event, mode="online", status="confirmed")
    services.session_choose(registration=seated, session_id=session.pk)
    services.session_choose(registration=online, session_id=session.pk)
    services.registration_update(registration=online, data={"mode": "in_person"})
    assert choice_statuses(session) == {seated.pk: "chosen", online.pk: "waitlisted"}


def test_registration_update_to_in_person_joins_the_end_of_session_waitlists():
    session = SessionFactory(capacity=1)
    online = RegistrationFactory(event=session.event, mode="online", status="confirmed")
    seated, waiting = RegistrationFactory.create_batch(2, event=session.event, status="confirmed")
    for registration in (online, seated, waiting):
        services.session_choose(registration=registration, session_id=session.pk)
    services.registration_update(registration=online, data={"mode": "in_person"})
    services.session_drop(registration=seated, session_id=session.pk)
    assert choice_statuses(session) == {waiting.pk: "chosen", online.pk: "waitlisted"}
