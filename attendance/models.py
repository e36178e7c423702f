"""Certificates of attendance: one per participant checked in at an event that has ended."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from registrations.models import Registration


def new_verification_code() -> str:
    """128 random bits, URL-safe: the public code printed on a certificate. Unrelated to the
    private link's token, it lets anyone check the certificate and nothing else."""
    return secrets.token_urlsafe(16)


class Certificate(models.Model):
    registration = models.OneToOneField(
        Registration,
        on_delete=models.CASCADE,
        related_name="certificate",
        verbose_name=_("registration"),
    )
    code = models.CharField(
        _("verification code"),
        max_length=32,
        unique=True,
        default=new_verification_code,
        editable=False,
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate of attendance")
        verbose_name_plural = _("certificates of attendance")

    def __str__(self) -> str:
        return self.code
