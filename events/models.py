"""The programme: events, themes, rooms, speakers and sessions."""

import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from multiselectfield import MultiSelectField


class Livestream(NamedTuple):
    state: str  # upcoming, soon, live, recording, ended
    url: str | None
    reveal_at: datetime


TIME_ZONE_CHOICES = sorted((name, name) for name in zoneinfo.available_timezones())


class Event(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    city = models.CharField(_("city"), max_length=100)
    venue = models.CharField(_("venue"), max_length=200)
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="America/Bogota"
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    description = models.TextField(_("description"), blank=True)
    hosts = models.CharField(_("hosts"), max_length=300, blank=True)
    organiser_email = models.EmailField(_("organiser email"), blank=True)
    published = models.BooleanField(_("published"), default=False)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    in_person_capacity = models.PositiveIntegerField(
        _("in-person places"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    online_capacity = models.PositiveIntegerField(
        _("online places"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    day_before_reminder_at = models.TimeField(
        _("day-before reminder at"),
        null=True,
        blank=True,
        default=time(18),
        help_text=_("Event time, the day before the first day. Empty: no such reminder."),
    )
    session_reminder_minutes = models.PositiveIntegerField(
        _("session reminder, minutes before"),
        null=True,
        blank=True,
        default=30,
        help_text=_("Before each session a participant chose. Empty: no session reminders."),
    )
    livestream_reveal_minutes = models.PositiveIntegerField(
        _("show livestream links, minutes before"),
        default=15,
        help_text=_("Livestream links appear this long before a session starts."),
    )
    personal_data_retention_days = models.PositiveIntegerField(
        _("keep participants' personal data for (days)"),
        default=90,
        help_text=_(
            "After the last day plus this many days, registrations are anonymised: the figures "
            "stay, names, addresses and private links go."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Grows with every write to what the programme shows, in the writer's own transaction: a
    # session, or any theme, room or speaker (events/signals.py, services.programme_changed).
    # Pages and feeds are cached under it.
    programme_version = models.PositiveBigIntegerField(default=0, editable=False)
    programme_changed_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True)
                | Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="event_registration_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:event_detail", kwargs={"slug": self.slug})

    @property
    def personal_data_kept_until(self) -> date:
        """The last day participants' personal data is kept; anonymised the day after."""
        return self.end_date + timedelta(days=self.personal_data_retention_days)

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def starts_at(self) -> datetime:
        """The first moment of the first day, in the event's zone."""
        return datetime.combine(self.start_date, time.min, tzinfo=self.tz)

    @property
    def ends_at(self) -> datetime:
        """The first moment after the last day, in the event's zone."""
        return datetime.combine(self.end_date + timedelta(days=1), time.min, tzinfo=self.tz)

    def registration_is_open(self, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        opened = self.registration_opens_at is None or self.registration_opens_at <= at
        not_closed = self.registration_closes_at is None or at < self.registration_closes_at
        return self.published and opened and not_closed and at < self.ends_at

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day cannot be before the first day.")})


class Theme(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#0d6efd",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1a2b3c."))],
    )
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    name = models.CharField(_("name"), max_length=100)
    venue = models.CharField(_("venue"), max_length=200)
    floor = models.CharField(_("floor"), max_length=50, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["venue", "name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.UniqueConstraint(fields=["venue", "name"], name="room_unique_name_per_venue")
        ]

    def __str__(self) -> str:
        return self.name


class Speaker(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    bio = models.TextField(_("short bio"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self) -> str:
        return self.name


class Session(models.Model):
    class Format(models.TextChoices):
        PLENARY = "plenary", _("Plenary")
        KEYNOTE = "keynote", _("Keynote")
        PANEL = "panel", _("Panel")
        WORKSHOP = "workshop", _("Workshop")
        NETWORKING = "networking", _("Networking")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        REGISTERED = "registered", _("Registered participants only")
        NONE = "none", _("Not streamed")

    class Language(models.TextChoices):
        """Languages a session is spoken or interpreted in (any variety: "pt" is Portuguese)."""

        EN = "en", _("English")
        ES = "es", _("Spanish")
        PT = "pt", _("Portuguese")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event")
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("theme")
    )
    title = models.CharField(_("title"), max_length=300)
    abstract = models.TextField(_("abstract"), blank=True)
    format = models.CharField(_("format"), max_length=20, choices=Format, default=Format.PANEL)
    room = models.ForeignKey(
        Room,
        on_delete=models.PROTECT,
        related_name="sessions",
        null=True,
        blank=True,
        verbose_name=_("room"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    speakers = models.ManyToManyField(
        Speaker, related_name="sessions", blank=True, verbose_name=_("speakers")
    )
    language = models.CharField(
        _("language spoken"), max_length=2, choices=Language, default=Language.EN
    )
    # Stored as "es,pt" (django-multiselectfield): filtered with `interpretation__contains`,
    # which the codes, two letters each and none inside another, make exact.
    interpretation = MultiSelectField(
        _("interpreted into"),
        max_length=8,
        choices=Language,
        blank=True,
        default=list,
        help_text=_("Languages into which the session is interpreted, if any."),
    )
    capacity = models.PositiveIntegerField(
        _("seats"), null=True, blank=True, help_text=_("Empty means no seat limit.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.SCHEDULED, db_index=True
    )
    livestream_url = models.URLField(_("livestream link"), blank=True)
    livestream_visibility = models.CharField(
        _("livestream visibility"), max_length=20, choices=Visibility, default=Visibility.NONE
    )
    recording_url = models.URLField(_("recording link"), blank=True)
    # Grows on every change a participant would care about (time, room, title, cancellation);
    # calendar clients use it to tell an update from a stale copy.
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "room__name", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["event", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:session_detail", kwargs={"slug": self.event.slug, "pk": self.pk})

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def languages_label(self) -> str:
        """The language spoken, and those interpreted into: "Spanish, interpreted into
        English, Portuguese", in the active language."""
        spoken = self.get_language_display()
        if not self.interpretation:
            return str(spoken)
        return _("%(spoken)s, interpreted into %(languages)s") % {
            "spoken": spoken,
            "languages": ", ".join(str(self.Language(code).label) for code in self.interpretation),
        }

    @property
    def has_public_livestream(self) -> bool:
        return bool(self.livestream_url) and self.livestream_visibility == self.Visibility.PUBLIC

    def livestream(self, *, registered: bool, at: datetime | None = None) -> "Livestream | None":
        """What of the stream a viewer may see now: nothing; that it will be shown (from when);
        the player link (revealed shortly before, "live" while the session runs); or the
        recording afterwards. `registered` is True for confirmed participants."""
        allowed = {self.Visibility.PUBLIC} | ({self.Visibility.REGISTERED} if registered else set())
        if (
            not self.livestream_url
            or self.livestream_visibility not in allowed
            or self.is_cancelled
        ):
            return None
        at = at or timezone.now()
        reveal_at = self.starts_at - timedelta(minutes=self.event.livestream_reveal_minutes)
        if at < reveal_at:
            return Livestream("upcoming", None, reveal_at)
        if at < self.ends_at:
            return Livestream(
                "live" if at >= self.starts_at else "soon", self.livestream_url, reveal_at
            )
        if self.recording_url:
            return Livestream("recording", self.recording_url, reveal_at)
        return Livestream("ended", None, reveal_at)

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("A session must end after it starts.")
        if self.language in (self.interpretation or ()):
            errors["interpretation"] = _("The session is already spoken in that language.")
        if self.event_id and self.starts_at and self.ends_at:
            event = self.event
            if self.starts_at < event.starts_at or self.ends_at > event.ends_at:
                errors["starts_at"] = _(
                    "The session must lie within the event's dates (%(first)s to %(last)s, "
                    "%(zone)s)."
                ) % {"first": event.start_date, "last": event.end_date, "zone": event.time_zone}
        if self.room_id and self.starts_at and self.ends_at and not self.is_cancelled:
            clash = (
                Session.objects.filter(
                    room_id=self.room_id,
                    status=self.Status.SCHEDULED,
                    starts_at__lt=self.ends_at,
                    ends_at__gt=self.starts_at,
                )
                .exclude(pk=self.pk)
                .first()
            )
            if clash:
                errors["room"] = _("%(room)s is already booked at that time for “%(title)s”.") % {
                    "room": self.room,
                    "title": clash.title,
                }
        if errors:
            raise ValidationError(errors)
