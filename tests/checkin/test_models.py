"""checkin/models.py, the groups its migration makes, and the demo checkpoints."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation

from checkin.demo import demo_checkpoints_load
from checkin.models import Checkpoint
from events.demo import demo_programme_load
from tests.factories import CheckpointFactory, SessionFactory, UserFactory
from tests.pages import parse

pytestmark = pytest.mark.django_db


def test_check_in_staff_group_holds_only_the_check_in_permission():
    group = Group.objects.get(name="Check-in staff")

    assert list(group.permissions.values_list("content_type__app_label", "codename")) == [
        ("checkin", "check_in")
    ]


def test_organisers_may_check_in_and_manage_checkpoints():
    organiser = UserFactory(is_staff=True)
    organiser.groups.add(Group.objects.get(name="Organisers"))

    assert {
        permission
        for permission in organiser.get_all_permissions()
        if permission.startswith("checkin.")
    } == {
        "checkin.check_in",
        "checkin.add_checkpoint",
        "checkin.change_checkpoint",
        "checkin.delete_checkpoint",
        "checkin.view_checkpoint",
        "checkin.view_checkin",
    }


def test_other_staff_may_not_check_in():
    assert not UserFactory(is_staff=True).has_perm("checkin.check_in")


@pytest.mark.parametrize(("kind", "with_session"), [("entrance", True), ("session", False)])
def test_checkpoint_session_only_for_a_session_door_in_the_database(kind, with_session):
    session = SessionFactory() if with_session else None
    with pytest.raises(IntegrityError):
        CheckpointFactory(kind=kind, session=session, event=session.event if session else None)


def test_checkpoint_clean_names_the_field():
    session = SessionFactory()
    checkpoint = Checkpoint(
        event=CheckpointFactory().event, name="Door", kind="session", session=session
    )

    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            checkpoint.clean()
        # The message is lazy: it is read in English, whatever an earlier test left active.
        assert error.value.message_dict == {"session": ["This session belongs to another event."]}


def test_checkpoint_name_in_the_active_language(settings):
    checkpoint = CheckpointFactory(name="Main entrance", name_es="Entrada principal")
    with translation.override("es"):
        assert str(checkpoint) == "Entrada principal"
    with translation.override("pt"):
        assert str(checkpoint) == "Main entrance"


def test_demo_checkpoints_an_entrance_and_a_door_per_seated_session_loaded_twice_the_same():
    event = demo_programme_load()
    seated = event.sessions.filter(capacity__isnull=False).count()

    first = demo_checkpoints_load()
    call_command("load_demo_checkpoints", stdout=io.StringIO())

    assert [checkpoint.pk for checkpoint in demo_checkpoints_load()] == [c.pk for c in first]
    assert Checkpoint.objects.filter(event=event, kind="entrance").count() == 1
    assert Checkpoint.objects.filter(event=event, kind="session").count() == seated > 0


def test_demo_session_doors_numbered_apart_from_their_sessions_titles(client, organiser):
    """The check-in page shows a door with its session's title: the name does not repeat it."""
    event = demo_programme_load()
    doors = [c for c in demo_checkpoints_load() if c.kind == "session"]
    client.force_login(organiser)
    client.cookies["django_language"] = "es"

    page = parse(client.get(f"/events/{event.slug}/check-in/"))

    assert [option.text for option in page.one("select", id_="checkpoint").select("option")] == [
        "Entrada principal",
        *(
            f"Puerta {n} · {door.session.title_es or door.session.title_en}"
            for n, door in enumerate(doors, start=1)
        ),
    ]


def test_admin_checkpoints_link_to_the_check_in_page(client, organiser):
    checkpoint = CheckpointFactory()
    client.force_login(organiser)

    page = parse(client.get(reverse("admin:checkin_checkpoint_changelist")))

    link = page.one("td", cls="field-check_in_page").one("a")
    assert (link.attrs["href"], link.text) == (
        f"/events/{checkpoint.event.slug}/check-in/",
        "Open",
    )
