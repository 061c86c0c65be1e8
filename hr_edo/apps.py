from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HrEdoConfig(AppConfig):
    name = "hr_edo"
    verbose_name = _("HR electronic documents")
