"""The document page with its signature sheet, simple signing, download and upload."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.services.agreement import (
    agreement_current_version_number,
    agreement_has_accepted,
)
from signatures.forms_simple import CodeSignForm, DocumentUploadForm, PasswordSignForm
from signatures.models import Document, Signature, SignatureLevel
from signatures.selectors import document_get_for_user, signature_sheet
from signatures.services.documents import ALLOWED_CONTENT_TYPES, document_create, document_read
from signatures.services.simple import (
    document_stored_sha256,
    signing_code_active,
    signing_code_send,
    simple_sign,
    simple_signature_verify,
)

# The verification page is another module's (urls_verify); link to it once it exists.
VERIFY_URL_NAMES = ("signatures:verify_document", "signatures:verify", "signatures:verification")


def verification_url(document: Document) -> str | None:
    for name in VERIFY_URL_NAMES:
        try:
            return reverse(name, args=[document.verification_code])
        except NoReverseMatch:
            continue
    return None


def signature_sheet_rows(document: Document) -> list[dict]:
    """The sheet (B8): each signature in order with its verdict where this module gives one.

    Simple and handwritten signatures are checked by their seal and the document's bytes,
    enhanced ones by their certificate chain (``signatures.services.verification``).
    """
    from signatures.services.verification import signature_verify

    signatures = signature_sheet(document)
    stored = None
    if any(s.level in (SignatureLevel.SIMPLE, SignatureLevel.HANDWRITTEN) for s in signatures):
        stored = document_stored_sha256(document) or ""
    content = None
    rows = []
    for signature in signatures:
        if signature.level in (SignatureLevel.SIMPLE, SignatureLevel.HANDWRITTEN):
            verdict = simple_signature_verify(signature, stored_sha256=stored)
        else:
            if content is None:
                content = document_read(document)
            verdict = signature_verify(signature, content=content)
        rows.append({"signature": signature, "verdict": verdict})
    return rows


def _may_upload(user) -> bool:
    return bool(user.is_superuser or user.has_perm("signatures.add_document"))


def _detail_context(request, document: Document, **forms) -> dict:
    from signatures.services.enhanced import may_sign_as_organisation

    user = request.user
    current = agreement_current_version_number()
    accepted = current is not None and agreement_has_accepted(user=user, version_number=current)
    already_signed = Signature.objects.filter(
        document=document, signer=user, level=SignatureLevel.SIMPLE
    ).exists()
    return {
        "document": document,
        "sheet_rows": signature_sheet_rows(document),
        "verification_url": verification_url(document),
        "agreement_accepted": accepted,
        "agreement_in_force": current is not None,
        "already_signed": already_signed,
        "active_code": signing_code_active(user=user, document=document),
        "password_form": forms.get("password_form") or PasswordSignForm(),
        "code_form": forms.get("code_form") or CodeSignForm(),
        "code_errors": forms.get("code_errors") or [],
        "may_sign_as_organisation": (
            document.content_type == "application/pdf" and may_sign_as_organisation(user)
        ),
    }


@never_cache
@login_required
def document_detail_view(request, pk: int):
    document = document_get_for_user(user=request.user, document_id=pk)
    return render(
        request, "signatures/simple/document_detail.html", _detail_context(request, document)
    )


@never_cache
@require_POST
@login_required
def document_sign_view(request, pk: int):
    document = document_get_for_user(user=request.user, document_id=pk)
    method = request.POST.get("method")
    if method == Signature.Method.ONE_TIME_CODE:
        form = CodeSignForm(request.POST)
        forms = {"code_form": form}
        field_name = "code"
    else:
        method = Signature.Method.PASSWORD
        form = PasswordSignForm(request.POST)
        forms = {"password_form": form}
        field_name = "password"
    if form.is_valid():
        try:
            simple_sign(
                signer=request.user,
                document=document,
                method=method,
                secret=form.cleaned_data[field_name],
                request=request,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("The document is signed."))
            return redirect("signatures:document_detail", pk=document.pk)
    return render(
        request,
        "signatures/simple/document_detail.html",
        _detail_context(request, document, **forms),
        status=400,
    )


@never_cache
@require_POST
@login_required
def document_send_code_view(request, pk: int):
    document = document_get_for_user(user=request.user, document_id=pk)
    try:
        signing_code_send(user=request.user, document=document, request=request)
    except (ValidationError, PermissionDenied) as exc:
        errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        return render(
            request,
            "signatures/simple/document_detail.html",
            _detail_context(request, document, code_errors=errors),
            status=400,
        )
    messages.success(request, _("A code was sent to your corporate e-mail."))
    return redirect("signatures:document_detail", pk=document.pk)


@never_cache
@login_required
def document_download_view(request, pk: int):
    """The stored bytes as an attachment — never rendered on the site's origin."""
    document = document_get_for_user(user=request.user, document_id=pk)
    extension = ALLOWED_CONTENT_TYPES.get(document.content_type, "")
    filename = (get_valid_filename(document.title)[:80] or "document") + extension
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@never_cache
@login_required
def document_new_view(request):
    if not _may_upload(request.user):
        raise PermissionDenied(_("You may not upload documents for signing."))
    if request.method == "POST":
        form = DocumentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document = document_create(
                    title=form.cleaned_data["title"],
                    content=form.cleaned_data["content"],
                    content_type=form.cleaned_data["content_type"],
                    actor=request.user,
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                messages.success(request, _("The document is stored."))
                return redirect("signatures:document_detail", pk=document.pk)
    else:
        form = DocumentUploadForm()
    return render(request, "signatures/simple/document_new.html", {"form": form})
