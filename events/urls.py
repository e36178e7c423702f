from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("events/<slug:slug>/", views.event_detail, name="event_detail"),
    path("events/<slug:slug>/programme/", views.programme, name="programme"),
    path("events/<slug:slug>/sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("events/<slug:slug>/speakers/", views.speaker_list, name="speaker_list"),
    path("events/<slug:slug>/themes/<slug:theme_slug>/", views.theme_detail, name="theme_detail"),
    path("events/<slug:slug>/calendar.ics", views.EventCalendar.view, name="event_calendar"),
    path(
        "events/<slug:slug>/themes/<slug:theme_slug>/calendar.ics",
        views.ThemeCalendar.view,
        name="theme_calendar",
    ),
    path(
        "events/<slug:slug>/sessions/<int:pk>.ics",
        views.SessionCalendar.view,
        name="session_calendar",
    ),
]
