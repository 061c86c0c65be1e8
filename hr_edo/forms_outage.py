from django import forms
from django.utils.translation import gettext_lazy as _

from hr_edo.models import Outage

_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class OutageDeclareForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Outage.Reason.choices)
    details = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    expected_end_at = forms.DateTimeField(
        label=_("Expected restoration (Bishkek time)"),
        widget=_DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class OutageUpdateForm(forms.Form):
    expected_end_at = forms.DateTimeField(
        label=_("New expected restoration (Bishkek time)"),
        widget=_DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
