"""Check-in at the venue: the checkpoints staff scan passes at, and each admission.

An entrance admits a participant once per day of the event; a session door once per session.
Both are unique constraints, so two scanners reading the same pass at once admit it once.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from events.models import Event, Session
from registrations.models import Registration


class Checkpoint(models.Model):
    class Kind(models.TextChoices):
        ENTRANCE = "entrance", _("Entrance (once per day)")
        SESSION = "session", _("Session door")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="checkpoints", verbose_name=_("event")
    )
    name = models.CharField(_("name"), max_length=100)
    name_es = models.CharField(_("name in Spanish"), max_length=100, blank=True)
    name_pt = models.CharField(_("name in Portuguese"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.ENTRANCE)
    session = models.ForeignKey(
        Session,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checkpoints",
        verbose_name=_("session"),
        help_text=_("Only for a session door: the session it admits to."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["event", "position", "name"]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="entrance", session__isnull=True)
                | Q(kind="session", session__isnull=False),
                name="checkpoint_session_iff_session_door",
            ),
            models.UniqueConstraint(fields=["event", "name"], name="checkpoint_unique_name"),
        ]

    def __str__(self) -> str:
        """The name in the active language, English when no translation is given."""
        return getattr(self, f"name_{get_language()}", "") or self.name

    def clean(self) -> None:
        if self.kind == self.Kind.SESSION and not self.session_id:
            raise ValidationError({"session": _("A session door needs its session.")})
        if self.kind == self.Kind.ENTRANCE and self.session_id:
            raise ValidationError({"session": _("An entrance admits to the event, not a session.")})
        if self.session_id and self.event_id and self.session.event_id != self.event_id:
            raise ValidationError({"session": _("This session belongs to another event.")})


class CheckIn(models.Model):
    """A participant admitted at a checkpoint: at an entrance for a day, at a session door for
    its session. `nonce` is the scanner's id for the scan, so an upload repeated after a lost
    answer admits nobody twice."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="check_ins",
        verbose_name=_("registration"),
    )
    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="check_ins", verbose_name=_("checkpoint")
    )
    # The checkpoint's session, kept on the row for the uniqueness of session admissions.
    session = models.ForeignKey(
        Session,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="check_ins",
        verbose_name=_("session"),
    )
    day = models.DateField(_("day"))
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    scanned_at = models.DateTimeField(_("scanned at"))
    nonce = models.CharField(_("scan id"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-scanned_at"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "day"],
                condition=Q(session__isnull=True),
                name="one_entrance_check_in_per_day",
            ),
            models.UniqueConstraint(
                fields=["registration", "session"],
                condition=Q(session__isnull=False),
                name="one_check_in_per_session",
            ),
        ]
        indexes = [models.Index(fields=["checkpoint", "day"])]
        permissions = [("check_in", _("Can check participants in"))]

    def __str__(self) -> str:
        return f"{self.registration_id} @ {self.checkpoint_id} {self.day}"
