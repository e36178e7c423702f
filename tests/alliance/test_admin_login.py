"""The admin login is throttled: five wrong passwords for an account from one address lock that
pair out for a while, with a page that says so, even for the right password."""

import pytest
from django.contrib.auth import SESSION_KEY

from tests.factories import UserFactory
from tests.pages import parse

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


def attempt(client, password: str, ip: str = "203.0.113.7", username: str = "organiser"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def staff(username: str, password: str):
    user = UserFactory(username=username, is_staff=True)
    user.set_password(password)
    user.save()
    return user


@pytest.fixture
def organiser_account():
    return staff("organiser", "right-password-2023")


def test_admin_login_locked_after_five_failures(client, organiser_account):
    statuses = [attempt(client, f"wrong-{n}").status_code for n in range(5)]

    response = attempt(client, "right-password-2023")

    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    assert response.status_code == 429
    assert parse(response).one("h1").text == "Sign-in locked"
    assert SESSION_KEY not in client.session


def test_admin_login_lockout_is_per_account_and_address(client, organiser_account):
    staff("colleague", "colleague-password-2023")
    for n in range(5):
        attempt(client, f"wrong-{n}")

    other_address = attempt(client, "right-password-2023", ip="198.51.100.20")
    client.logout()
    other_account = attempt(client, "colleague-password-2023", username="colleague")

    assert (other_address.status_code, other_address["Location"]) == (302, "/admin/")
    assert (other_account.status_code, other_account["Location"]) == (302, "/admin/")


def test_admin_login_success_resets_failures(client, organiser_account):
    for n in range(4):
        attempt(client, f"wrong-{n}")
    assert attempt(client, "right-password-2023").status_code == 302
    client.logout()
    for n in range(4):
        attempt(client, f"wrong-again-{n}")

    response = attempt(client, "right-password-2023")

    assert (response.status_code, response["Location"]) == (302, "/admin/")
