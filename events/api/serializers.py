"""What the API shows of the programme, in the active language and the event's time zone."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Event, Room, Session, Speaker, Theme


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


class EventSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The event's page.")
    schedule_json = serializers.SerializerMethodField(help_text="frab / c3voc schedule.json")
    schedule_xml = serializers.SerializerMethodField(help_text="frab / c3voc schedule.xml")
    calendar = serializers.SerializerMethodField(help_text="iCalendar feed of every session.")

    class Meta:
        model = Event
        fields = [
            "slug",
            "name",
            "city",
            "venue",
            "time_zone",
            "start_date",
            "end_date",
            "description",
            "hosts",
            "url",
            "schedule_json",
            "schedule_xml",
            "calendar",
        ]

    def _link(self, name: str, event: Event) -> str:
        return _absolute(reverse(f"events:{name}", kwargs={"slug": event.slug}))

    def get_url(self, event: Event) -> str:
        return self._link("event_detail", event)

    def get_schedule_json(self, event: Event) -> str:
        return self._link("schedule_json", event)

    def get_schedule_xml(self, event: Event) -> str:
        return self._link("schedule_xml", event)

    def get_calendar(self, event: Event) -> str:
        return self._link("event_calendar", event)


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name", "colour", "description"]


class RoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "name", "venue", "floor", "capacity"]


class SpeakerSerializer(serializers.ModelSerializer):
    sessions = serializers.SerializerMethodField(help_text="Ids of their sessions in this event.")

    class Meta:
        model = Speaker
        fields = ["slug", "name", "affiliation", "country", "bio", "sessions"]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_sessions(self, speaker: Speaker) -> list[int]:
        return [session.pk for session in speaker.event_sessions]


class LivestreamSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["upcoming", "soon", "live", "recording", "ended"],
        help_text="upcoming: the link appears at reveal_at; soon and live: url is the player; "
        "recording: url is the recording; ended: nothing to watch.",
    )
    url = serializers.URLField(allow_null=True)
    reveal_at = serializers.DateTimeField()


class SessionSerializer(serializers.ModelSerializer):
    theme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    room = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    speakers = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    format_label = serializers.CharField(source="get_format_display", read_only=True)
    language_label = serializers.CharField(source="get_language_display", read_only=True)
    livestream = serializers.SerializerMethodField(
        help_text="Public livestreams only, as the session's page shows them now; null when "
        "the session is not streamed to the public."
    )
    url = serializers.SerializerMethodField(help_text="The session's page.")

    class Meta:
        model = Session
        fields = [
            "id",
            "title",
            "abstract",
            "status",
            "starts_at",
            "ends_at",
            "format",
            "format_label",
            "language",
            "language_label",
            "theme",
            "room",
            "speakers",
            "capacity",
            "livestream",
            "url",
        ]

    @extend_schema_field(LivestreamSerializer(allow_null=True))
    def get_livestream(self, session: Session) -> dict | None:
        stream = session.livestream(registered=False, at=self.context["now"])
        return LivestreamSerializer(stream._asdict()).data if stream else None

    def get_url(self, session: Session) -> str:
        return _absolute(
            reverse("events:session_detail", kwargs={"slug": session.event.slug, "pk": session.pk})
        )
