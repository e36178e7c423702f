"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, recording what it accepts."""

import email
import email.policy
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Received:
    recipients: tuple[str, ...]
    subject: str
    message_id: str
    body: str


class SmtpSink:
    """An SMTP server that accepts everything and records it. A message counts as received
    when the server has it, before it answers 250: as a real server, which has stored the
    message when it acknowledges it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: list[Received] = []
        self.port = free_port()

    async def handle_DATA(self, server, session, envelope) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain",))
        received = Received(
            recipients=tuple(envelope.rcpt_tos),
            subject=str(parsed["Subject"]),
            message_id=str(parsed["Message-ID"]),
            body=body.get_content() if body else "",
        )
        with self._lock:
            self._received.append(received)
        return "250 Message accepted for delivery"

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def count(self) -> int:
        with self._lock:
            return len(self._received)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    # aiosmtpd logs every SMTP command at INFO.
    log = logging.getLogger("mail.log")
    level = log.level
    log.setLevel(logging.WARNING)
    controller.start()
    yield sink
    controller.stop()
    log.setLevel(level)
