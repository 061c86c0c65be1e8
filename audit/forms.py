from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import AuthEvent


class _Base(forms.Form):
    user = forms.CharField(label=_("User's login"), required=False, max_length=150)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class HistoryFilterForm(_Base):
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("Any")), ("+", _("Created")), ("~", _("Changed")), ("-", _("Deleted"))],
    )

    def __init__(self, *args, types=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", _("Any"))] + sorted(
            ((label, str(model._meta.verbose_name)) for label, model in (types or {}).items()),
            key=lambda item: item[1],
        )

    def clean(self):
        data = super().clean()
        if data.get("object_id") and not data.get("object_type"):
            self.add_error("object_type", _("Choose the object type for an object id."))
        return data


class EventFilterForm(_Base):
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any")), *AuthEvent.Action.choices]
    )
