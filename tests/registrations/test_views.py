"""The participant's pages, beyond the path through them in test_flow.py."""

import re

import pytest
from django.urls import reverse

from registrations import services
from tests.factories import RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [5, 60])
def test_manage_page_queries_constant(client, django_assert_num_queries, size):
    registration = RegistrationFactory(status="confirmed")
    sessions = SessionFactory.create_batch(size, event=registration.event, capacity=10)
    services.session_choose(registration=registration, session_id=sessions[0].pk)
    # Registration, its choices, the sessions with their seat counts, the form's categories.
    with django_assert_num_queries(4):
        response = client.get(registration.get_absolute_url())
    ((_day, themes),) = response.context["agenda"]
    assert sum(len(day_sessions) for _theme, day_sessions in themes) == size


def test_manage_page_escapes_participant_name(client):
    registration = RegistrationFactory(full_name="<script>alert(1)</script>")
    html = client.get(registration.get_absolute_url()).content.decode()
    assert html.count("<script>alert(1)") == 0
    assert re.findall(r'<input [^>]*name="full_name" value="([^"]*)"', html) == [
        "&lt;script&gt;alert(1)&lt;/script&gt;"
    ]


@pytest.mark.parametrize(
    ("status", "expected"),
    [("confirmed", ("live", "https://stream.example/members")), ("pending", None)],
)
def test_watch_page_registered_stream_only_for_confirmed(client, monkeypatch, status, expected):
    registration = RegistrationFactory(status=status)
    session = SessionFactory(
        event=registration.event,
        livestream_url="https://stream.example/members",
        livestream_visibility="registered",
    )
    monkeypatch.setattr("django.utils.timezone.now", lambda: session.starts_at)
    url = reverse("registrations:watch", args=[registration.token, session.pk])
    livestream = client.get(url).context["livestream"]
    assert ((livestream.state, livestream.url) if livestream else None) == expected
    assert client.get(session.get_absolute_url()).context["livestream"] is None
