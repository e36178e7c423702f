"""Participants' registrations, their session choices and the messages sent to them."""

import secrets

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from events.models import TIME_ZONE_CHOICES, Event, Session

from .countries import COUNTRY_CHOICES
from .passes import new_pass_id

TOKEN_PREFIX_LENGTH = 12


def new_token() -> str:
    """256 random bits, URL-safe: the key of a participant's private links."""
    return secrets.token_urlsafe(32)


class StakeholderCategory(models.Model):
    name = models.CharField(_("name"), max_length=200)
    name_es = models.CharField(_("name in Spanish"), max_length=200, blank=True)
    name_pt = models.CharField(_("name in Portuguese"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    in_person_quota = models.PositiveIntegerField(
        _("in-person quota per event"),
        null=True,
        blank=True,
        help_text=_(
            "Most in-person places this group may take at one event. Empty means no quota."
        ),
    )
    badge_colour = models.CharField(
        _("badge colour"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1a2b3c."))],
        help_text=_(
            "The band printed on this group's badges, with its name. Empty: a colour of the "
            "badge palette, by position."
        ),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("stakeholder category")
        verbose_name_plural = _("stakeholder categories")

    def __str__(self) -> str:
        """The name in the active language, English when no translation is given."""
        return getattr(self, f"name_{get_language()}", "") or self.name


class Registration(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("Waitlisted")
        CANCELLED = "cancelled", _("Cancelled")

    class Language(models.TextChoices):
        EN = "en", "English"
        ES = "es", "Español"
        PT = "pt", "Português"

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("event")
    )
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254)
    organisation = models.CharField(_("organisation"), max_length=200)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    category = models.ForeignKey(
        StakeholderCategory,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("stakeholder category"),
    )
    mode = models.CharField(_("attendance"), max_length=20, choices=Mode, default=Mode.IN_PERSON)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language, default=Language.EN
    )
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES)
    needs = models.TextField(
        _("accessibility or interpretation needs"), max_length=2000, blank=True
    )
    privacy_consent_at = models.DateTimeField(_("privacy notice accepted at"))
    privacy_notice_version = models.CharField(_("privacy notice version"), max_length=20)
    media_consent = models.BooleanField(_("agrees to be photographed and streamed"), default=False)
    session_reminders = models.BooleanField(_("session reminders"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.PENDING, db_index=True
    )
    # The private link's secret. Rows are found by its first characters and the whole token is
    # then compared in constant time; a new token revokes the old links.
    token = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(max_length=TOKEN_PREFIX_LENGTH, db_index=True, editable=False)
    # The public id in the signed pass (registrations/passes.py): not a secret, and unrelated
    # to the token. A new one revokes the old pass (PassRevocation).
    pass_id = models.CharField(
        _("pass id"), max_length=22, unique=True, default=new_pass_id, editable=False
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(_("waitlisted at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(status="cancelled"),
                name="one_active_registration_per_email",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "mode"])]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def get_absolute_url(self) -> str:
        return reverse("registrations:manage", kwargs={"token": self.token})

    def renew_token(self) -> None:
        self.token = new_token()
        self.token_prefix = self.token[:TOKEN_PREFIX_LENGTH]

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED


class PassRevocation(models.Model):
    """A pass that no longer admits: its registration was cancelled or the pass renewed. The
    check-in page downloads the event's list; it holds pass ids and nothing personal."""

    class Reason(models.TextChoices):
        CANCELLED = "cancelled", _("Registration cancelled")
        RENEWED = "renewed", _("Pass renewed")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="+", verbose_name=_("event")
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="pass_revocations",
        verbose_name=_("registration"),
    )
    pass_id = models.CharField(_("pass id"), max_length=22, unique=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason)
    revoked_at = models.DateTimeField(_("revoked at"), auto_now_add=True)

    class Meta:
        ordering = ["-revoked_at"]
        verbose_name = _("revoked pass")
        verbose_name_plural = _("revoked passes")
        indexes = [models.Index(fields=["event", "revoked_at"])]

    def __str__(self) -> str:
        return self.pass_id


class SessionChoice(models.Model):
    """A session on a participant's personal agenda, or on its waitlist when it is full."""

    class Status(models.TextChoices):
        CHOSEN = "chosen", _("Chosen")
        WAITLISTED = "waitlisted", _("Waitlisted")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="choices")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="choices")
    status = models.CharField(max_length=20, choices=Status, default=Status.CHOSEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session__starts_at"]
        verbose_name = _("session choice")
        verbose_name_plural = _("session choices")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="one_choice_per_session"
            )
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.registration_id} → {self.session_id} ({self.status})"


class Message(models.Model):
    """The outbox: one row per email, written in the transaction that decides to send it.

    The unique (registration, kind, key) makes queueing the same message twice impossible; a
    worker claims a row with a conditional update before sending, so a retried or redelivered
    task never sends it again.
    """

    class Kind(models.TextChoices):
        CONFIRM_EMAIL = "confirm_email", _("Confirm your email")
        MANAGE_LINK = "manage_link", _("Your private link")
        CONFIRMED = "confirmed", _("Registration confirmed")
        WAITLISTED = "waitlisted", _("Waitlisted")
        PROMOTED = "promoted", _("Promoted from the waitlist")
        SESSION_PROMOTED = "session_promoted", _("Seat freed in a session")
        CANCELLED = "cancelled", _("Registration cancelled")
        SESSION_INVITE = "session_invite", _("Session invitation or update")
        SESSION_CANCEL = "session_cancel", _("Session invitation cancelled")
        EVENT_REMINDER = "event_reminder", _("Reminder: the event starts tomorrow")
        SESSION_REMINDER = "session_reminder", _("Reminder: a session starts soon")
        CERTIFICATE = "certificate", _("Certificate of attendance")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(max_length=30, choices=Kind)
    # What makes this message distinct among the registration's messages of the same kind.
    key = models.CharField(max_length=100, default="")
    context = models.JSONField(default=dict, blank=True)
    # Reminders: the session (if any) and the start time they announce; a moved session is a
    # new reminder.
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject_time = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind", "key"], name="message_sent_once"
            )
        ]
        indexes = [
            models.Index(fields=["status", "enqueued_at"]),
            models.Index(fields=["registration", "kind", "session", "subject_time"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.registration.email}"


class Invite(models.Model):
    """What a participant's calendar was last told about a session: the last iTIP METHOD and
    SEQUENCE sent, and the session's SEQUENCE it reflected. The invitations sweep compares it
    with what is true now and sends what is missing. It outlives the session choice, so a
    dropped session can still be cancelled in the participant's calendar."""

    class Method(models.TextChoices):
        REQUEST = "REQUEST"
        CANCEL = "CANCEL"

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="invites")
    # PROTECT: a session in participants' calendars is cancelled, not deleted, so that they
    # receive the cancellation (the admin explains this when deleting is refused).
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="invites")
    method = models.CharField(max_length=10, choices=Method)
    sequence = models.PositiveIntegerField()
    session_sequence = models.PositiveIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar invitation")
        verbose_name_plural = _("calendar invitations")
        constraints = [
            models.UniqueConstraint(fields=["registration", "session"], name="one_invite_state")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.session_id} seq {self.sequence} → {self.registration_id}"
