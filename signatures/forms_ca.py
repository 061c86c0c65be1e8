"""Forms of the university CA's pages: issuing from a CSR, reporting a compromised key."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from signatures import ca


def _csr_from(cleaned: dict, *, missing) -> bytes | str:
    """The CSR from the uploaded file (size-limited) or the pasted text; ``missing`` if none."""
    upload = cleaned.get("csr_file")
    if upload is not None:
        if upload.size > ca.MAX_CSR_BYTES:
            raise forms.ValidationError(_("The certificate request is too large."))
        return upload.read()
    if cleaned.get("csr_text", "").strip():
        return cleaned["csr_text"].strip()
    raise forms.ValidationError(missing)


class CertificateIssueForm(forms.Form):
    """The digital-infrastructure service issues for a CSR the employee handed over."""

    login = forms.CharField(
        label=_("Employee's login"),
        max_length=150,
        help_text=_("The certificate's name, login, e-mail and unit are taken from this account."),
    )
    csr_text = forms.CharField(
        label=_("Certificate signing request (PEM)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
    )
    csr_file = forms.FileField(
        label=_("…or the request file (.csr, .pem, .der)"),
        required=False,
    )

    def clean_login(self):
        login = self.cleaned_data["login"].strip()
        user = get_user_model().objects.filter(username=login).select_related("department").first()
        if user is None:
            raise forms.ValidationError(_("There is no account with this login."))
        return user

    def clean(self):
        cleaned = super().clean()
        cleaned["csr"] = _csr_from(
            cleaned, missing=_("Paste the certificate request or choose its file.")
        )
        return cleaned


class CertificateRequestForm(forms.Form):
    """An employee's request: the CSR made in the browser (filled in by browser-keys.js) or
    with their own tool (pasted or uploaded)."""

    csr_text = forms.CharField(
        label=_("Certificate signing request (PEM)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "class": "mono"}),
    )
    csr_file = forms.FileField(label=_("…or the request file (.csr, .pem, .der)"), required=False)
    origin = forms.CharField(widget=forms.HiddenInput, initial="tool", required=False)

    def clean(self):
        cleaned = super().clean()
        cleaned["csr"] = _csr_from(
            cleaned,
            missing=_("Make a key in this browser, or paste the request made with your own tool."),
        )
        cleaned["origin"] = "browser" if cleaned.get("origin") == "browser" else "tool"
        return cleaned


class CertificateRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusal"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class KeyCompromiseForm(forms.Form):
    compromised_since = forms.DateTimeField(
        label=_("Since when may the key have been compromised?"),
        help_text=_(
            "Signatures made from this moment on will be invalid; earlier ones stay valid. "
            "If unsure, give the earliest time it could have happened."
        ),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    description = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault(
                "compromised_since", timezone.localtime().replace(second=0, microsecond=0)
            )
