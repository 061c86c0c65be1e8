"""Forms of the paper fallback: reports of inability to use EDO and paper documents."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hr_edo.models import DocumentType
from hr_edo.services.common import excluded_check
from hr_edo.services.paper import DELIVERY_CHOICES, scan_check_size, scan_content_type
from hr_edo.services.unavailability import HR_CHANNELS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _employees():
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .order_by("last_name", "first_name", "patronymic", "pk")
    )


class _UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name() or obj.get_username()} ({obj.get_username()})"


class UnavailabilityReportForm(forms.Form):
    department_name = forms.CharField(label=_("Department"), max_length=255)
    position_name = forms.CharField(label=_("Position"), max_length=255)
    full_name = forms.CharField(label=_("Full name"), max_length=255)
    reasons = forms.CharField(
        label=_("Reasons"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    period_start = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    period_end = forms.DateField(label=_("To"), widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


class UnavailabilityRecordForm(UnavailabilityReportForm):
    employee = _UserChoiceField(label=_("Employee"), queryset=_employees())
    channel = forms.ChoiceField(
        label=_("Received"),
        choices=[(c.value, c.label) for c in HR_CHANNELS],
    )
    department_name = forms.CharField(label=_("Department"), max_length=255, required=False)
    position_name = forms.CharField(label=_("Position"), max_length=255, required=False)
    full_name = forms.CharField(label=_("Full name"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = _employees()
        self.order_fields(["employee", "channel"])
        for name in ("department_name", "position_name", "full_name"):
            self.fields[name].help_text = _("Leave empty to take it from the employee's record.")


class PaperDocumentForm(forms.Form):
    type = forms.ModelChoiceField(
        label=_("Type"), queryset=DocumentType.objects.filter(is_active=True)
    )
    employee = _UserChoiceField(label=_("Employee"), queryset=_employees())
    number = forms.CharField(label=_("Number"), max_length=50, required=False)
    document_date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    scan = forms.FileField(
        label=_("Scan (PDF, PNG or JPEG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )
    delivery = forms.ChoiceField(label=_("Delivered"), choices=DELIVERY_CHOICES)
    employee_signed_on = forms.DateField(
        label=_("The employee signed by hand on"), required=False, widget=DATE_WIDGET
    )
    official = _UserChoiceField(
        label=_("Official who signed by hand"), queryset=_employees(), required=False
    )
    official_name = forms.CharField(
        label=_("…or their name (without an account)"), max_length=255, required=False
    )
    official_signed_on = forms.DateField(
        label=_("The official signed by hand on"), required=False, widget=DATE_WIDGET
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = _employees()
        self.fields["official"].queryset = _employees()

    def clean_type(self):
        document_type = self.cleaned_data["type"]
        excluded_check(document_type.code)
        return document_type

    def clean_scan(self):
        scan = self.cleaned_data["scan"]
        if scan.size > settings.SIGNATURE_MAX_UPLOAD_BYTES:
            scan_check_size(scan.size)
        content = scan.read()
        scan.seek(0)
        scan_check_size(len(content))
        scan_content_type(content)
        self.scan_content = content
        return scan

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for name in ("employee_signed_on", "official_signed_on"):
            if data.get(name) and data[name] > today:
                self.add_error(
                    name, _("The date of the handwritten signature cannot be in the future.")
                )
        official = data.get("official") or (data.get("official_name") or "").strip()
        if official and not data.get("official_signed_on"):
            self.add_error("official_signed_on", _("Give the date the official signed."))
        if data.get("official_signed_on") and not official:
            self.add_error("official", _("Choose the official or give their name."))
        if not data.get("employee_signed_on") and not official:
            raise forms.ValidationError(
                _("Give at least one handwritten signature: the employee's and/or an official's.")
            )
        return data
