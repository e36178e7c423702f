"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, recording what it accepts, and answering
each step with a fault when a test asks (`SmtpSink.fail`)."""

import email
import email.policy
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

# The steps of an SMTP transaction a fault can be put on: the replies to MAIL FROM, RCPT TO and
# DATA, and the reply after the final "." (when the server has the whole message).
STEPS = ("MAIL", "RCPT", "DATA", "END")
# A fault that closes the connection instead of answering. At END, the server keeps the message
# first: the worst case, a server that stored it and never said so.
DROP = "drop"


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
        self._faults: dict[str, list] = {}
        self.port = free_port()

    def fail(self, step: str, reply: str, *, times: int | None = 1) -> None:
        """Answer `step` (one of STEPS) with `reply` (e.g. "451 4.3.0 Try again later", or
        DROP) the next `times` times, or every time if None."""
        assert step in STEPS, step
        with self._lock:
            self._faults[step] = [reply, times]

    def fault(self, step: str) -> str | None:
        """The fault to play now at `step`, if any (counted as played)."""
        with self._lock:
            fault = self._faults.get(step)
            if not fault:
                return None
            reply, times = fault
            if times is not None:
                fault[1] -= 1
                if fault[1] == 0:
                    del self._faults[step]
            return reply

    def _record(self, envelope) -> None:
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

    async def handle_MAIL(self, server, session, envelope, address, mail_options) -> str:
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        fault = self.fault("END")
        if fault is None or fault == DROP:
            self._record(envelope)
        if fault == DROP:
            server.transport.close()  # the "250" below is never written
        return fault if fault and fault != DROP else "250 Message accepted for delivery"

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


class FaultySMTP(SMTP):
    """aiosmtpd's server, playing the sink's faults on MAIL, RCPT and DATA before its handler
    (whose hooks cannot answer the DATA command itself)."""

    async def _faulted(self, step: str) -> bool:
        fault = self.event_handler.fault(step)
        if fault == DROP:
            self.transport.close()
        elif fault:
            await self.push(fault)
        return fault is not None

    async def smtp_MAIL(self, arg):
        if not await self._faulted("MAIL"):
            await super().smtp_MAIL(arg)

    async def smtp_RCPT(self, arg):
        if not await self._faulted("RCPT"):
            await super().smtp_RCPT(arg)

    async def smtp_DATA(self, arg):
        if not await self._faulted("DATA"):
            await super().smtp_DATA(arg)


class SinkController(Controller):
    def factory(self):
        return FaultySMTP(self.handler, **self.SMTP_kwargs)


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    controller = SinkController(sink, hostname="127.0.0.1", port=sink.port)
    # aiosmtpd logs every SMTP command at INFO.
    log = logging.getLogger("mail.log")
    level = log.level
    log.setLevel(logging.WARNING)
    controller.start()
    yield sink
    controller.stop()
    log.setLevel(level)
