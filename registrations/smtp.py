"""One email over SMTP, recorded as sent at the only moment that makes a crash harmless.

SMTP has no transaction that could span our database: a worker killed after the server took a
message but before the database said so would, once its row is put back, send it twice. The
server takes a message only when it reads the "." that ends DATA, and discards an unfinished
DATA when the connection drops. So the update marking the row sent is written after the whole
body and *before* that final ".", and both replies are awaited only then: a crash earlier leaves
the server with nothing (the row, still in `sending`, is safely put back), a crash later leaves
the server with the message and the database with the update. Only a crash in the microseconds
between the two writes loses the message; none sends it twice.
"""

import re
import smtplib
import socket
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import sanitize_address

LEADING_DOT = re.compile(rb"(?m)^\.")


def send_recording_first(
    smtp: smtplib.SMTP, email: EmailMessage, record_sent: Callable[[], Callable[[], None]]
) -> None:
    """Send `email` on an open connection, calling `record_sent` just before the server can
    accept it; what it returns is called after the final "." to wait for the record. Raises
    smtplib errors; after `record_sent`, only the server's final answer."""
    encoding = email.encoding or settings.DEFAULT_CHARSET
    sender = sanitize_address(email.from_email, encoding)
    recipients = [sanitize_address(address, encoding) for address in email.recipients()]
    body = LEADING_DOT.sub(b"..", email.message().as_bytes(linesep="\r\n"))
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    smtp.ehlo_or_helo_if_needed()
    # The final "." is a write of its own, after the body: with Nagle's algorithm on, it waits
    # for the server to acknowledge the body, which a server with nothing to answer yet delays
    # (40 ms on Linux): two thirds of the delivery rate lost (BENCHMARKS.md).
    smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    code, reply = smtp.mail(sender)
    if code != 250:
        smtp.rset()
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused = {}
    for recipient in recipients:
        code, reply = smtp.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, reply)
    if len(refused) == len(recipients):
        smtp.rset()
        raise smtplib.SMTPRecipientsRefused(refused)
    code, reply = smtp.docmd("DATA")
    if code != 354:
        smtp.rset()
        raise smtplib.SMTPDataError(code, reply)
    smtp.send(body)
    recorded = record_sent()
    smtp.send(b".\r\n")
    recorded()
    code, reply = smtp.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)
