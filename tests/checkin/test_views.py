"""checkin/views.py: who may open the check-in page and its endpoints, and what they answer."""

import json
from datetime import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checkin.models import CheckIn, Checkpoint
from registrations import services as registration_services
from registrations.pass_lifecycle import registration_pass_code
from registrations.passes import pass_verify
from tests.factories import CheckpointFactory, RegistrationFactory, UserFactory
from tests.pages import parse

pytestmark = pytest.mark.django_db


def url(name, event):
    return reverse(f"checkin:{name}", kwargs={"slug": event.slug})


def post_scan(client, event, **data):
    return client.post(url("scan", event), json.dumps(data), content_type="application/json")


def scan_data(registration, checkpoint, nonce="0123456789abcdef", scanned_at=None):
    return {
        "code": registration_pass_code(registration=registration),
        "checkpoint": checkpoint.pk,
        "nonce": nonce,
        "scanned_at": scanned_at or datetime.now().astimezone().isoformat(),
    }


def test_page_sends_a_visitor_to_log_in(client, event):
    response = client.get(url("check_in", event))

    assert (response.status_code, response["Location"]) == (
        302,
        f"/admin/login/?next=/events/{event.slug}/check-in/",
    )


@pytest.mark.parametrize("name", ["keys", "search", "worker"])
def test_endpoints_refuse_a_visitor(client, event, name):
    assert client.get(url(name, event)).status_code == 403


def test_scan_refuses_a_visitor(client, event, participant, entrance):
    response = post_scan(client, event, **scan_data(participant, entrance))

    assert (response.status_code, CheckIn.objects.count()) == (403, 0)


@pytest.mark.parametrize("name", ["check_in", "keys", "search", "worker"])
def test_pages_refuse_staff_without_the_check_in_permission(client, event, name):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(url(name, event)).status_code == 403


def test_scan_refuses_staff_without_the_check_in_permission(client, event, participant, entrance):
    client.force_login(UserFactory(is_staff=True))

    response = post_scan(client, event, **scan_data(participant, entrance))

    assert (response.status_code, CheckIn.objects.count()) == (403, 0)


def test_organisers_may_check_in(client, event, organiser, participant, entrance):
    client.force_login(organiser)

    response = post_scan(client, event, **scan_data(participant, entrance))

    assert (response.status_code, response.json()["result"]) == (200, "checked_in")


def test_page_for_staff_is_private_and_lists_the_checkpoints(client, event, staff, entrance):
    door = CheckpointFactory(event=event, name="Salón Bolívar")
    client.force_login(staff)

    response = client.get(url("check_in", event))

    assert response["Cache-Control"] == "private, no-store"
    assert list(response.context["checkpoints"]) == [entrance, door]


def test_page_for_an_unknown_event_is_404(client, staff):
    client.force_login(staff)

    assert client.get("/events/nothing-here/check-in/").status_code == 404


def test_scan_needs_the_csrf_token(event, staff, participant, entrance):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)

    response = post_scan(client, event, **scan_data(participant, entrance))

    assert (response.status_code, CheckIn.objects.count()) == (403, 0)


def test_scan_answers_in_words_with_the_participant(client, event, staff, participant, entrance):
    client.force_login(staff)
    first = post_scan(client, event, **scan_data(participant, entrance, scanned_at=None))
    check_in = CheckIn.objects.get()
    time = check_in.scanned_at.astimezone(event.tz).strftime("%H:%M")

    second = post_scan(client, event, **scan_data(participant, entrance, nonce="another-nonce"))

    person = {
        "name": "Ana Lucía Restrepo",
        "organisation": "MinTIC Colombia",
        "category": str(participant.category),
        "mode": "In person",
        "needs": "Wheelchair access",
    }
    sentence = f"Checked in at {time} at “Main entrance” by Marta Gómez."
    assert first.json() == {
        "result": "checked_in",
        "level": "ok",
        "title": "Checked in",
        "detail": sentence,
        "participant": person,
    }
    assert second.json() == {
        "result": "already",
        "level": "warn",
        "title": "Already checked in",
        "detail": sentence,
        "participant": person,
    }
    assert first["Cache-Control"] == "private, no-store"


def test_scan_answers_in_spanish(client, settings, event, staff, entrance):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    elsewhere = RegistrationFactory(status="confirmed")

    response = post_scan(client, event, **scan_data(elsewhere, entrance))

    assert response.json()["title"] == "Pase de otro evento"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("not json", "The request is not JSON."),
        ("[1, 2]", "The request is not a JSON object."),
        ('{"code": "", "nonce": "0123456789", "checkpoint": 1}', "No pass code given."),
        (
            '{"code": "x", "nonce": "short", "checkpoint": 1}',
            "The scan needs an id of 8 to 64 letters, digits, - or _.",
        ),
        (
            '{"code": "x", "nonce": "0123456789", "checkpoint": "1"}',
            "Choose a checkpoint of this event.",
        ),
    ],
)
def test_scan_bad_requests_say_what_is_wrong(client, event, staff, entrance, body, error):
    client.force_login(staff)

    response = client.post(url("scan", event), body, content_type="application/json")

    assert (response.status_code, response.json()) == (400, {"error": error})


