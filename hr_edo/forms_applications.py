"""One form per application type (App. 1 #1–7): the fields that type needs, validated.

``form.to_data()`` gives the JSON kept in ``HrDocument.data`` (dates as ISO strings, the
computed number of days where the type has a period).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PARTICIPATION_CODE = "edo_participation_application"


def _date_field(label):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


def _days(start: dt.date, end: dt.date) -> int:
    return (end - start).days + 1


def third_birthday(birth: dt.date) -> dt.date:
    try:
        return birth.replace(year=birth.year + 3)
    except ValueError:  # 29 February
        return birth.replace(year=birth.year + 3, day=28)


class ApplicationForm(forms.Form):
    """Base: subclasses declare fields and ``period`` (the start/end field names) if any."""

    period: tuple[str, str] | None = ("start_date", "end_date")

    def clean(self):
        cleaned = super().clean()
        if self.period:
            start, end = (cleaned.get(name) for name in self.period)
            if start and end and end < start:
                self.add_error(self.period[1], _("The end date cannot be before the start date."))
        return cleaned

    def to_data(self) -> dict:
        data = {}
        for name, value in self.cleaned_data.items():
            data[name] = value.isoformat() if isinstance(value, dt.date) else value
        if self.period:
            start, end = (self.cleaned_data[name] for name in self.period)
            data["days"] = _days(start, end)
        return data

    @classmethod
    def initial_from(cls, data: dict) -> dict:
        """Form initial values from a stored ``data`` (for a corrected version)."""
        return {name: data.get(name) for name in cls.base_fields if name in data}


class AnnualLeaveForm(ApplicationForm):
    start_date = _date_field(_("first day of the leave"))
    end_date = _date_field(_("last day of the leave"))


class UnpaidLeaveForm(ApplicationForm):
    start_date = _date_field(_("first day of the leave"))
    end_date = _date_field(_("last day of the leave"))
    reason = forms.CharField(
        label=_("reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class StudyLeaveForm(ApplicationForm):
    start_date = _date_field(_("first day of the leave"))
    end_date = _date_field(_("last day of the leave"))
    institution = forms.CharField(label=_("educational institution"), max_length=255)
    basis = forms.CharField(
        label=_("basis (summons certificate number)"), max_length=255, required=False
    )


class LeaveTransferForm(ApplicationForm):
    period = ("new_start_date", "new_end_date")

    original_start_date = _date_field(_("first day of the scheduled leave"))
    original_end_date = _date_field(_("last day of the scheduled leave"))
    new_start_date = _date_field(_("new first day"))
    new_end_date = _date_field(_("new last day"))
    reason = forms.CharField(
        label=_("reason"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("original_start_date"), cleaned.get("original_end_date")
        if start and end and end < start:
            self.add_error("original_end_date", _("The end date cannot be before the start date."))
        if (
            start
            and end
            and cleaned.get("new_start_date") == start
            and cleaned.get("new_end_date") == end
        ):
            self.add_error("new_start_date", _("The new period is the same as the original one."))
        return cleaned

    def to_data(self) -> dict:
        data = super().to_data()
        data["original_days"] = _days(
            self.cleaned_data["original_start_date"], self.cleaned_data["original_end_date"]
        )
        return data


class MaternityLeaveForm(ApplicationForm):
    start_date = _date_field(_("first day of the leave"))
    end_date = _date_field(_("last day of the leave"))
    certificate_number = forms.CharField(
        label=_("medical certificate (sick-leave) number"), max_length=64
    )


class ChildcareLeaveForm(ApplicationForm):
    child_name = forms.CharField(label=_("child's full name"), max_length=255)
    child_birth_date = _date_field(_("child's date of birth"))
    start_date = _date_field(_("first day of the leave"))
    end_date = _date_field(_("last day of the leave"))

    def clean(self):
        cleaned = super().clean()
        birth, start, end = (
            cleaned.get("child_birth_date"),
            cleaned.get("start_date"),
            cleaned.get("end_date"),
        )
        if birth:
            if birth > timezone.localdate():
                self.add_error("child_birth_date", _("The date of birth cannot be in the future."))
            if start and start < birth:
                self.add_error("start_date", _("The leave cannot start before the child's birth."))
            if end and end > third_birthday(birth):
                self.add_error(
                    "end_date",
                    _("The leave ends at the latest on the child's third birthday (%(date)s).")
                    % {"date": third_birthday(birth).isoformat()},
                )
        return cleaned


class ChildcareLeaveEndForm(ApplicationForm):
    period = None

    end_date = _date_field(_("last day of the childcare leave"))
    return_date = _date_field(_("first working day"))

    def clean(self):
        cleaned = super().clean()
        end, back = cleaned.get("end_date"), cleaned.get("return_date")
        if end and back and back <= end:
            self.add_error("return_date", _("The first working day comes after the leave ends."))
        return cleaned


FORMS: dict[str, type[ApplicationForm]] = {
    "annual_leave_application": AnnualLeaveForm,
    "unpaid_leave_application": UnpaidLeaveForm,
    "leave_transfer_application": LeaveTransferForm,
    "study_leave_application": StudyLeaveForm,
    "maternity_leave_application": MaternityLeaveForm,
    "childcare_leave_application": ChildcareLeaveForm,
    "childcare_leave_end_application": ChildcareLeaveEndForm,
}


def form_class_for(code: str) -> type[ApplicationForm]:
    try:
        return FORMS[code]
    except KeyError:
        raise ValidationError(_("There is no application form for this type.")) from None


class SignForm(forms.Form):
    """The employee's password, confirming the simple signature on the application."""

    password = forms.CharField(
        label=_("Your password (to sign with a simple electronic signature)"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "data-testid": "sign-password"}),
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("comment for the employee"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what has to be corrected.")},
    )
