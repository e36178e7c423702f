"""Participants' pages: register, confirm, manage, cancel, get a new link, their data."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events.models import Session
from events.selectors import event_get_visible, events_published, session_get
from events.views import CalendarFeed

from . import pass_lifecycle, personal_data, selectors, services
from .emails import watch_url
from .forms import LinkRequestForm, ManageForm, RegistrationForm
from .models import Registration
from .pass_lifecycle import pass_image_data_uri
from .throttle import client_ip, throttle_exceeded


def _too_many_requests(request):
    return render(request, "registrations/too_many_requests.html", status=429)


# Pages reached through a private link, and what they answer, are for their owner only.
PRIVATE = "private, no-store"


def with_registration(view):
    """Resolve the private link's token, or answer with the invalid-link page (404). The page
    speaks the registration's language unless the visitor chose one with the language
    switcher, and no cache keeps it."""

    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        registration = selectors.registration_by_token(token=token)
        if registration is None:
            response = render(request, "registrations/link_invalid.html", status=404)
        else:
            if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
                translation.activate(registration.language)
                request.LANGUAGE_CODE = registration.language
            response = view(request, registration, *args, **kwargs)
        response["Cache-Control"] = PRIVATE
        return response

    return wrapper


def _refused(request, registration):
    messages.error(request, _("This registration is cancelled: it can no longer be changed."))
    return redirect(registration)


def register(request, slug):
    event = event_get_visible(slug=slug)
    if not event.registration_is_open():
        opens_at = event.registration_opens_at
        not_yet = opens_at is not None and opens_at > timezone.now()
        return render(request, "registrations/closed.html", {"event": event, "not_yet": not_yet})
    form = RegistrationForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST":
        valid = form.is_valid()
        # Counted per normalised address: each spelling of a mailbox counts for that mailbox.
        email = form.cleaned_data.get("email")
        if throttle_exceeded(scope="register", ip=client_ip(request), email=email):
            return _too_many_requests(request)
        if valid:
            if not form.is_bot:
                services.registration_create(event=event, data=form.registration_data())
            return redirect("registrations:check_inbox", slug=event.slug)
    return render(request, "registrations/register.html", {"event": event, "form": form})


def check_inbox(request, slug):
    event = event_get_visible(slug=slug)
    return render(request, "registrations/check_inbox.html", {"event": event})


@with_registration
def confirm(request, registration):
    if request.method == "POST":
        if not registration.is_active:
            return _refused(request, registration)
        if registration.status != Registration.Status.PENDING:
            messages.info(request, _("Your email address is already confirmed."))
            return redirect(registration)
        registration = services.registration_confirm(registration_id=registration.pk)
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(request, _("Your registration is confirmed. Welcome!"))
        return redirect(registration)
    if registration.status != Registration.Status.PENDING:
        return redirect(registration)
    return render(
        request,
        "registrations/confirm.html",
        {"registration": registration, "event": registration.event},
    )


@with_registration
def manage(request, registration):
    if request.method == "POST" and not registration.is_active:
        return _refused(request, registration)
    form = ManageForm(request.POST or None, instance=registration)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_update(registration=registration, data=form.cleaned_data)
        except ValidationError as error:
            # Nothing was saved: the page shows the registration as stored, and says why.
            messages.error(request, " ".join([_("Your changes were not saved."), *error.messages]))
        else:
            messages.success(request, _("Your details have been saved."))
        return redirect(registration)
    context = {
        "registration": registration,
        "event": registration.event,
        "form": form,
        "agenda": selectors.agenda_for_registration(registration=registration)
        if registration.status == Registration.Status.CONFIRMED
        else [],
        "waitlist_position": services.waitlist_position(registration=registration),
        "pass_image": pass_image_data_uri(registration=registration),
    }
    return render(request, "registrations/manage.html", context)


@require_POST
@with_registration
def pass_renew(request, registration):
    """Replace the pass at its owner's request (lost, or shown to someone): the old code is
    revoked at every scanner."""
    try:
        registration = pass_lifecycle.pass_renew(registration_id=registration.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Your pass has been replaced: the old one no longer admits anyone.")
        )
    return redirect(registration)


@require_POST
@with_registration
def revoke(request, registration):
    """Renew the private link at its owner's request: the old link and calendars subscribed
    with it stop working."""
    try:
        registration = services.registration_token_renew(registration_id=registration.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "Your private link has been renewed: the old one no longer works. Bookmark this "
                "page; we have also emailed you the new link. Subscribe to your calendar again "
                "with the new link below."
            ),
        )
    return redirect(registration)


@require_POST
@with_registration
def session_choice(request, registration, session_id):
    try:
        if request.POST.get("action") == "drop":
            services.session_drop(registration=registration, session_id=session_id)
            messages.success(request, _("The session was removed from your agenda."))
        else:
            choice = services.session_choose(registration=registration, session_id=session_id)
            if choice.status == choice.Status.CHOSEN:
                messages.success(request, _("The session was added to your agenda."))
            else:
                messages.info(
                    request,
                    _(
                        "The session is full: you are on its waitlist. "
                        "We will email you if a seat frees up."
                    ),
                )
    except Session.DoesNotExist:
        raise Http404("No such session in this event") from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{registration.get_absolute_url()}#session-{session_id}")


@with_registration
def cancel(request, registration):
    if request.method == "POST" and not registration.is_active:
        return _refused(request, registration)
    if request.method == "POST":
        services.registration_cancel(registration_id=registration.pk)
        messages.success(request, _("Your registration has been cancelled."))
        return redirect(registration)
    return render(
        request,
        "registrations/cancel.html",
        {"registration": registration, "event": registration.event},
    )


@with_registration
def data_export(request, registration):
    """Everything we hold about the participant, as a JSON download."""
    response = JsonResponse(
        personal_data.registration_data_export(registration=registration),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    filename = f"{registration.event.slug}-my-data.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@with_registration
def delete(request, registration):
    """Delete the participant's personal data (anonymise the registration), after a
    confirmation page."""
    event = registration.event
    if request.method == "POST":
        personal_data.registration_anonymise(registration_id=registration.pk)
        return render(request, "registrations/deleted.html", {"event": event})
    context = {"registration": registration, "event": event}
    return render(request, "registrations/delete.html", context)


def link_request(request):
    form = LinkRequestForm(request.POST or None)
    if request.method == "POST":
        valid = form.is_valid()
        email = form.cleaned_data.get("email")
        if throttle_exceeded(scope="link", ip=client_ip(request), email=email):
            return _too_many_requests(request)
        if valid:
            if not form.data.get("website"):
                services.registration_link_send(email=email)
            response = render(request, "registrations/link_sent.html")
            response["Cache-Control"] = PRIVATE
            return response
    return render(request, "registrations/link_request.html", {"form": form})


def privacy(request):
    context = {
        "version": services.PRIVACY_NOTICE_VERSION,
        "controller": settings.PRIVACY_CONTROLLER,
        "contact": settings.PRIVACY_CONTACT_EMAIL,
        "events": events_published(),
    }
    return render(request, "registrations/privacy.html", context)


class PersonalCalendar(CalendarFeed):
    """The sessions a participant chose, with the livestream links reserved to confirmed
    participants. The private token is the key: renewing it revokes the feed. Whatever the
    registration's status, the feed is the participant's own: `Cache-Control: private,
    no-store`."""

    private = True
    takes_language = False  # the participant's own, as their emails

    def find(self):
        self.registration = selectors.registration_by_token(token=self.kwargs["token"])
        if self.registration is None:
            raise Http404("No such calendar")
        self.event = self.registration.event
        self.registered = self.registration.status == Registration.Status.CONFIRMED

    def sessions(self):
        return selectors.sessions_chosen(registration=self.registration)

    def version_extra(self) -> str:
        # The participant's status and choices change with no change to the programme.
        return (
            f"-{self.registration.status}-{selectors.choices_stamp(registration=self.registration)}"
        )

    def language(self) -> str:
        return self.registration.language

    def watch_url(self, session) -> str:
        return watch_url(self.registration, session)

    def name(self, sessions) -> str:
        return _("%(event)s: my sessions") % {"event": self.event.name}

    def filename(self) -> str:
        return f"{self.event.slug}-my-sessions.ics"


@with_registration
def watch(request, registration, session_id):
    """A session's page as a participant sees it through their private link: with the
    livestream reserved to confirmed participants."""
    event = registration.event
    session = session_get(event=event, pk=session_id)
    context = {
        "event": event,
        "session": session,
        "livestream": session.livestream(
            registered=registration.status == Registration.Status.CONFIRMED
        ),
    }
    return render(request, "events/session_detail.html", context)
