from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from .views import set_language

admin.site.site_header = _("Alliance Days")
admin.site.site_title = _("Alliance Days admin")
admin.site.index_title = _("Organisers' back office")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("events.urls")),
    path("", include("registrations.urls")),
]
