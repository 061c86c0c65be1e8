"""Verification pages (C4): by upload, by document number, and by the printed code (QR).

The code page is open to anyone holding the code — that is what the QR code on paper is
for — and shows the verdicts and the signers' names; the document itself is offered only to
those who may see it (``signatures.selectors.document_visible_to``)."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from signatures.forms_verify import CmsAttachForm, DocumentLookupForm, VerifyUploadForm
from signatures.selectors import document_get_for_user, document_visible_to
from signatures.services.documents import document_by_code, document_latest_version
from signatures.services.enhanced import (
    cms_signature_attach,
    may_sign_as_organisation,
    pades_sign_as_organisation,
)
from signatures.services.reports import report_pdf_render, upload_verify
from signatures.services.verification import document_report


@never_cache
@login_required
def verify_view(request):
    """Upload a document (and its .p7s), or open a stored document by its number."""
    result = None
    form = VerifyUploadForm()
    lookup = DocumentLookupForm(request.GET or None)
    if lookup.is_bound and lookup.is_valid():
        document = document_get_for_user(
            user=request.user, document_id=lookup.cleaned_data["document"]
        )
        return redirect("signatures:verify_document", code=document.verification_code)
    if request.method == "POST":
        form = VerifyUploadForm(request.POST, request.FILES)
        if form.is_valid():
            result = upload_verify(
                content=form.cleaned_data["document"], cms_der=form.cleaned_data["signature"]
            )
    return render(
        request, "signatures/verify/start.html", {"form": form, "lookup": lookup, "result": result}
    )


@never_cache
def verify_document_view(request, code: str):
    """The report of the document with ``code``. A code printed on a PDF that was later signed
    inside (PAdES, a new version with the same content) leads to the last version, which says
    so; ``?version=this`` shows the version the code belongs to."""
    from django.urls import reverse

    document = document_by_code(code)
    exact = request.GET.get("version") == "this"
    if not exact:
        latest = document_latest_version(document)
        if latest.pk != document.pk:
            url = reverse("signatures:verify_document", kwargs={"code": latest.verification_code})
            return redirect(f"{url}?printed={document.verification_code}")
    report = document_report(document)
    printed = request.GET.get("printed", "")
    followed_from = next(
        (
            version
            for version in report["versions"]
            if printed and version["verification_code"] == printed and not version["is_this"]
        ),
        None,
    )
    return render(
        request,
        "signatures/verify/document.html",
        {
            "document": document,
            "report": report,
            "followed_from": followed_from,
            "may_download": document_visible_to(user=request.user, document=document),
            "qr_svg": segno.make(report["verification_url"], error="m").svg_inline(scale=3),
        },
    )


@never_cache
def verify_report_pdf_view(request, code: str):
    document = document_by_code(code)
    pdf = report_pdf_render(document_report(document))
    name = get_valid_filename(f"verification-{document.verification_code}")[:80]
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
def cms_attach_view(request, pk: int):
    """Attach a .p7s made with the user's own signing tool to a document they may see."""
    document = document_get_for_user(user=request.user, document_id=pk)
    form = CmsAttachForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            signature = cms_signature_attach(
                signer=request.user,
                document=document,
                cms_der=form.cleaned_data["signature"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Your signature was added: %(level)s.")
                % {"level": signature.get_level_display()},
            )
            return redirect("signatures:verify_document", code=document.verification_code)
    return render(request, "signatures/verify/attach.html", {"document": document, "form": form})


@require_POST
@login_required
def organisation_sign_view(request, pk: int):
    """The university's qualified signature on a PDF, by an authorised official."""
    document = document_get_for_user(user=request.user, document_id=pk)
    if not may_sign_as_organisation(request.user):
        raise PermissionDenied(_("You may not sign on behalf of the university."))
    try:
        signed = pades_sign_as_organisation(actor=request.user, document=document, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("signatures:verify_document", code=document.verification_code)
    messages.success(request, _("The document was signed on behalf of the university."))
    return redirect("signatures:verify_document", code=signed.verification_code)
