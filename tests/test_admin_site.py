"""The admin site as a whole (alliance/admin.py).

Opening any existing object's change form and saving it unchanged changes nothing: no field,
no revision, no email. Every model registered in the admin is covered, so a model added later
is covered too (and fails here until the demo data below holds one); in English and in
Spanish, whose dates are typed differently.
"""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session as LoginSession
from django.core import mail
from django.urls import reverse
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    PeriodicTask,
    PeriodicTasks,
    SolarSchedule,
)

from checkin.demo import demo_checkpoints_load
from checkin.models import CheckIn
from events.demo import demo_programme_load
from registrations import services
from registrations.models import Registration, StakeholderCategory
from tests.factories import UserFactory
from tests.pages import form_fields, parse

pytestmark = pytest.mark.django_db

# What an unchanged save may write: the admin's own history of the save, the login session,
# and django-celery-beat's "schedule changed" stamps (its PeriodicTask.save() always stamps
# them so that beat reloads; nothing is sent).
WRITTEN_BY_DESIGN = {LogEntry, LoginSession, PeriodicTasks}
STAMPED_BY_DESIGN = {PeriodicTask: {"date_changed"}}

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def database() -> dict[tuple[str, int], dict]:
    """Every row of every table (many-to-many tables included) as plain values, by table and
    primary key."""
    return {
        (model._meta.label, row["id"]): {
            name: value
            for name, value in row.items()
            if name not in STAMPED_BY_DESIGN.get(model, ())
        }
        for model in apps.get_models(include_auto_created=True)
        if model not in WRITTEN_BY_DESIGN
        for row in model.objects.values()
    }


def differences(before: dict, after: dict) -> list[tuple]:
    """(table, pk, field, before, after) for each changed value; rows added or deleted have
    the field None."""
    found = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old is None or new is None:
            found.append((*key, None, old, new))
        else:
            found += [(*key, name, old[name], new[name]) for name in old if old[name] != new[name]]
    return found


def register(event, email: str, *, mode: str = "in_person", category: str = "government"):
    return services.registration_create(
        event=event,
        data={
            "full_name": email.split("@")[0].title(),
            "email": email,
            "organisation": "Ministry of ICT",
            "country": "CO",
            "category": StakeholderCategory.objects.get(slug=category),
            "mode": mode,
            "language": "es",
            "time_zone": "Europe/Madrid",
        },
    )[0]


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    """The demo programme a week from now, with participants in every state, their session
    choices (one seated, one waiting), the emails they were sent, and one schedule of each
    kind django-celery-beat offers."""
    with django_capture_on_commit_callbacks(execute=True):
        event = demo_programme_load(starts_in=timedelta(days=7))
        event.in_person_capacity = 2
        event.save(update_fields=["in_person_capacity"])
        workshop = event.sessions.filter(format="workshop").first()
        workshop.capacity = 1
        workshop.save(update_fields=["capacity"])
        seated, waiting, _online, _waitlisted = (
            services.registration_confirm(registration_id=registration.pk)
            for registration in (
                register(event, "ana@example.org"),
                register(event, "bruno@example.org", category="academia"),
                register(event, "carla@example.org", mode="online"),
                register(event, "dario@example.org"),
            )
        )
        for registration in (seated, waiting):
            services.session_choose(registration=registration, session_id=workshop.pk)
        register(event, "elena@example.org")  # pending
        services.registration_cancel(registration_id=register(event, "fabio@example.org").pk)
        entrance, *_doors = demo_checkpoints_load()
        # Scans are only accepted on the event's days, a week away: recorded as one would be.
        CheckIn.objects.create(
            registration=seated,
            checkpoint=entrance,
            day=event.start_date,
            scanned_at=event.starts_at,
            nonce="demo-scan-1",
        )
    CrontabSchedule.objects.create(minute="0", hour="7", timezone="America/Bogota")
    SolarSchedule.objects.create(event="sunrise", latitude="10.39", longitude="-75.51")
    ClockedSchedule.objects.create(clocked_time=event.starts_at)
    assert list(Registration.objects.values_list("status", flat=True).order_by("email")) == [
        "confirmed",
        "confirmed",
        "confirmed",
        "waitlisted",
        "pending",
        "cancelled",
    ]
    return event


