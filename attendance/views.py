"""A participant's certificate of attendance (through their private link), and the public
page that confirms a certificate is genuine."""

from django.http import HttpResponse
from django.shortcuts import render

from registrations.views import PRIVATE, with_registration

from . import selectors, services
from .certificate_pdf import certificate_pdf


@with_registration
def certificate(request, registration):
    """The PDF, in the participant's language; 404 before the event has ended or without a
    check-in. `with_registration` answers 404 to an unknown token and marks the answer private."""
    issued = services.certificate_issue(registration=registration)
    if issued is None:
        return render(request, "404.html", status=404)
    content = certificate_pdf(
        name=registration.full_name,
        event=registration.event,
        days=selectors.days_attended(registration=registration),
        language=registration.language,
        verify_url=services.verification_url(issued.code),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="certificate-of-attendance.pdf"'
    return response


def verify(request, code):
    """Who attended what (name, event, days), and nothing else: no address, no organisation."""
    verified = selectors.certificate_verify(code=code)
    if verified is None:
        response = render(request, "404.html", status=404)
    else:
        response = render(request, "attendance/verify.html", {"verified": verified})
    response["Cache-Control"] = PRIVATE
    response["X-Robots-Tag"] = "noindex"
    return response
