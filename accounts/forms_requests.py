"""Forms of the registration request (IS §3.3), the HR visa and the account activation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import selectors_requests as selectors
from accounts.models import AccessLevel, RegistrationRequest
from accounts.services.profile import validate_phone
from accounts.services.requests import RequestContent
from registry.models import ReportSection

# Letters of any alphabet (Kyrgyz ң ө ү included), words joined by a space, hyphen or apostrophe.
_NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '’ʼ-][^\W\d_]+)*$")


def validate_person_name(value: str) -> None:
    if value and not _NAME_RE.match(value.strip()):
        raise ValidationError(
            _(
                "Use letters only; parts of a name may be joined by a space, a hyphen or an "
                "apostrophe."
            ),
            code="name_characters",
        )


def _name_field(label, *, required=True, autocomplete=""):
    return forms.CharField(
        label=label,
        max_length=150,
        required=required,
        validators=[validate_person_name],
        error_messages={"required": _("Fill in this field.")},
        widget=forms.TextInput(attrs={"autocomplete": autocomplete} if autocomplete else {}),
    )


def _phone_field(label, help_text):
    return forms.CharField(
        label=label,
        max_length=32,
        help_text=help_text,
        validators=[validate_phone],
        error_messages={"required": _("Enter the phone number.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class _LocalizedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


@dataclass
class SystemRow:
    """One information system of the form: its tick box, its level and its report sections."""

    system: object
    chosen: forms.BoundField
    level: forms.BoundField
    sections: list[tuple[ReportSection, bool]]


class RegistrationRequestForm(forms.Form):
    """The seven items of the application to the rector (IS §3.3).

    Item 6 is one tick box and one access-level select per system in use
    (``system_<id>``, ``level_<id>``); item 7 is the ``report_sections`` tick boxes, shown under
    their system. A section of a system that was not ticked is an error.
    """

    last_name = _name_field(_("Surname"), autocomplete="family-name")
    first_name = _name_field(_("Given name"), autocomplete="given-name")
    patronymic = _name_field(_("Patronymic"), required=False, autocomplete="additional-name")
    department = _LocalizedChoiceField(
        label=_("Department or chair"),
        queryset=None,
        empty_label=_("— choose —"),
        error_messages={
            "required": _("Choose your department or chair."),
            "invalid_choice": _("Choose a department from the list."),
        },
    )
    position = _LocalizedChoiceField(
        label=_("Position"),
        queryset=None,
        empty_label=_("— choose —"),
        error_messages={
            "required": _("Choose your position."),
            "invalid_choice": _("Choose a position from the list."),
        },
    )
    work_phone = _phone_field(_("Work phone"), _("For example +996 312 54-51-25."))
    mobile_phone = _phone_field(_("Mobile phone"), _("For example +996 555 12-34-56."))
    personal_email = forms.EmailField(
        label=_("Personal e-mail"),
        max_length=254,
        help_text=_("Your login and the link to set your password are sent here."),
        error_messages={
            "required": _("Enter the e-mail address to send the login details to."),
            "invalid": _("Enter a valid e-mail address, for example name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    report_sections = forms.ModelMultipleChoiceField(
        label=_("Report sections"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose report sections from the list.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = selectors.department_choices()
        self.fields["position"].queryset = selectors.position_choices()
        self.systems = selectors.requestable_systems()
        self.fields["report_sections"].queryset = ReportSection.objects.filter(
            is_active=True, system__is_active=True
        ).select_related("system")
        for system in self.systems:
            self.fields[f"system_{system.pk}"] = forms.BooleanField(
                label=system.name, required=False
            )
            self.fields[f"level_{system.pk}"] = forms.ChoiceField(
                label=_("Access level for %(system)s") % {"system": system.name},
                choices=AccessLevel.choices,
                initial=AccessLevel.VIEW,
                required=False,
                error_messages={"invalid_choice": _("Choose an access level from the list.")},
            )

    @classmethod
    def initial_from(cls, request_obj: RegistrationRequest) -> dict:
        """The values of an existing request, to correct it after it was returned."""
        initial = {
            name: getattr(request_obj, name)
            for name in (
                "last_name",
                "first_name",
                "patronymic",
                "work_phone",
                "mobile_phone",
                "personal_email",
            )
        }
        initial["department"] = request_obj.department_id
        initial["position"] = request_obj.position_id
        initial["report_sections"] = [s.pk for s in request_obj.report_sections.all()]
        for row in request_obj.requested_systems.all():
            initial[f"system_{row.system_id}"] = True
            initial[f"level_{row.system_id}"] = row.access_level
        return initial

    def system_rows(self) -> list[SystemRow]:
        chosen_sections = {str(v) for v in (self["report_sections"].value() or [])}
        return [
            SystemRow(
                system=system,
                chosen=self[f"system_{system.pk}"],
                level=self[f"level_{system.pk}"],
                sections=[
                    (section, str(section.pk) in chosen_sections)
                    for section in system.active_report_sections
                ],
            )
            for system in self.systems
        ]

    def clean(self):
        cleaned = super().clean()
        chosen = {
            system: cleaned.get(f"level_{system.pk}") or AccessLevel.VIEW
            for system in self.systems
            if cleaned.get(f"system_{system.pk}")
        }
        if not chosen:
            self.add_error(None, _("Choose at least one information system to open."))
        cleaned["systems"] = chosen
        chosen_ids = {system.pk for system in chosen}
        for section in cleaned.get("report_sections") or []:
            if section.system_id not in chosen_ids:
                self.add_error(
                    "report_sections",
                    _(
                        "The report section “%(section)s” belongs to %(system)s, which you did "
                        "not choose: choose that system too or untick the section."
                    )
                    % {"section": section.name, "system": section.system.name},
                )
        return cleaned

    def content(self) -> RequestContent:
        data = self.cleaned_data
        return RequestContent(
            last_name=data["last_name"].strip(),
            first_name=data["first_name"].strip(),
            patronymic=(data.get("patronymic") or "").strip(),
            department=data["department"],
            position=data["position"],
            work_phone=data["work_phone"].strip(),
            mobile_phone=data["mobile_phone"].strip(),
            personal_email=data["personal_email"].strip(),
            systems=data["systems"],
            report_sections=list(data.get("report_sections") or []),
        )

    def add_service_errors(self, error: ValidationError) -> None:
        """Show the service's checks (``ValidationError`` by item) on the form."""
        if hasattr(error, "error_dict"):
            for key, errors in error.error_dict.items():
                self.add_error(key if key in self.fields else None, errors)
        else:
            self.add_error(None, error)


class VisaCommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the applicant"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a comment: the applicant needs to know why.")},
    )


class ActivationPasswordForm(SetPasswordForm):
    """The first password; browsers are not invited to store it (IS §5.5)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs["autocomplete"] = "off"


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Open (awaiting the visa or returned)")),
            *RegistrationRequest.Status.choices,
            ("all", _("All")),
        ],
    )

    def filters(self) -> dict:
        if self.is_valid():
            return {"status": self.cleaned_data["status"]}
        return {}
