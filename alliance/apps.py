from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class AllianceAdminConfig(AdminConfig):
    """Django's admin with our site (see alliance/admin.py)."""

    default_site = "alliance.admin.AllianceAdminSite"

    def ready(self):
        super().ready()
        from django.contrib.auth.models import User

        from .accounts import AccountAdmin

        admin.site.unregister(User)
        admin.site.register(User, AccountAdmin)
