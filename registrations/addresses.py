"""One spelling per mailbox: email addresses are normalised once, where they are typed.

`Admin@Example.com`, the same with a zero-width space, in fullwidth letters or with a quoted
local part reach one mailbox: they are stored, compared and rate-limited as one address.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from email_validator import EmailNotValidError, validate_email

# Characters that show nothing and that copying from documents or chat leaves behind: removed.
# Other format characters (bidi overrides and isolates) change how an address reads: refused
# by email-validator, as are control characters.
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def address_normalise(value: str) -> str:
    """The address as stored: NFKC, invisible characters removed, lower case, the local part
    unquoted, the domain IDNA-encoded (ASCII). Raises ValidationError for an address that
    cannot be written so (a bidi control, a domain IDNA 2008 refuses, a local part that needs
    its quotes or is not ASCII)."""
    typed = unicodedata.normalize("NFKC", value).translate(INVISIBLE).strip()
    try:
        address = validate_email(
            typed,
            check_deliverability=False,
            allow_quoted_local=True,  # accepted only when the quotes can go
            allow_smtputf8=False,
        )
    except EmailNotValidError as error:
        raise ValidationError(EmailValidator.message, code="invalid") from error
    if address.local_part.startswith('"'):
        raise ValidationError(EmailValidator.message, code="invalid")
    return f"{address.local_part}@{address.ascii_domain}".lower()
