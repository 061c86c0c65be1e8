"""Forms of the document page: signing with a password or a one-time code, uploading."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from signatures.services.documents import ALLOWED_CONTENT_TYPES

EXTENSION_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".txt": "text/plain",
    ".xml": "application/xml",
    ".json": "application/json",
}
# The first bytes a file of the type must start with (the extension alone is not trusted).
MAGIC = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}


class PasswordSignForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        error_messages={"required": _("Enter your password to sign.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "data-testid": "sign-password"}),
    )


class CodeSignForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from the e-mail"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={
            "required": _("Enter the code from the e-mail."),
            "invalid": _("The code has six digits."),
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "maxlength": "6",
                "data-testid": "sign-code",
            }
        ),
    )


class DocumentUploadForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=255,
        error_messages={"required": _("Give the document a title.")},
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG, JPEG, text, XML or JSON."),
        error_messages={"required": _("Choose a file."), "empty": _("The file is empty.")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.SIGNATURE_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("The file is too large: at most %(limit)s.") % {"limit": filesizeformat(limit)}
            )
        content_type = EXTENSION_TYPES.get(Path(upload.name).suffix.lower())
        if content_type not in ALLOWED_CONTENT_TYPES:
            raise ValidationError(_("This type of file cannot be signed here."))
        content = upload.read()
        magic = MAGIC.get(content_type)
        if magic and not content.startswith(magic):
            raise ValidationError(_("The file's contents do not match its type."))
        if content_type.startswith(("text/", "application/xml", "application/json")):
            try:
                content.decode("utf-8")
            except UnicodeDecodeError:
                raise ValidationError(_("A text file must be in UTF-8.")) from None
        self.cleaned_data["content"] = content
        self.cleaned_data["content_type"] = content_type
        return upload
