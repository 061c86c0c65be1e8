from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SerializedLoginMixin:
    """Check the password with one attempt per login at a time (``accounts.lockout``), so a
    parallel burst of guesses cannot get past the lockout count (A11)."""

    def clean(self):
        from accounts.lockout import authenticate_serialized

        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            # Raised after the block: an error inside would roll back the recorded failure.
            self.user_cache = authenticate_serialized(
                self.request, username=username, password=password
            )
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class LoginForm(SerializedLoginMixin, AuthenticationForm):
    """The login form; browsers are not invited to store the password (IS §5.5)."""

    username = forms.CharField(
        label=_("Login"),
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "username",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class AdminLoginForm(SerializedLoginMixin, AdminAuthenticationForm):
    """The admin site's login form with the same serialized check (``admin.site.login_form``)."""