def test_scan_checkpoint_true_is_not_checkpoint_one(client, event, staff, participant):
    """JSON's true is no checkpoint id, though Python counts it as the integer 1."""
    CheckpointFactory(pk=1, event=event, name="Main entrance")
    client.force_login(staff)

    response = post_scan(
        client, event, **{**scan_data(participant, Checkpoint(pk=1)), "checkpoint": True}
    )

    assert (response.status_code, response.json()) == (
        400,
        {"error": "Choose a checkpoint of this event."},
    )
    assert CheckIn.objects.count() == 0


def test_scan_at_another_events_checkpoint_refused(client, event, staff, participant):
    client.force_login(staff)
    elsewhere = CheckpointFactory()

    response = post_scan(client, event, **scan_data(participant, elsewhere))

    assert (response.status_code, CheckIn.objects.count()) == (400, 0)


def test_scan_with_a_bad_time_is_recorded_now(client, event, staff, participant, entrance):
    client.force_login(staff)

    response = post_scan(client, event, **scan_data(participant, entrance, scanned_at="2026-99-99"))

    assert response.json()["result"] == "checked_in"


def test_scan_rate_limited_per_account(client, settings, event, staff, participant, entrance):
    settings.CHECK_IN_RATE_PER_MINUTE = 2
    client.force_login(staff)
    answers = [
        post_scan(client, event, **scan_data(participant, entrance, nonce=f"nonce-000{n}"))
        for n in range(3)
    ]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[2]["Retry-After"] == "60"


def test_keys_hold_the_public_keys_and_revoked_pass_ids_and_nothing_personal(
    client, event, staff, participant
):
    cancelled = RegistrationFactory(event=event, status="confirmed", full_name="Zoe Quispe")
    registration_services.registration_cancel(registration_id=cancelled.pk)
    client.force_login(staff)

    response = client.get(url("keys", event))

    data = response.json()
    assert data == {"event": event.pk, "keys": data["keys"], "revoked": [cancelled.pass_id]}
    assert [len(key) for key in data["keys"].values()] == [43]
    assert "Zoe" not in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_search_by_organisation_returns_a_pass_that_verifies(client, event, staff, participant):
    RegistrationFactory(event=event, status="pending", organisation="MinTIC Perú")
    client.force_login(staff)

    response = client.get(url("search", event), {"q": "mintic"})

    results = response.json()["results"]
    assert [(r["name"], r["status"]) for r in results] == [
        ("Ana Lucía Restrepo", "Confirmed"),
        (results[1]["name"], "Pending confirmation"),
    ]
    assert pass_verify(results[0]["code"]).pass_id == participant.pass_id
    assert results[1]["code"] is None


def test_search_by_every_word_of_a_name(client, event, staff, participant):
    RegistrationFactory(event=event, status="confirmed", full_name="Ana Silva")
    client.force_login(staff)

    response = client.get(url("search", event), {"q": "ana restrepo"})

    assert [r["name"] for r in response.json()["results"]] == ["Ana Lucía Restrepo"]


def test_search_of_one_letter_finds_nothing(client, event, staff, participant):
    client.force_login(staff)

    assert client.get(url("search", event), {"q": "a"}).json() == {"results": []}


def test_scan_id_reused_for_another_pass_is_a_bad_request(
    client, event, staff, participant, entrance
):
    client.force_login(staff)
    post_scan(client, event, **scan_data(participant, entrance))
    other = RegistrationFactory(event=event, status="confirmed")

    response = post_scan(client, event, **scan_data(other, entrance))

    assert (response.status_code, response.json()) == (
        400,
        {"error": "This scan id was already used for another pass."},
    )
    assert CheckIn.objects.count() == 1


@pytest.mark.parametrize(
    ("language", "waiting", "queued"),
    [
        (
            "es",
            "%(count)s escaneos pendientes de envío",
            "Pase válido: guardado en este dispositivo, se enviará al recuperar la conexión",
        ),
        (
            "pt",
            "%(count)s leituras aguardando envio",
            "Passe válido: salvo neste dispositivo, será enviado quando houver conexão",
        ),
    ],
)
def test_page_gives_the_scanner_its_words_in_the_staff_language(
    client, settings, event, staff, entrance, language, waiting, queued
):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    root = parse(client.get(url("check_in", event))).one(id_="check-in")

    assert (root.attrs["data-waiting-many"], root.attrs["data-offline-queued"]) == (waiting, queued)


def test_worker_is_javascript_from_the_page_folder(client, event, staff):
    client.force_login(staff)

    response = client.get(url("worker", event))

    assert (response["Content-Type"], response["Cache-Control"]) == (
        "text/javascript",
        "private, no-store",
    )
    assert url("worker", event).rsplit("/", 1)[0] + "/" == url("check_in", event)


def test_scan_queries_do_not_grow_with_the_check_ins(client, event, staff, entrance):
    """The check-in bench's figures hold for any crowd: the same queries for the first scan
    and after fifty."""
    client.force_login(staff)
    registrations = RegistrationFactory.create_batch(52, event=event, status="confirmed")

    def queries(registration, nonce) -> int:
        with CaptureQueriesContext(connection) as context:
            assert (
                post_scan(client, event, **scan_data(registration, entrance, nonce)).json()[
                    "result"
                ]
                == "checked_in"
            )
        return len(context.captured_queries)

    first = queries(registrations[0], "nonce-first")
    for n, registration in enumerate(registrations[1:51]):
        post_scan(client, event, **scan_data(registration, entrance, f"nonce-crowd-{n}"))
    assert queries(registrations[51], "nonce-last") == first
