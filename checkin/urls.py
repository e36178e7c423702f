from django.urls import path

from . import views

app_name = "checkin"

urlpatterns = [
    path("events/<slug:slug>/check-in/", views.check_in, name="check_in"),
    path("events/<slug:slug>/check-in/keys.json", views.scanner_keys, name="keys"),
    path("events/<slug:slug>/check-in/worker.js", views.worker, name="worker"),
    path("events/<slug:slug>/check-in/scan/", views.scan, name="scan"),
    path("events/<slug:slug>/check-in/search/", views.search, name="search"),
]
