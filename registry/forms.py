"""Forms of the register's pages and of its admin."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from registry.models import SignatureUse
from registry.services import ROLE_IS_RESPONSIBLE


class SystemFilterForm(forms.Form):
    """Search and filters of the register (GET); also validates the API's query parameters."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("A word from the name, content, users or responsible units."),
    )
    signature_use = forms.ChoiceField(
        label=_("Signature use"),
        required=False,
        choices=[("", _("Any"))] + list(SignatureUse.choices),
    )
    mine = forms.BooleanField(label=_("Only systems I am responsible for"), required=False)

    def filters(self) -> dict:
        """The valid filters only: a bad value is reported and ignored, not fatal."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {key: value for key, value in self.cleaned_data.items() if value}


class _PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name() or obj.get_username()
        return f"{name} ({obj.email})" if obj.email else name


class ResponsiblePersonForm(forms.Form):
    """Admin: add one IS-responsible person to a system."""

    user = _PersonChoiceField(
        label=_("Person"),
        queryset=get_user_model().objects.none(),
        help_text=_("Only active users with the role of IS-responsible person are listed."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(groups__name=ROLE_IS_RESPONSIBLE, is_active=True)
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
