"""send_recording_first against a real SMTP server (aiosmtpd on 127.0.0.1)."""

import smtplib

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import EmailMessage

from registrations.smtp import send_recording_first
from tests.smtp_sink import SmtpSink


def email(body="Hello.\n.A line starting with a dot\n"):
    return EmailMessage("Reminder", body, "noreply@example.org", ["ana@example.org"])


def test_send_recording_first_records_before_the_server_accepts(smtp_sink):
    steps = []

    def record_sent():
        steps.append(("recorded", smtp_sink.count()))
        return lambda: steps.append(("awaited", None))

    with smtplib.SMTP("127.0.0.1", smtp_sink.port) as smtp:
        send_recording_first(smtp, email(), record_sent)
    assert steps == [("recorded", 0), ("awaited", None)]
    ((received),) = smtp_sink.received
    assert received.recipients == ("ana@example.org",)
    assert received.body == "Hello.\r\n.A line starting with a dot\r\n"


class Crash(Exception):
    """The worker dying between the body and the final "."."""


def test_send_recording_first_crash_before_final_dot_delivers_nothing(smtp_sink):
    smtp = smtplib.SMTP("127.0.0.1", smtp_sink.port)

    def die():
        raise Crash

    with pytest.raises(Crash):
        send_recording_first(smtp, email(), die)
    smtp.close()  # the process is gone: its socket closes without QUIT or the final "."
    with smtplib.SMTP("127.0.0.1", smtp_sink.port) as probe:  # the server carries on
        assert probe.noop()[0] == 250
        send_recording_first(probe, email("Second."), lambda: lambda: None)
    assert [r.body for r in smtp_sink.received] == ["Second.\r\n"]


class RefusingSink(SmtpSink):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 No such user"


def test_send_recording_first_refused_recipient_records_nothing():
    sink = RefusingSink()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    recorded = []
    try:
        with (
            smtplib.SMTP("127.0.0.1", sink.port) as smtp,
            pytest.raises(smtplib.SMTPRecipientsRefused),
        ):
            send_recording_first(smtp, email(), lambda: recorded.append(True) or (lambda: None))
    finally:
        controller.stop()
    assert (recorded, sink.received) == ([], [])
