from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Alliance Days")
admin.site.site_title = _("Alliance Days admin")
admin.site.index_title = _("Organisers' back office")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("events.urls")),
    path("", include("registrations.urls")),
]
