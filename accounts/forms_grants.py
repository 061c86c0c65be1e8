"""Forms of the access queue and of personnel orders."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import AccessLevel, Department, PersonnelOrder, Position
from accounts.selectors_grants import employees_for_order

EMPLOYEE_CHOICES_LIMIT = 200


class AccessDecisionForm(forms.Form):
    """One decision on one task: open / refuse (grant tasks), closed / kept (revocations)."""

    GRANT = "grant"
    REFUSE = "refuse"
    DONE = "done"
    KEEP = "keep"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (GRANT, _("Access opened")),
            (REFUSE, _("Refuse")),
            (DONE, _("Access closed")),
            (KEEP, _("Keep access (needed in the new position)")),
        ],
    )
    granted_level = forms.ChoiceField(
        label=_("Level given"), choices=AccessLevel.choices, required=False
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == self.GRANT and not data.get("granted_level"):
            self.add_error("granted_level", _("Choose the access level given."))
        if decision in (self.REFUSE, self.KEEP) and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason."))
        return data


class EmployeeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        parts = [obj.get_full_name() or obj.username]
        if obj.position_id:
            parts.append(str(obj.position))
        if obj.department_id:
            parts.append(str(obj.department))
        return " — ".join(parts)


class PersonnelOrderForm(forms.Form):
    """HR's entry of a dismissal or transfer order (IS §3.7)."""

    user = EmployeeChoiceField(label=_("Employee"), queryset=employees_for_order())
    kind = forms.ChoiceField(label=_("Kind"), choices=PersonnelOrder.Kind.choices)
    number = forms.CharField(label=_("Order number"), max_length=50)
    approved_on = forms.DateField(
        label=_("Approval date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    effective_on = forms.DateField(
        label=_("Effective date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Dismissal: the account is closed on this date. Transfer: the new unit and "
            "position are set on this date."
        ),
    )
    new_department = forms.ModelChoiceField(
        label=_("New department"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        help_text=_("For a transfer."),
    )
    new_position = forms.ModelChoiceField(
        label=_("New position"),
        queryset=Position.objects.all(),
        required=False,
        help_text=_("For a transfer."),
    )

    def __init__(self, *args, employee_query: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # The select lists only the people matching the name searched for (a bound form
            # validates against every active person).
            self.fields["user"].queryset = employees_for_order(
                query=employee_query, limit=EMPLOYEE_CHOICES_LIMIT
            )

    def clean(self):
        data = super().clean()
        approved, effective = data.get("approved_on"), data.get("effective_on")
        if approved and effective and effective < approved:
            self.add_error(
                "effective_on",
                _("The effective date cannot be before the approval date (%(date)s).")
                % {"date": approved.isoformat()},
            )
        if data.get("kind") == PersonnelOrder.Kind.TRANSFER:
            if not data.get("new_department"):
                self.add_error("new_department", _("A transfer needs the new department."))
            if not data.get("new_position"):
                self.add_error("new_position", _("A transfer needs the new position."))
        return data
