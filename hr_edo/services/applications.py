"""Employees' applications (App. 1 #1–7): submit signed, HR accepts or returns with a comment.

An application reaches HR only with the employee's simple signature on its PDF (signed first,
then SUBMITTED, in one transaction). A signed application is frozen: a correction is a new
HrDocument whose ``previous_version`` is the returned one.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from hr_edo.models import DocumentType, HrDocument
from hr_edo.services.common import (
    document_signed_by,
    excluded_check,
    hr_document_create,
    hr_document_pdf_bytes,
    hr_document_render_pdf,
    is_participant,
)
from hr_edo.services.retention import retention_set_for
from kstu.mail import send_mail_on_commit

APPLICATION_CODES = (
    "annual_leave_application",
    "unpaid_leave_application",
    "leave_transfer_application",
    "study_leave_application",
    "maternity_leave_application",
    "childcare_leave_application",
    "childcare_leave_end_application",
)


def paper_only_message() -> str:
    return _(
        "You have not joined HR electronic document flow (or HR has not registered your "
        "application yet): your HR documents go on paper. Hand your application to the HR "
        "department, or join EDO first."
    )


def application_type_get(code: str) -> DocumentType:
    excluded_check(code)
    try:
        document_type = DocumentType.objects.get(code=code, is_active=True)
    except DocumentType.DoesNotExist:
        raise ValidationError(_("There is no such document type.")) from None
    if document_type.kind != DocumentType.Kind.APPLICATION:
        raise ValidationError(_("Only employees' applications are made here."))
    return document_type


def _require_employee_may_submit(actor) -> None:
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied
    if not is_participant(actor):
        raise ValidationError(paper_only_message(), code="paper_only")


def application_preview_pdf(*, actor, document_type: DocumentType, data: dict) -> bytes:
    """The PDF the employee would sign, not stored."""
    if not actor.is_authenticated:
        raise PermissionDenied
    excluded_check(document_type.code)
    draft = HrDocument(type=document_type, employee=actor, data=data, created_by=actor)
    return hr_document_pdf_bytes(draft)


def application_submit(
    *,
    actor,
    document_type: DocumentType,
    data: dict,
    method: str,
    secret: str,
    previous_version: HrDocument | None = None,
    request=None,
) -> HrDocument:
    """Create the application, render and store its PDF, sign it with the employee's simple
    signature, then mark it SUBMITTED. When the signature fails nothing is kept."""
    from signatures.services.simple import simple_sign

    _require_employee_may_submit(actor)
    if document_type.code not in APPLICATION_CODES:
        raise ValidationError(_("Only employees' applications are made here."))
    if previous_version is not None:
        if previous_version.employee_id != actor.pk:
            raise PermissionDenied
        if previous_version.status != HrDocument.Status.RETURNED:
            raise ValidationError(_("Only a returned application can be corrected."))
        if previous_version.type_id != document_type.pk:
            raise ValidationError(_("A corrected version keeps the type of the application."))
        if previous_version.newer_versions.exists():
            raise ValidationError(_("This application has already been corrected."))
    with transaction.atomic():
        document = hr_document_create(
            actor=actor,
            type=document_type,
            employee=actor,
            data=data,
            status=HrDocument.Status.DRAFT,
            previous_version=previous_version,
        )
        pdf = hr_document_render_pdf(document, actor=actor)
        simple_sign(signer=actor, document=pdf, method=method, secret=secret, request=request)
        if not document_signed_by(pdf, actor):  # defensive: never SUBMITTED unsigned
            raise ValidationError(_("The application must be signed before it is submitted."))
        document.status = HrDocument.Status.SUBMITTED
        document.save(update_fields=["status"])
    return document


def _require_hr(actor) -> None:
    if not actor.has_perm("hr_edo.change_hrdocument"):
        raise PermissionDenied


def _locked_submitted(hr_document: HrDocument) -> HrDocument:
    hr_document = (
        HrDocument.objects.select_for_update(of=("self",))
        .select_related("type", "employee", "pdf")
        .get(pk=hr_document.pk)
    )
    if hr_document.type.kind != DocumentType.Kind.APPLICATION:
        raise ValidationError(_("This is not an application."))
    if hr_document.status != HrDocument.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted application can be accepted or returned."))
    if not document_signed_by(hr_document.pdf, hr_document.employee):
        raise ValidationError(_("The application is not signed by the employee."))
    return hr_document


def _notify(hr_document: HrDocument, subject: str, body: str) -> None:
    send_mail_on_commit(subject=subject, body=body, to=[hr_document.employee.email])


def application_accept(*, actor, hr_document: HrDocument) -> HrDocument:
    """HR accepts a submitted, signed application (it can then lead to the matching order)."""
    _require_hr(actor)
    with transaction.atomic():
        hr_document = _locked_submitted(hr_document)
        hr_document.status = HrDocument.Status.ACCEPTED
        retention_set_for(hr_document, save=False)  # final now: its retention term starts
        hr_document.save(update_fields=["status", "retention_until"])
        with translation.override(hr_document.employee.preferred_language or "ky"):
            _notify(
                hr_document,
                _("Your application has been accepted"),
                _("HR has accepted your application: %(name)s.") % {"name": hr_document.type.name},
            )
    return hr_document


def application_return(*, actor, hr_document: HrDocument, comment: str) -> HrDocument:
    """HR returns a submitted application with a comment (required); the employee may then
    submit a corrected version (a new document)."""
    _require_hr(actor)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Say what has to be corrected."), code="comment_required")
    with transaction.atomic():
        hr_document = _locked_submitted(hr_document)
        hr_document.status = HrDocument.Status.RETURNED
        hr_document.hr_comment = comment
        hr_document.save(update_fields=["status", "hr_comment"])
        with translation.override(hr_document.employee.preferred_language or "ky"):
            _notify(
                hr_document,
                _("Your application has been returned"),
                _("HR has returned your application (%(name)s) with a comment: %(comment)s")
                % {"name": hr_document.type.name, "comment": comment},
            )
    return hr_document
