"""Staff accounts in the admin."""

from django.contrib.auth.admin import UserAdmin

from .admin import ServerZoneMixin


class AccountAdmin(ServerZoneMixin, UserAdmin):
    """Staff accounts. The login stamps are shown, not edited: a form that offered them would
    rewrite them (to the second) on every save."""

    readonly_fields = ("last_login", "date_joined")