def assert_saved_unchanged_changes_nothing(client, model, capture_on_commit) -> None:
    """Open each object's change form, post back exactly what it holds, compare the database."""
    objects = list(model.objects.order_by("pk"))
    assert objects, f"the demo data holds no {model._meta.label}: add one above"
    info = (model._meta.app_label, model._meta.model_name)
    changelist = reverse("admin:{}_{}_changelist".format(*info))
    mail.outbox.clear()
    for obj in objects:
        url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        data = form_fields(client.get(url), f"{model._meta.model_name}_form")
        before = database()

        with capture_on_commit(execute=True):
            response = client.post(url, {**data, "_save": "Save"})

        assert (obj, response.status_code, response.get("Location")) == (obj, 302, changelist)
        assert (obj, differences(before, database())) == (obj, [])
    assert mail.outbox == []


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_change_form_saved_unchanged_changes_nothing(
    client, settings, demo, model, language, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert_saved_unchanged_changes_nothing(client, model, django_capture_on_commit_callbacks)


def test_change_form_saved_unchanged_by_organiser_changes_nothing(
    client, demo, organiser, django_capture_on_commit_callbacks
):
    """The same as an organiser, whose forms may show less (no outbox inline without its
    permission, say): every model they may change."""
    client.force_login(organiser)
    changed = [
        model
        for model in REGISTERED
        if organiser.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")
    ]
    assert {model._meta.app_label for model in changed} == {
        "events",
        "registrations",
        "checkin",
        "django_celery_beat",
    }
    for model in changed:
        assert_saved_unchanged_changes_nothing(client, model, django_capture_on_commit_callbacks)


def test_home_lists_programme_and_registrations_first_periodic_tasks_last(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.get(reverse("admin:index"))

    assert [app["app_label"] for app in response.context["app_list"]] == [
        "events",
        "registrations",
        "auth",
        "checkin",
        "django_celery_beat",
    ]
    assert [h2.text for h2 in parse(response).select("caption")] == [
        "Programme",
        "Registrations",
        "Authentication and Authorization",
        "Check-in",
        "Periodic Tasks",
    ]


def test_home_for_organisers_starts_with_the_programme(client, organiser):
    client.force_login(organiser)

    response = client.get(reverse("admin:index"))

    labels = [app["app_label"] for app in response.context["app_list"]]
    assert labels[:2] == ["events", "registrations"]
    assert labels[-1] == "django_celery_beat"


@pytest.mark.parametrize(
    ("language", "ahead", "behind"),
    [
        (
            "en",
            "Note: your computer is %s hours ahead of the times shown here.",
            "Note: your computer is %s hour behind the times shown here.",
        ),
        (
            "es",
            "Nota: su ordenador va %s horas por delante de los horarios mostrados aquí.",
            "Nota: su ordenador va %s hora por detrás de los horarios mostrados aquí.",
        ),
        (
            "pt-br",
            "Observação: seu computador está %s horas adiantado em relação aos horários "
            "mostrados aqui.",
            "Observação: seu computador está %s hora atrasado em relação aos horários mostrados "
            "aqui.",
        ),
    ],
)
def test_shortcuts_note_compares_with_times_shown_not_server(
    client, settings, organiser, language, ahead, behind
):
    """The date widgets' note counts from the zone the form is in (the event's), which
    Django's own wording calls "server time"."""
    client.force_login(organiser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    script = client.get(reverse("admin:jsi18n")).content.decode()

    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1))
    assert catalog["Note: You are %s hour ahead of server time."][1] == ahead
    assert catalog["Note: You are %s hour behind server time."][0] == behind


@pytest.mark.parametrize(
    "url",
    [
        "admin:auth_user_change",
        "admin:django_celery_beat_periodictask_change",
        "admin:django_celery_beat_clockedschedule_change",
    ],
)
def test_change_forms_of_no_event_name_the_server_zone(client, url):
    """Accounts and periodic tasks belong to no event: their times are UTC, and said so."""
    user = UserFactory(is_superuser=True, is_staff=True)
    clocked = ClockedSchedule.objects.create(clocked_time=datetime(2030, 1, 1, 9, tzinfo=UTC))
    ids = {
        "admin:auth_user_change": user.pk,
        "admin:django_celery_beat_periodictask_change": PeriodicTask.objects.first().pk,
        "admin:django_celery_beat_clockedschedule_change": clocked.pk,
    }
    client.force_login(user)

    response = client.get(reverse(url, args=[ids[url]]))

    content = parse(response).one("div", id_="content")
    subtitle = next(child.text for child in content.children if getattr(child, "tag", "") == "h2")
    assert subtitle == "Times in UTC"
    assert parse(response).one("body").attrs["data-admin-utc-offset"] == "0"


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
@pytest.mark.parametrize("selected", ["x", "\x00", "1" + "0" * 38, "-1"])
def test_action_on_a_selection_that_is_no_id_changes_nothing(client, model, selected):
    """A forged selection (Django's own filter raises ValueError, a 500, on an id that is no
    primary key): the list again with a message, nothing deleted."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    before = model._default_manager.count()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    response = client.post(url, {"action": "delete_selected", "_selected_action": [selected]})

    assert response.status_code in (200, 302)  # the list, or the (empty) confirmation
    assert model._default_manager.count() == before


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
@pytest.mark.parametrize("query", ["status__exact=%00", "q=a%00b", "%00=1"])
def test_list_address_holding_a_nul_gives_the_whole_list(client, model, query):
    """PostgreSQL refuses a NUL in text: a list filter holding one was a 500."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    response = client.get(f"{url}?{query}", follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "This list's address is not valid: here is the whole list."
    ]
