"""The form of the join page: the application's language and the password to sign it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES = [("ky", "Кыргызча"), ("ru", "Русский"), ("en", "English")]


class JoinForm(forms.Form):
    language = forms.ChoiceField(label=_("language of the application"), choices=LANGUAGE_CHOICES)
    password = forms.CharField(
        label=_("Your password (to sign with a simple electronic signature)"),
        strip=False,
        error_messages={"required": _("Enter your password to sign.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "data-testid": "sign-password"}),
    )
