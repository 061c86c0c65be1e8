"""Common base for every historical model: who acted, under which login, from which address.

Every tracked model declares ``history = tracked()``: django-simple-history's HistoricalRecords
with this project's choices —

* the acting user is kept as a plain id (no foreign key), so history rows are never touched
  when a user is deleted: audit rows are append-only (the audit app's triggers refuse UPDATE
  and DELETE), and a cascading ``SET NULL`` would be an UPDATE;
* the user's login at the time of the change is copied onto the row (REQUIREMENTS §F: the
  record names the user's login even if the account is renamed or removed later);
* the request's client address (``kstu.net.client_ip``) is recorded.
"""

from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from kstu.net import client_ip


class RequestMetaHistory(models.Model):
    history_username = models.CharField(_("login"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("network address"), null=True, blank=True)

    class Meta:
        abstract = True


class ProjectHistoricalRecords(HistoricalRecords):
    """Adds an index for the audit browser's "changes by this login" filter."""

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        options["indexes"] = (
            *options.get("indexes", ()),
            models.Index(fields=["history_username", "history_date", "history_id"]),
        )
        return options


def history_options(**kwargs) -> dict:
    """Keyword arguments of the project's HistoricalRecords (see the module docstring)."""
    kwargs.setdefault("bases", [RequestMetaHistory])
    kwargs.setdefault(
        "history_user_id_field", models.BigIntegerField(null=True, blank=True, db_index=True)
    )
    return kwargs


def tracked(**kwargs) -> HistoricalRecords:
    """The project's HistoricalRecords for a model of ours: ``history = tracked()``."""
    return ProjectHistoricalRecords(**history_options(**kwargs))


@receiver(pre_create_historical_record)
def _add_request_meta(sender, history_instance, history_user=None, **kwargs):
    if not hasattr(history_instance, "ip_address"):
        return
    request = getattr(HistoricalRecords.context, "request", None)
    if request is not None:
        history_instance.ip_address = client_ip(request)
    user = history_user
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        history_instance.history_username = user.get_username()
