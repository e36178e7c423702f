import re
from datetime import timedelta

import pytest

from registrations.emails import message_email
from registrations.models import SessionChoice
from registrations.outbox import message_queue
from tests.factories import RegistrationFactory, SessionFactory

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


def invitation_for(registration, session):
    context = {"session_id": session.pk, "sequence": 0, "method": "REQUEST", "update": False}
    message = message_queue(
        registration=registration, kind="session_invite", key=f"{session.pk}:0", context=context
    )
    return message_email(message=message)


@pytest.mark.parametrize("language", ["en", "es"])
def test_session_invitation_gives_event_time_and_the_participants(language):
    registration = RegistrationFactory(
        status="confirmed", time_zone="Europe/Madrid", language=language
    )
    session = SessionFactory(event=registration.event, title="AI Act")  # 09:00 in Bogotá
    email = invitation_for(registration, session)
    expected = {
        "en": [
            "When: Wednesday 27 November 2030, 09:00–10:00, Bogotá Time (UTC−5)",
            "Your time: Wednesday 27 November 2030, 15:00–16:00, Madrid Time (UTC+1)",
        ],
        "es": [
            "Cuándo: miércoles 27 de noviembre de 2030, 09:00–10:00, hora de Bogotá (UTC−5)",
            "Su hora: miércoles 27 de noviembre de 2030, 15:00–16:00, hora de Madrid (UTC+1)",
        ],
    }[language]
    assert [line for line in email.body.splitlines() if ": " in line and "2030" in line] == (
        expected
    )
    assert re.findall(r"<strong>[^<]*:</strong> ([^<\n]*2030[^<\n]*)", html_part(email)) == [
        line.split(": ", 1)[1] for line in expected
    ]


def test_session_invitation_one_time_when_the_participants_clock_agrees():
    # Panama keeps Bogotá's time all year.
    registration = RegistrationFactory(status="confirmed", time_zone="America/Panama")
    session = SessionFactory(event=registration.event)
    body = invitation_for(registration, session).body
    assert [line for line in body.splitlines() if "2030" in line] == [
        "When: Wednesday 27 November 2030, 09:00–10:00, Bogotá Time (UTC−5)"
    ]


def test_confirmation_gives_the_first_sessions_time_in_both_zones():
    registration = RegistrationFactory(status="confirmed", time_zone="Asia/Tokyo")
    later = SessionFactory(event=registration.event, title="Closing")
    SessionFactory(
        event=registration.event,
        title="Opening",
        starts_at=later.starts_at - timedelta(hours=1),
        ends_at=later.starts_at,
    )
    body = email_for(registration, kind="confirmed").body
    assert body.split("\n\n")[3] == (
        "The first session: Opening\n"
        "When: Wednesday 27 November 2030, 08:00–09:00, Bogotá Time (UTC−5)\n"
        "Your time: Wednesday 27 November 2030, 22:00–23:00, Tokyo Time (UTC+9)"
    )


def test_event_reminder_lists_sessions_in_both_zones():
    registration = RegistrationFactory(status="confirmed", time_zone="America/Sao_Paulo")
    session = SessionFactory(event=registration.event, title="Data spaces")
    SessionChoice.objects.create(registration=registration, session=session)
    body = email_for(registration, kind="event_reminder").body
    assert body.split("\n\n")[3] == (
        "Your sessions:\n"
        "- Data spaces\n"
        "  Wednesday 27 November 2030, 09:00–10:00, Bogotá Time (UTC−5)\n"
        "  Your time: Wednesday 27 November 2030, 11:00–12:00, São Paulo Time (UTC−3)"
    )
