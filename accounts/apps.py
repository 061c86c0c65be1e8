from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and organisation")

    def ready(self):
        from accounts import lockout  # noqa: F401 - axes signal receivers
        from accounts.roles import sync_roles_after_migrate

        # Later migrations add models; their permissions reach the roles after each migrate.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="accounts.sync_roles")

        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in

        # Django saves the user on every login to store last_login; that would add an empty
        # "changed" row to the user's history each time. Logins are in the event log, so
        # last_login is written without a history row.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(_store_last_login, dispatch_uid="accounts.last_login")

        from audit.selectors import register_history_access

        # A user may read the history of their own account.
        register_history_access("accounts.user", lambda viewer, obj: viewer.pk == obj.pk)


def _store_last_login(sender, user, **kwargs):
    from django.utils import timezone

    now = timezone.now()
    type(user).objects.filter(pk=user.pk).update(last_login=now)
    user.last_login = now
