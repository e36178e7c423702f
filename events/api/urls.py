from django.urls import path
from django.views.decorators.http import conditional_page
from drf_spectacular.views import SpectacularAPIView

from . import docs, views

app_name = "api"

urlpatterns = [
    # Both change only with the code: an ETag of their content, and 304 when it matches.
    path("schema/", conditional_page(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", conditional_page(docs.api_docs), name="docs"),
    path("events/", views.EventList.as_view(), name="event_list"),
    path("events/<slug:slug>/", views.EventDetail.as_view(), name="event_detail"),
    path("events/<slug:slug>/sessions/", views.SessionList.as_view(), name="session_list"),
    path(
        "events/<slug:slug>/sessions/<int:pk>/",
        views.SessionDetail.as_view(),
        name="session_detail",
    ),
    path("events/<slug:slug>/themes/", views.ThemeList.as_view(), name="theme_list"),
    path("events/<slug:slug>/rooms/", views.RoomList.as_view(), name="room_list"),
    path("events/<slug:slug>/speakers/", views.SpeakerList.as_view(), name="speaker_list"),
]
