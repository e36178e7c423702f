import pytest
from django.core import mail

from registrations.models import Message
from registrations.outbox import message_queue
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def test_message_queue_same_registration_kind_key_queued_once(django_capture_on_commit_callbacks):
    registration = RegistrationFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = message_queue(registration=registration, kind="manage_link", key="a")
        again = message_queue(registration=registration, kind="manage_link", key="a")
    assert again.pk == first.pk
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    other_key = message_queue(registration=registration, kind="manage_link", key="b")
    assert other_key.pk != first.pk
    assert Message.objects.count() == 2
