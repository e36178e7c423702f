from django.contrib import admin
from django.urls import include, path

from .views import set_language

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("attendance.urls")),
    path("", include("events.urls")),
    path("", include("registrations.urls")),
    path("", include("checkin.urls")),
]
