"""Participants' pages: register, confirm, manage, cancel, get a new link."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events.selectors import event_get_visible, session_get
from events.views import CalendarFeed

from . import selectors, services
from .forms import LinkRequestForm, ManageForm, RegistrationForm
from .models import Registration
from .throttle import client_ip, throttle_exceeded


def _too_many_requests(request):
    return render(request, "registrations/too_many_requests.html", status=429)


def with_registration(view):
    """Resolve the private link's token, or answer with the invalid-link page (404)."""

    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        registration = selectors.registration_by_token(token=token)
        if registration is None:
            return render(request, "registrations/link_invalid.html", status=404)
        return view(request, registration, *args, **kwargs)

    return wrapper


def register(request, slug):
    event = event_get_visible(slug=slug)
    if not event.registration_is_open():
        opens_at = event.registration_opens_at
        not_yet = opens_at is not None and opens_at > timezone.now()
        return render(request, "registrations/closed.html", {"event": event, "not_yet": not_yet})
    form = RegistrationForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST":
        if throttle_exceeded(
            scope="register", ip=client_ip(request), email=request.POST.get("email", "")[:254]
        ):
            return _too_many_requests(request)
        if form.is_valid():
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
    form = ManageForm(request.POST or None, instance=registration)
    if request.method == "POST" and registration.is_active and form.is_valid():
        try:
            services.registration_update(registration=registration, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
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
    }
    return render(request, "registrations/manage.html", context)


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
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{registration.get_absolute_url()}#session-{session_id}")


@with_registration
def cancel(request, registration):
    if request.method == "POST" and registration.is_active:
        services.registration_cancel(registration_id=registration.pk)
        messages.success(request, _("Your registration has been cancelled."))
        return redirect(registration)
    return render(
        request,
        "registrations/cancel.html",
        {"registration": registration, "event": registration.event},
    )


def link_request(request):
    form = LinkRequestForm(request.POST or None)
    if request.method == "POST":
        if throttle_exceeded(
            scope="link", ip=client_ip(request), email=request.POST.get("email", "")[:254]
        ):
            return _too_many_requests(request)
        if form.is_valid():
            if not form.data.get("website"):
                services.registration_link_renew(email=form.cleaned_data["email"])
            return render(request, "registrations/link_sent.html")
    return render(request, "registrations/link_request.html", {"form": form})


def privacy(request):
    return render(
        request, "registrations/privacy.html", {"version": services.PRIVACY_NOTICE_VERSION}
    )


class PersonalCalendar(CalendarFeed):
    """The sessions a participant chose, with the livestream links reserved to confirmed
    participants. The private token is the key: renewing it revokes the feed. Whatever the
    registration's status, the feed is the participant's own: `Cache-Control: private,
    no-store`."""

    private = True

    def find(self):
        self.registration = selectors.registration_by_token(token=self.kwargs["token"])
        if self.registration is None:
            raise Http404("No such calendar")
        self.event = self.registration.event
        self.registered = self.registration.status == Registration.Status.CONFIRMED
        return selectors.sessions_chosen(registration=self.registration)

    def fingerprint_extra(self) -> str:
        # Dropping one session and adding another can leave the sessions' own stamps unchanged.
        return (
            f"-{self.registration.status}-{selectors.choices_stamp(registration=self.registration)}"
        )

    def language(self) -> str:
        return self.registration.language

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
