"""Private links stay out of the logs: the token in `/r/<token>/…` and `/calendar/<token>.ics`
is replaced by `[token]` in every record Django logs and in gunicorn's access log. The proxy's
access log does the same in alliance/deploy/nginx.conf.template."""

import logging
import re

from gunicorn.glogging import Logger

TOKEN_IN_PATH = re.compile(r"(/(?:r|calendar)/)[^/?#\s\"']+?(?=\.ics\b|[/?#\s\"']|$)")


def mask_tokens(text: str) -> str:
    return TOKEN_IN_PATH.sub(r"\1[token]", text)


class MaskTokens(logging.Filter):
    """A handler's filter: the message and the traceback are written with tokens masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_tokens(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_tokens(logging.Formatter().formatException(record.exc_info))
        return True


class AccessLogger(Logger):
    """gunicorn's logger, with every field of the access log masked (request line, path,
    query, referrer)."""

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: mask_tokens(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }
