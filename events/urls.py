from django.urls import path

from . import embed, offline, schedule_views, views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("themes.css", views.theme_stylesheet, name="theme_stylesheet"),
    path("events/<slug:slug>/", views.EventPage.view, name="event_detail"),
    path("events/<slug:slug>/programme/", views.ProgrammePage.view, name="programme"),
    path("events/<slug:slug>/sessions/<int:pk>/", views.SessionPage.view, name="session_detail"),
    path("events/<slug:slug>/speakers/", views.SpeakersPage.view, name="speaker_list"),
    path(
        "events/<slug:slug>/themes/<slug:theme_slug>/",
        views.ThemePage.view,
        name="theme_detail",
    ),
    path("events/<slug:slug>/embed/", embed.embed, name="embed"),
    path("events/<slug:slug>/agenda/", offline.AgendaPage.view, name="agenda"),
    path(
        "events/<slug:slug>/schedule.json", schedule_views.ScheduleJSON.view, name="schedule_json"
    ),
    path("events/<slug:slug>/schedule.xml", schedule_views.ScheduleXML.view, name="schedule_xml"),
    path("events/<slug:slug>/calendar.ics", views.CalendarFeed.view, name="event_calendar"),
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
