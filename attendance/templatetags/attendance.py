from django import template

from registrations.models import Registration

from ..selectors import certificate_due

register = template.Library()


@register.inclusion_tag("attendance/_certificate.html")
def certificate_card(registration: Registration) -> dict:
    """On a participant's page: the link to their certificate of attendance, once it is due."""
    return {"registration": registration, "due": certificate_due(registration=registration)}
