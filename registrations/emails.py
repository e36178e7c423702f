"""Turn an outbox message into an email, in the participant's language.

Each kind has three templates in templates/emails/: <kind>.subject, <kind>.txt and <kind>.html.
"""

from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from events import ical
from events.models import Session
from events.selectors import session_first, sessions_for_calendar

from .models import Message, Registration
from .pass_lifecycle import registration_pass_png
from .selectors import sessions_chosen

# Registration messages that carry the whole event's invitation: (METHOD, SEQUENCE).
EVENT_INVITATIONS = {
    Message.Kind.CONFIRMED: ("REQUEST", 0),
    Message.Kind.PROMOTED: ("REQUEST", 0),
    Message.Kind.CANCELLED: ("CANCEL", 1),
}
SESSION_INVITATIONS = {Message.Kind.SESSION_INVITE, Message.Kind.SESSION_CANCEL}
# Messages announcing a place: they carry the participant's pass (built when sent, so it is
# the current one; an error building it fails this message only, see delivery.py).
PASS_ATTACHED = {Message.Kind.CONFIRMED, Message.Kind.PROMOTED}
QR_ATTACHMENT_NAME = "alliance-days-pass.png"


def _invitation(message: Message, session: Session | None) -> tuple[str, bytes] | None:
    """The iTIP calendar (METHOD, bytes) this message carries, if any."""
    registration = message.registration
    event = registration.event
    organizer_email = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    people = {
        "organizer": (event.name, event.organiser_email or organizer_email),
        "attendee": (registration.full_name, registration.email),
    }
    if message.kind in SESSION_INVITATIONS:
        method, sequence = message.context["method"], message.context["sequence"]
        vevent = ical.session_vevent(
            session,
            site_url=settings.SITE_URL,
            at=timezone.now(),
            registered=registration.status == registration.Status.CONFIRMED,
            stamp=message.created_at,
            watch_url=lambda session: watch_url(registration, session),
        )
    elif message.kind in EVENT_INVITATIONS and registration.confirmed_at:
        method, sequence = EVENT_INVITATIONS[message.kind]
        vevent = ical.event_vevent(
            event,
            site_url=settings.SITE_URL,
            uid_suffix=str(registration.pk),
            sequence=sequence,
            stamp=message.created_at,
        )
    else:
        return None
    content = ical.invitation(
        vevent, method=method, sequence=sequence, time_zone=event.time_zone, **people
    )
    return method, content


def watch_url(registration: Registration, session: Session) -> str:
    """The participant's private page for a session, with the livestreams reserved to them."""
    return settings.SITE_URL + reverse(
        "registrations:watch", kwargs={"token": registration.token, "session_id": session.pk}
    )


def message_session_id(message: Message) -> int | None:
    """The session a message is about: reminders name it, invitations carry it in context."""
    return message.session_id or message.context.get("session_id")


def message_id(message: Message) -> str:
    """The Message-ID of an outbox row's email, the same each time it is sent: mail providers
    and clients recognise a resend after a crash as the same message. The host is SITE_URL's,
    as in calendar UIDs, so that two sites (staging, production) never share one."""
    host = urlsplit(settings.SITE_URL).hostname or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return f"<message-{message.pk}@{host.rpartition('@')[2]}>"


def message_email(*, message: Message, session: Session | None = None) -> EmailMultiAlternatives:
    """The email for an outbox message. `session`, when the caller has it loaded (with
    sessions_for_calendar), spares loading it again."""
    registration = message.registration
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "manage_url": settings.SITE_URL + registration.get_absolute_url(),
        "confirm_url": settings.SITE_URL
        + reverse("registrations:confirm", kwargs={"token": registration.token}),
        "event_url": settings.SITE_URL + event.get_absolute_url(),
        "calendar_url": settings.SITE_URL
        + reverse("registrations:calendar", kwargs={"token": registration.token}),
        **message.context,
    }
    session_id = message_session_id(message)
    if session_id:
        if session is None:
            (session,) = sessions_for_calendar(sessions=Session.objects.filter(pk=session_id))
        context["session"] = session
        context["watch_url"] = watch_url(registration, session)
        if registration.mode == registration.Mode.ONLINE:
            context["livestream"] = session.livestream(
                registered=registration.status == registration.Status.CONFIRMED
            )
    pass_image = (
        registration_pass_png(registration=registration) if message.kind in PASS_ATTACHED else None
    )
    context["pass_attached"] = pass_image is not None
    if message.kind in {Message.Kind.CONFIRMED, Message.Kind.PROMOTED}:
        context["first_session"] = session_first(event=event)  # its time, in both zones
    if message.kind == Message.Kind.EVENT_REMINDER:
        context["sessions"] = sessions_chosen(registration=registration).order_by("starts_at")
    with translation.override(registration.language):
        subject = render_to_string(f"emails/{message.kind}.subject", context)
        email = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string(f"emails/{message.kind}.txt", context),
            to=[registration.email],
            reply_to=[event.organiser_email] if event.organiser_email else None,
            headers={"Auto-Submitted": "auto-generated", "Message-ID": message_id(message)},
        )
        email.attach_alternative(
            render_to_string(f"emails/{message.kind}.html", context), "text/html"
        )
        invitation = _invitation(message, session)
    if invitation:
        # Mail clients show an invitation from the text/calendar alternative (whose method=
        # must equal METHOD) and keep the attachment for others.
        method, content = invitation
        email.attach_alternative(content.decode(), f"text/calendar; method={method}")
        email.attach("invite.ics", content.decode(), f"text/calendar; method={method}")
    if pass_image:
        email.attach(QR_ATTACHMENT_NAME, pass_image, "image/png")
    return email
