"""Common base for every historical model: who acted and from which network address.

Every tracked model declares ``history = tracked()`` (HistoricalRecords with this base)
so each history row carries the request's client address
next to the acting user that django-simple-history records itself.
"""

from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from kstu.net import client_ip


class RequestMetaHistory(models.Model):
    ip_address = models.GenericIPAddressField(_("network address"), null=True, blank=True)

    class Meta:
        abstract = True


def tracked(**kwargs) -> HistoricalRecords:
    """The project's HistoricalRecords: with the network address of the acting request."""
    kwargs.setdefault("bases", [RequestMetaHistory])
    return HistoricalRecords(**kwargs)


@receiver(pre_create_historical_record)
def _add_request_address(sender, history_instance, **kwargs):
    request = getattr(HistoricalRecords.context, "request", None)
    if request is not None and hasattr(history_instance, "ip_address"):
        history_instance.ip_address = client_ip(request)
