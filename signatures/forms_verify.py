"""Forms of the verification pages: a document (and its .p7s) to check, a .p7s to attach."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_SIGNATURE_BYTES = 1024 * 1024


def _read_limited(upload, limit: int) -> bytes:
    if upload.size > limit:
        raise ValidationError(_("The file is too large."))
    return upload.read()


class VerifyUploadForm(forms.Form):
    document = forms.FileField(
        label=_("Document"),
        help_text=_("The signed file exactly as you received it."),
        widget=forms.ClearableFileInput(attrs={"data-testid": "verify-document"}),
    )
    signature = forms.FileField(
        label=_("Signature file (.p7s)"),
        required=False,
        help_text=_("Leave empty for a PDF with signatures inside it."),
        widget=forms.ClearableFileInput(attrs={"data-testid": "verify-signature"}),
    )

    def clean_document(self) -> bytes:
        content = _read_limited(self.cleaned_data["document"], settings.SIGNATURE_MAX_UPLOAD_BYTES)
        if not content:
            raise ValidationError(_("The document is empty."))
        return content

    def clean_signature(self) -> bytes | None:
        upload = self.cleaned_data.get("signature")
        return _read_limited(upload, MAX_SIGNATURE_BYTES) if upload else None


class DocumentLookupForm(forms.Form):
    document = forms.IntegerField(label=_("Document number"), min_value=1)


class CmsAttachForm(forms.Form):
    signature = forms.FileField(
        label=_("Signature file (.p7s)"),
        help_text=_("A detached CMS signature of this document's exact bytes, made with your key."),
        widget=forms.ClearableFileInput(attrs={"data-testid": "attach-signature"}),
    )

    def clean_signature(self) -> bytes:
        return _read_limited(self.cleaned_data["signature"], MAX_SIGNATURE_BYTES)
