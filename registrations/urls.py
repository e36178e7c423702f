from django.urls import path

from . import views

app_name = "registrations"

urlpatterns = [
    path("events/<slug:slug>/register/", views.register, name="register"),
    path("events/<slug:slug>/register/check-inbox/", views.check_inbox, name="check_inbox"),
    path("r/<str:token>/", views.manage, name="manage"),
    path("r/<str:token>/confirm/", views.confirm, name="confirm"),
    path("r/<str:token>/cancel/", views.cancel, name="cancel"),
    path("r/<str:token>/renew/", views.revoke, name="revoke"),
    path("r/<str:token>/pass/renew/", views.pass_renew, name="pass_renew"),
    path("r/<str:token>/data.json", views.data_export, name="data_export"),
    path("r/<str:token>/delete/", views.delete, name="delete"),
    path("r/<str:token>/sessions/<int:session_id>/", views.session_choice, name="session_choice"),
    path("r/<str:token>/sessions/<int:session_id>/watch/", views.watch, name="watch"),
    path("calendar/<str:token>.ics", views.PersonalCalendar.view, name="calendar"),
    path("new-link/", views.link_request, name="link_request"),
    path("privacy/", views.privacy, name="privacy"),
]
