"""HR's form for drafting an order (App. 1 #8–13) and the employee's acquaintance form."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from hr_edo.models import DocumentType, HrDocument
from hr_edo.services.orders import APPLICATION_TO_ORDER, ORDER_FIELDS


class _TypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number}. {obj.name}"


class _EmployeeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        parts = [obj.get_full_name() or obj.get_username()]
        if obj.position_id:
            parts.append(str(obj.position))
        if obj.department_id:
            parts.append(str(obj.department))
        return " — ".join(parts)


def _date(label, required=False):
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
    )


class OrderForm(forms.Form):
    type = _TypeChoiceField(label=_("Order type"), queryset=DocumentType.objects.none())
    employee = _EmployeeChoiceField(label=_("Employee"), queryset=None)
    number = forms.CharField(label=_("Order number"), max_length=50)
    document_date = _date(_("Order date"), required=True)
    based_on = forms.ModelChoiceField(
        label=_("Based on the application"),
        queryset=HrDocument.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )
    start_date = _date(_("First day of the leave"))
    end_date = _date(_("Last day of the leave"))
    days = forms.IntegerField(label=_("Calendar days"), required=False, min_value=1, max_value=366)
    return_date = _date(_("First working day after the childcare leave"))
    child_name = forms.CharField(label=_("Child's full name"), max_length=255, required=False)
    child_birth_date = _date(_("Child's date of birth"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = DocumentType.objects.filter(
            kind=DocumentType.Kind.ORDER, is_active=True
        ).order_by("number")
        self.fields["employee"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, kind__in=("employee", "teacher"))
            .select_related("position", "department")
            .order_by("last_name", "first_name")
        )
        self.fields["based_on"].queryset = HrDocument.objects.filter(
            status=HrDocument.Status.ACCEPTED, type__kind=DocumentType.Kind.APPLICATION
        ).select_related("type")

    def clean(self):
        data = super().clean()
        document_type = data.get("type")
        if document_type is None:
            return data
        needed = ORDER_FIELDS.get(document_type.number, ())
        for name in needed:
            if name != "days" and data.get(name) in (None, ""):
                self.add_error(name, _("This order type needs this field."))
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        birth = data.get("child_birth_date")
        if birth and birth > dt.date.today():  # noqa: DTZ011 - a calendar date, not a moment
            self.add_error("child_birth_date", _("The date of birth cannot be in the future."))
        if document_type.number == 12 and birth and end:
            try:
                third = birth.replace(year=birth.year + 3)
            except ValueError:  # born on 29 February
                third = birth.replace(year=birth.year + 3, day=28)
            if end >= third:
                self.add_error("end_date", _("Childcare leave ends before the child turns three."))
        return data

    def contents(self) -> dict:
        """The type's fields as JSON-friendly data for ``HrDocument.data``."""
        document_type = self.cleaned_data["type"]
        contents = {}
        for name in ORDER_FIELDS.get(document_type.number, ()):
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            contents[name] = value.isoformat() if isinstance(value, dt.date) else value
        return contents


def initial_from_application(application: HrDocument) -> dict:
    """Prefill an order from the accepted application it answers."""
    data = application.data or {}
    initial = {"employee": application.employee_id, "based_on": application.pk}
    order_number = APPLICATION_TO_ORDER.get(application.type.number)
    if order_number:
        order_type = DocumentType.objects.filter(number=order_number).first()
        if order_type:
            initial["type"] = order_type.pk
    aliases = {
        "start_date": ("start_date", "new_start_date"),
        "end_date": ("end_date", "new_end_date"),
    }
    for name in ("start_date", "end_date", "return_date", "child_name", "child_birth_date"):
        for key in aliases.get(name, (name,)):
            if data.get(key):
                initial[name] = data[key]
                break
    return initial


def initial_from_order(hr_document: HrDocument) -> dict:
    return {
        "type": hr_document.type_id,
        "employee": hr_document.employee_id,
        "number": hr_document.number,
        "document_date": hr_document.document_date,
        "based_on": hr_document.based_on_id,
        **(hr_document.data or {}),
    }


class AcknowledgeForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
