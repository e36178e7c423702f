"""The session filters of the API: django-filter validates them (a bad value is a 400 that
says why) and drf-spectacular describes them in the schema."""

import django_filters

from ..models import Session

BIGINT_MAX = 2**63 - 1  # larger ids cannot exist, and the database would refuse to compare


class SessionFilter(django_filters.FilterSet):
    # Applied under the event's time zone (the view activates it): a day is the event's day.
    day = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date", label="Day (YYYY-MM-DD, the event's zone)"
    )
    theme = django_filters.CharFilter(field_name="theme__slug", label="Theme slug")
    room = django_filters.NumberFilter(
        field_name="room_id", min_value=1, max_value=BIGINT_MAX, label="Room id"
    )
    language = django_filters.ChoiceFilter(choices=Session.Language.choices, label="Language")
    format = django_filters.ChoiceFilter(choices=Session.Format.choices, label="Format")

    class Meta:
        model = Session
        fields = ["day", "theme", "room", "language", "format"]
