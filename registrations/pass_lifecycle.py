"""A registration's pass over its life: shown while the registration is confirmed, revoked when
it is cancelled or the pass is renewed (a lost or shared pass). Revocations are rows the
check-in page downloads, so scanners refuse an old code even offline."""

import base64

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import PassRevocation, Registration
from .passes import new_pass_id, pass_code, pass_png


def registration_pass_code(*, registration: Registration) -> str | None:
    """The signed code of a registration's pass; None unless it is confirmed (a waitlisted,
    pending or cancelled registration has no pass to show)."""
    if registration.status != Registration.Status.CONFIRMED:
        return None
    return pass_code(event_id=registration.event_id, pass_id=registration.pass_id)


def registration_pass_png(*, registration: Registration) -> bytes | None:
    """The QR code of a confirmed registration's pass, as a PNG (None without a pass)."""
    code = registration_pass_code(registration=registration)
    return pass_png(code) if code else None


def pass_image_data_uri(*, registration: Registration) -> str | None:
    """The pass's PNG as a data: URI, for the manage page (no extra private URL to leak)."""
    png = registration_pass_png(registration=registration)
    return f"data:image/png;base64,{base64.b64encode(png).decode()}" if png else None


def pass_revoke(*, registration: Registration, reason: str) -> PassRevocation:
    """Put the registration's current pass on its event's revocation list (once)."""
    revocation, _created = PassRevocation.objects.get_or_create(
        pass_id=registration.pass_id,
        defaults={
            "event_id": registration.event_id,
            "registration": registration,
            "reason": reason,
        },
    )
    return revocation


def pass_renew(*, registration_id: int) -> Registration:
    """Give a confirmed registration a new pass and revoke the old one: for a pass lost,
    photographed or shared. Refused (ValidationError) for any other status."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        if registration.status != Registration.Status.CONFIRMED:
            raise ValidationError(_("Only a confirmed registration has a pass."))
        pass_revoke(registration=registration, reason=PassRevocation.Reason.RENEWED)
        registration.pass_id = new_pass_id()
        registration.save(update_fields=["pass_id"])
    return registration


def revoked_pass_ids(*, event_id: int) -> list[str]:
    """The event's revoked pass ids, oldest first: all a scanner needs, nothing personal."""
    return list(
        PassRevocation.objects.filter(event_id=event_id)
        .order_by("revoked_at", "pk")
        .values_list("pass_id", flat=True)
    )
