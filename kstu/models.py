"""Platform-wide reference data: the decree overrides of the working-day calendar."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kstu.history import tracked


class CalendarOverride(models.Model):
    """A day the government moved or declared that the ``holidays`` package does not know."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Extra day off")
        WORKING_DAY = "working_day", _("Extra working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.CharField(
        _("reason"), max_length=255, help_text=_("The decree or order that declared it.")
    )

    history = tracked()

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} — {self.get_kind_display()}"

    def clean(self):
        if not (self.reason or "").strip():
            raise ValidationError({"reason": _("Name the decree or order behind this change.")})
