from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from hr_edo.models import CopyRequest, DocumentType, HrDocument


class CopyRequestForm(forms.Form):
    documents = forms.ModelMultipleChoiceField(
        label=_("My documents"),
        queryset=HrDocument.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Other documents (describe)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    form = forms.ChoiceField(
        label=_("Form of the copy"),
        choices=CopyRequest.Form.choices,
        widget=forms.RadioSelect,
        initial=CopyRequest.Form.ELECTRONIC,
    )

    def __init__(self, *args, employee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = (
            HrDocument.objects.filter(employee=employee)
            .exclude(status__in=[HrDocument.Status.DRAFT, HrDocument.Status.CANCELLED])
            .select_related("type")
            .order_by("-document_date", "-pk")
        )

    def clean(self):
        data = super().clean()
        if not data.get("documents") and not (data.get("description") or "").strip():
            raise forms.ValidationError(_("Choose documents or describe which documents you need."))
        return data


class HandOverForm(forms.Form):
    note = forms.CharField(
        label=_("Note (e.g. the number of certified pages)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExportForm(forms.Form):
    employee = forms.ModelChoiceField(
        label=_("Employee"), queryset=get_user_model().objects.none(), required=False
    )
    document_type = forms.ModelChoiceField(
        label=_("Type"), queryset=DocumentType.objects.all(), required=False
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = (
            get_user_model()
            .objects.filter(hr_documents__isnull=False)
            .distinct()
            .order_by("last_name", "first_name")
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "employee": data["employee"].get_username() if data.get("employee") else None,
            "type": data["document_type"].code if data.get("document_type") else None,
            "date_from": data["date_from"].isoformat() if data.get("date_from") else None,
            "date_to": data["date_to"].isoformat() if data.get("date_to") else None,
        }


class RetentionDecisionForm(forms.Form):
    DECISIONS = [("keep", _("Keep")), ("dispose", _("Mark for disposal"))]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "keep" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for keeping the document."))
        return data
