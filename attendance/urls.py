from django.urls import path

from . import views

app_name = "attendance"

urlpatterns = [
    path("r/<str:token>/certificate.pdf", views.certificate, name="certificate"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
