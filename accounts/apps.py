from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and organisation")

    def ready(self):
        from accounts.roles import sync_roles_after_migrate

        # Later migrations add models; their permissions reach the roles after each migrate.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="accounts.sync_roles")

        from audit.selectors import register_history_access

        # A user may read the history of their own account.
        register_history_access("accounts.user", lambda viewer, obj: viewer.pk == obj.pk)
