from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit")

    def ready(self):
        from audit import receivers  # noqa: F401 - auth and permission events
        from audit.triggers import install_triggers_after_migrate

        post_migrate.connect(install_triggers_after_migrate, dispatch_uid="audit.triggers")
