import re

import pytest

from registrations.emails import message_email
from registrations.outbox import message_queue
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def email_for(registration, kind: str = "confirm_email"):
    return message_email(message=message_queue(registration=registration, kind=kind))


def html_part(email) -> str:
    ((html, _mimetype),) = [a for a in email.alternatives if a.mimetype == "text/html"]
    return html


def test_message_email_english_subject_and_recipient():
    registration = RegistrationFactory(language="en", event__name="Alliance Days 2030")
    email = email_for(registration)
    assert email.subject == "Confirm your registration for Alliance Days 2030"
    assert email.to == [registration.email]
    assert email.reply_to == ["organisers@example.org"]


@pytest.mark.parametrize("language", ["en", "es", "pt-br"])
def test_message_email_html_in_participants_language(language):
    # The catalogues are still empty: the text is English, the markup already says which
    # language it is meant to be in.
    email = email_for(RegistrationFactory(language=language))
    assert re.findall(r'<html lang="([^"]*)">', html_part(email)) == [language]


def test_message_email_html_escapes_participant_name():
    email = email_for(RegistrationFactory(full_name="<script>alert(1)</script>"))
    html = html_part(email)
    assert html.count("<script>") == 0
    assert re.findall(r"<p>Dear (.*?),</p>", html) == ["&lt;script&gt;alert(1)&lt;/script&gt;"]


def test_message_email_text_keeps_participant_name_as_typed():
    email = email_for(RegistrationFactory(full_name="O'Brien & <Sons>"))
    assert re.findall(r"^Dear (.*),$", email.body, re.MULTILINE) == ["O'Brien & <Sons>"]


def test_cancelled_email_does_not_offer_to_manage_or_cancel():
    registration = RegistrationFactory(
        status="cancelled", event__name="Alliance Days 2030", full_name="Ana Restrepo"
    )
    assert email_for(registration, kind="cancelled").body == (
        "Alliance Days 2030\n\nDear Ana Restrepo,\n\n"
        "Your registration has been cancelled. If this was a mistake, you can register again "
        f"while registration is open:\nhttp://localhost:8000{registration.event.get_absolute_url()}"
        "\n\n"
    )


def test_active_registration_email_offers_private_link():
    registration = RegistrationFactory(status="confirmed")
    body = email_for(registration, kind="confirmed").body
    assert body.split("\n\n")[-2:] == [
        "Manage or cancel your registration with your private link (do not share it):\n"
        f"http://localhost:8000{registration.get_absolute_url()}",
        "",
    ]


def test_session_reminder_registered_stream_links_private_watch_page():
    from registrations.models import Message
    from tests.factories import SessionFactory

    registration = RegistrationFactory(status="confirmed", mode="online")
    session = SessionFactory(
        event=registration.event,
        title="AI Act",
        livestream_url="https://stream.example/members",
        livestream_visibility="registered",
    )
    message = Message.objects.create(
        registration=registration,
        kind=Message.Kind.SESSION_REMINDER,
        session=session,
        subject_time=session.starts_at,
    )
    body = message_email(message=message).body
    watch = f"http://localhost:8000/r/{registration.token}/sessions/{session.pk}/watch/"
    assert [line for line in body.splitlines() if line.startswith("Watch online")] == [
        f"Watch online (the link appears shortly before the start): {watch}"
    ]


def test_subject_line_and_paragraph_separators_become_spaces():
    registration = RegistrationFactory(
        language="en", event__name="Alliance\u2028Days\u20292030\x85edition"
    )
    email = email_for(registration)
    assert email.subject == "Confirm your registration for Alliance Days 2030 edition"
    assert [sep for sep in ("\u2028", "\u2029", "\x85") if sep in email.message()["Subject"]] == []
