"""Template helpers of the audit app: ``{% load audit_tags %}{% history_link obj %}``."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def history_link(obj, css_class="tab"):
    """A "History" tab link to the object's before/after history."""
    url = reverse("audit:object-history", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])
    return format_html('<a class="{}" href="{}">{}</a>', css_class, url, _("History"))
