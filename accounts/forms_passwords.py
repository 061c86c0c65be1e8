"""Forms of the password, session and incident pages (A8–A10, A12).

Every password input has ``autocomplete="off"``: browsers must not be invited to store
passwords (IS §5.5). Pasting is not blocked (current guidance: it helps password managers and
long passphrases).
"""

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from accounts.models import AccessIncident


def _no_store(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.PasswordInput):
            field.widget.attrs["autocomplete"] = "off"


class NewPasswordForm(SetPasswordForm):
    """Set a password without the old one (the reset link)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _no_store(self)


class ChangePasswordForm(PasswordChangeForm):
    """Change a password, proving the current one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _no_store(self)


class PasswordResetRequestForm(forms.Form):
    login = forms.CharField(
        label=_("Login or corporate e-mail"),
        max_length=254,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "username",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )


class IncidentReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What happened"),
        choices=AccessIncident.Kind.choices,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("When you noticed it, what you saw; do not write your password here."),
    )


class IncidentCloseForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was found and what was done; the reporter receives this note."),
    )
