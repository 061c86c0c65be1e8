"""Interrupted PAdES signing in two steps: the page gives the bytes to sign, the signer's own
tool or device signs them, the page takes the signature value back and embeds it."""

from __future__ import annotations

import base64
import binascii

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from signatures.models import IssuedCertificate, PendingPdfSignature
from signatures.selectors import document_get_for_user
from signatures.services.interrupted import (
    pades_complete_external,
    pades_prepare_external,
    pending_browser_key_fingerprint,
)


class SignatureValueForm(forms.Form):
    signature_value = forms.CharField(
        label=gettext_lazy("Signature value (Base64)"),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
        help_text=gettext_lazy("What your signing tool produced over the bytes shown above."),
    )

    def clean_signature_value(self):
        text = "".join(self.cleaned_data["signature_value"].split())
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationError(_("This is not valid Base64.")) from exc


def _my_certificates(user):
    return IssuedCertificate.objects.filter(
        user=user, status=IssuedCertificate.Status.VALID, not_after__gt=timezone.now()
    ).order_by("-issued_at")


@never_cache
@login_required
def external_start_view(request, pk: int):
    document = document_get_for_user(user=request.user, document_id=pk)
    certificates = list(_my_certificates(request.user))
    if request.method == "POST":
        certificate = next(
            (c for c in certificates if str(c.pk) == request.POST.get("certificate")), None
        )
        if certificate is None:
            messages.error(request, _("Choose one of your valid certificates."))
        else:
            try:
                pending, _bytes = pades_prepare_external(
                    signer=request.user, document=document, certificate=certificate
                )
            except (PermissionDenied, ValidationError) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                return redirect("signatures:external_complete", pk=pending.pk)
    return render(
        request,
        "signatures/external/start.html",
        {"document": document, "certificates": certificates},
    )


@never_cache
@login_required
def external_complete_view(request, pk: int):
    pending = get_object_or_404(PendingPdfSignature, pk=pk, signer=request.user)
    form = SignatureValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signature = pades_complete_external(
                signer=request.user,
                pending=pending,
                signature_value=form.cleaned_data["signature_value"],
                request=request,
            )
        except (PermissionDenied, ValidationError) as exc:
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("The PDF is signed; the signed copy is below."))
            return redirect("signatures:document_detail", pk=signature.document_id)
    return render(
        request,
        "signatures/external/complete.html",
        {
            "pending": pending,
            "to_sign_b64": base64.b64encode(bytes(pending.signed_attrs)).decode(),
            "key_fingerprint": pending_browser_key_fingerprint(pending),
            "form": form,
        },
    )
