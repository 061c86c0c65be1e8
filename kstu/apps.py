from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KstuConfig(AppConfig):
    name = "kstu"
    verbose_name = _("Platform")

    def ready(self):
        from kstu import history  # noqa: F401 - connects the history signal
