"""Forms of the self-service pages: the agreement, the profile, IS-responsible restrictions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import AccessRestriction, User
from accounts.services.profile import validate_phone


class AgreementAcceptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    accept = forms.BooleanField(
        label=_("I have read the agreement and accept it"),
        error_messages={"required": _("Tick the box to accept the agreement.")},
    )


class ProfileForm(forms.ModelForm):
    """The fields a user changes themself; the rest goes through HR (A4)."""

    class Meta:
        model = User
        fields = ["last_name", "work_phone", "mobile_phone", "personal_email", "preferred_language"]
        labels = {"last_name": _("Surname")}
        help_texts = {
            "work_phone": _("For example +996 312 54-51-25."),
            "mobile_phone": _("For example +996 555 12-34-56."),
            "preferred_language": _("The interface opens in this language."),
        }
        widgets = {
            "work_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "mobile_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "personal_email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["last_name"].required = True
        for name in ("work_phone", "mobile_phone"):
            self.fields[name].validators.append(validate_phone)

    def _post_clean(self):
        # The service saves; the form does not touch the instance (no model validation of
        # fields that are not self-service).
        pass


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("Login or name"), max_length=150, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the act)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Kept with the restriction and shown to the user."),
    )


class SystemForbidForm(ReasonForm):
    system = forms.ModelChoiceField(label=_("Information system"), queryset=None)

    def __init__(self, *args, systems, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["system"].queryset = systems
        self.order_fields(["system", "reason"])


class FunctionForbidForm(ReasonForm):
    function = forms.CharField(
        label=_("Function"),
        max_length=AccessRestriction._meta.get_field("function").max_length,
        help_text=_("For example: report export."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["function", "reason"])
