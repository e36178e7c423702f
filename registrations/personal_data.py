"""Participants' personal data under their control: what we hold about them, as a download,
and anonymisation, by the participant, by an organiser, or after the event's retention period.

Anonymising keeps the figures (event, category, attendance mode, country, language, status and
dates) and removes everything that names or reaches the person: name, address, organisation,
job title, needs, private link (replaced by a new random token nobody holds) and the error texts
of their messages. Their messages not yet sent are skipped, so nothing is sent to them again.
"""

from django.db import transaction
from django.utils import timezone

from events.models import Event

from .models import Message, Registration
from .services import registration_cancel

ANONYMISED_FIELDS = ("full_name", "email", "organisation", "job_title", "needs")
MESSAGE_STATUSES_UNSENT = (Message.Status.PENDING, Message.Status.SENDING, Message.Status.FAILED)


def registration_data_export(*, registration: Registration) -> dict:
    """Everything we hold about a participant, as plain data (the JSON download)."""
    event = registration.event
    return {
        "event": {"name": event.name, "slug": event.slug},
        "registration": {
            "full_name": registration.full_name,
            "email": registration.email,
            "organisation": registration.organisation,
            "job_title": registration.job_title,
            "country": registration.country,
            "stakeholder_category": registration.category.name,
            "attendance": registration.mode,
            "language": registration.language,
            "time_zone": registration.time_zone,
            "needs": registration.needs,
            "media_consent": registration.media_consent,
            "session_reminders": registration.session_reminders,
            "status": registration.status,
            "privacy_notice_version": registration.privacy_notice_version,
            "privacy_consent_at": registration.privacy_consent_at.isoformat(),
            "registered_at": registration.created_at.isoformat(),
            "confirmed_at": _iso(registration.confirmed_at),
            "waitlisted_at": _iso(registration.waitlisted_at),
            "cancelled_at": _iso(registration.cancelled_at),
        },
        "sessions": [
            {
                "title": choice.session.title,
                "starts_at": choice.session.starts_at.isoformat(),
                "status": choice.status,
                "chosen_at": choice.created_at.isoformat(),
            }
            for choice in registration.choices.select_related("session").order_by("pk")
        ],
        "pass_id": registration.pass_id,
        # Check-ins (the checkin app) are read through their reverse relation: registrations
        # never imports checkin, which builds on it.
        "check_ins": [
            {"checkpoint": checkpoint, "day": day.isoformat(), "scanned_at": _iso(scanned_at)}
            for checkpoint, day, scanned_at in registration.check_ins.order_by(
                "scanned_at"
            ).values_list("checkpoint__name", "day", "scanned_at")
        ],
        "emails": [
            {"kind": kind, "status": status, "sent_at": _iso(sent_at)}
            for kind, status, sent_at in registration.messages.order_by("pk").values_list(
                "kind", "status", "sent_at"
            )
        ],
    }


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def registration_anonymise(*, registration_id: int) -> Registration:
    """Cancel the registration (its places and seats go to the waitlists), then remove its
    personal data. Anonymising twice changes nothing."""
    with transaction.atomic():
        registration_cancel(registration_id=registration_id)
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        if registration.anonymised_at is not None:
            return registration
        for name in ANONYMISED_FIELDS:
            setattr(registration, name, "")
        registration.renew_token()
        registration.anonymised_at = timezone.now()
        registration.save(
            update_fields=[*ANONYMISED_FIELDS, "token", "token_prefix", "anonymised_at"]
        )
        registration.messages.filter(status__in=MESSAGE_STATUSES_UNSENT).update(
            status=Message.Status.SKIPPED, error="anonymised"
        )
        registration.messages.exclude(error="anonymised").update(error="")
    return registration


def registrations_anonymise(*, registration_ids: list[int]) -> int:
    """Anonymise the selected registrations (an organiser's action); returns how many were
    not anonymised before."""
    ids = list(
        Registration.objects.filter(pk__in=registration_ids, anonymised_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for registration_id in ids:
        registration_anonymise(registration_id=registration_id)
    return len(ids)


def registrations_anonymise_expired(*, today=None) -> int:
    """Anonymise the registrations of every event whose last day plus its retention period has
    passed. Returns how many were anonymised."""
    today = today or timezone.localdate()
    expired = [
        event.pk
        for event in Event.objects.only("end_date", "personal_data_retention_days")
        if event.personal_data_kept_until < today
    ]
    ids = Registration.objects.filter(event__in=expired, anonymised_at__isnull=True).values_list(
        "pk", flat=True
    )
    return registrations_anonymise(registration_ids=list(ids))


def event_registrations_anonymise(*, event_ids: list[int], today=None) -> int:
    """Anonymise the registrations of the selected events that have ended (an organiser's
    action, before the retention period runs out). Returns how many were anonymised."""
    today = today or timezone.localdate()
    ids = Registration.objects.filter(
        event_id__in=event_ids, event__end_date__lt=today, anonymised_at__isnull=True
    ).values_list("pk", flat=True)
    return registrations_anonymise(registration_ids=list(ids))
