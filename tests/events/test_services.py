from datetime import timedelta

import pytest

from events import services
from events.models import Session
from tests.factories import RoomFactory, SessionFactory

pytestmark = pytest.mark.django_db


def states(*sessions: Session) -> list[tuple[str, str, int]]:
    """(title, status, sequence) of each session as stored now."""
    for session in sessions:
        session.refresh_from_db()
    return [(s.title, s.status, s.sequence) for s in sessions]


def test_sessions_cancel_cancels_only_scheduled_selected_ones():
    first = SessionFactory(title="First")
    second = SessionFactory(title="Second", event=first.event)
    already = SessionFactory(
        title="Already", event=first.event, status=Session.Status.CANCELLED, sequence=4
    )
    untouched = SessionFactory(title="Untouched", event=first.event)

    count = services.sessions_cancel(session_ids=[first.pk, second.pk, already.pk])

    assert count == 2
    assert states(first, second, already, untouched) == [
        ("First", "cancelled", 1),
        ("Second", "cancelled", 1),
        ("Already", "cancelled", 4),
        ("Untouched", "scheduled", 0),
    ]


def test_sessions_cancel_twice_bumps_sequence_once():
    session = SessionFactory(sequence=2)
    assert services.sessions_cancel(session_ids=[session.pk]) == 1
    assert services.sessions_cancel(session_ids=[session.pk]) == 0
    assert states(session) == [(session.title, "cancelled", 3)]


def test_sessions_cancel_touches_updated_at():
    session = SessionFactory()
    Session.objects.filter(pk=session.pk).update(updated_at=session.updated_at - timedelta(days=1))
    before = Session.objects.get(pk=session.pk).updated_at

    services.sessions_cancel(session_ids=iter([session.pk]))

    session.refresh_from_db()
    assert session.updated_at > before


def test_sessions_cancel_nothing_selected_returns_zero():
    SessionFactory()
    assert services.sessions_cancel(session_ids=[]) == 0
    assert list(Session.objects.values_list("status", "sequence")) == [("scheduled", 0)]


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("title", lambda s: "New title"),
        ("starts_at", lambda s: s.starts_at - timedelta(minutes=30)),
        ("ends_at", lambda s: s.ends_at + timedelta(minutes=30)),
        ("room", lambda s: RoomFactory()),
        ("status", lambda s: Session.Status.CANCELLED),
        ("title_es", lambda s: "Nuevo título"),
        ("language", lambda s: Session.Language.ES),
        ("interpretation", lambda s: [Session.Language.PT]),
    ],
)
def test_session_save_change_participants_see_bumps_sequence_by_one(field, change):
    session = SessionFactory(sequence=3)
    setattr(session, field, change(session))

    services.session_save(session=session, changed_fields=[field])

    stored = Session.objects.get(pk=session.pk)
    assert (getattr(stored, field), stored.sequence) == (getattr(session, field), 4)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("abstract", "A longer abstract."),
        ("format", Session.Format.WORKSHOP),
        ("capacity", 30),
        ("livestream_url", "https://stream.example/s"),
        ("livestream_visibility", Session.Visibility.PUBLIC),
        ("abstract_pt_br", "Um resumo mais longo."),
    ],
)
def test_session_save_other_change_keeps_sequence(field, value):
    session = SessionFactory(sequence=3)
    setattr(session, field, value)

    services.session_save(session=session, changed_fields=[field])

    stored = Session.objects.get(pk=session.pk)
    assert (getattr(stored, field), stored.sequence) == (value, 3)


def test_session_save_several_changes_bump_sequence_once():
    session = SessionFactory()
    session.title, session.abstract = "Renamed", "New abstract"
    session.starts_at -= timedelta(hours=1)

    services.session_save(session=session, changed_fields=["title", "abstract", "starts_at"])

    assert states(session) == [("Renamed", "scheduled", 1)]


def test_session_save_new_session_starts_at_sequence_zero():
    draft = SessionFactory.build(title="New")
    draft.event.save()
    draft.theme.save()
    draft.room.save()

    saved = services.session_save(session=draft, changed_fields=["title", "starts_at", "room"])

    assert saved.pk is not None
    assert states(saved) == [("New", "scheduled", 0)]
