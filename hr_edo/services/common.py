"""Helpers shared by the HR EDO services (participation, applications, orders, copies).

Keep the signatures stable: several modules import them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import select_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hr_edo.models import EXCLUDED_DOCUMENT_CODES, DocumentType, HrDocument, Participation

RECTOR_GROUP = "rector"


def excluded_check(code: str) -> None:
    """Refuse the kinds of documents IS §1.7 keeps out of EDO (work book, industrial-accident
    act, dismissal order, labour-protection training documents) — whatever a type list says."""
    if code in EXCLUDED_DOCUMENT_CODES:
        raise ValidationError(
            _(
                "Documents of this kind (%(kind)s) are never handled in HR EDO "
                "(Regulation IS §1.7): they are kept on paper."
            )
            % {"kind": EXCLUDED_DOCUMENT_CODES[code]},
            code="excluded_document",
        )


def document_type_validate(document_type: DocumentType) -> None:
    """For forms and the admin: a type whose code is an excluded kind cannot be saved."""
    excluded_check(document_type.code)


def is_participant(user) -> bool:
    """True when ``user`` has a REGISTERED EDO participation (App. 2 signed and registered)."""
    if user is None or not getattr(user, "pk", None):
        return False
    return Participation.objects.filter(
        employee_id=user.pk, status=Participation.Status.REGISTERED
    ).exists()


def rector_name() -> str:
    """The full name of the (first active) member of the "rector" group, or ""."""
    from accounts.models import User

    rector = User.objects.filter(groups__name=RECTOR_GROUP, is_active=True).order_by("pk").first()
    return rector.get_full_name() if rector else ""


@transaction.atomic
def hr_document_create(
    *,
    actor,
    type: DocumentType,  # noqa: A002 - the model field's name
    employee,
    data: dict | None = None,
    status: str = HrDocument.Status.DRAFT,
    previous_version: HrDocument | None = None,
    based_on: HrDocument | None = None,
    on_paper: bool = False,
    **fields,
) -> HrDocument:
    """Create an HrDocument after the IS §1.7 check; no permission check here (callers do)."""
    excluded_check(type.code)
    if not type.is_active:
        raise ValidationError(_("This document type is not in use."))
    return HrDocument.objects.create(
        type=type,
        employee=employee,
        data=data or {},
        status=status,
        previous_version=previous_version,
        based_on=based_on,
        on_paper=on_paper,
        created_by=actor,
        **fields,
    )


def hr_document_pdf_templates(document_type: DocumentType) -> list[str]:
    """Template names tried for a type, most specific first."""
    return [
        f"hr_edo/pdf/{document_type.code}.html",
        f"hr_edo/pdf/{document_type.kind}_{document_type.code}.html",
        f"hr_edo/pdf/{document_type.kind}_generic.html",
    ]


def hr_document_pdf_bytes(
    hr_document: HrDocument, *, language: str | None = None, verification_code: str = ""
) -> bytes:
    """The PDF of ``hr_document`` (not stored): for previews and for ``hr_document_render_pdf``.
    With ``verification_code`` every page carries the QR code of its verification page."""
    from kstu.pdf import render_pdf
    from signatures.services.documents import verification_print_context

    language = language or hr_document.employee.preferred_language or "ky"
    template = select_template(hr_document_pdf_templates(hr_document.type))
    with translation.override(language):
        return render_pdf(
            template.template.name,
            {
                "hr_document": hr_document,
                "document_type": hr_document.type,
                "employee": hr_document.employee,
                "data": hr_document.data,
                "rector_name": rector_name(),
                "today": timezone.localdate(),
                "language": language,
                **(verification_print_context(verification_code) if verification_code else {}),
            },
        )


@transaction.atomic
def hr_document_render_pdf(hr_document: HrDocument, *, actor=None):
    """Render the PDF of ``hr_document``, store it (signatures.Document, owner_ref
    ``hr_edo.hrdocument:<pk>``), give the employee ``view_document`` on it, link it as
    ``hr_document.pdf`` and return it. Refuses once the current PDF carries a signature: the
    content of a signed document is frozen (a new version is a new HrDocument)."""
    from guardian.shortcuts import assign_perm

    from signatures.models import Signature
    from signatures.services.documents import document_create, verification_code_new

    if hr_document.pdf_id and Signature.objects.filter(document_id=hr_document.pdf_id).exists():
        raise ValidationError(
            _("This document is already signed: its content cannot change. Create a new version.")
        )
    code = verification_code_new()
    content = hr_document_pdf_bytes(hr_document, verification_code=code)
    with translation.override(hr_document.employee.preferred_language or "ky"):
        title = f"{hr_document.type.name} — {hr_document.employee.get_full_name()}"
    pdf = document_create(
        title=title[:255],
        content=content,
        content_type="application/pdf",
        actor=actor or hr_document.created_by,
        owner_ref=f"hr_edo.hrdocument:{hr_document.pk}",
        verification_code=code,
    )
    assign_perm("signatures.view_document", hr_document.employee, pdf)
    hr_document.pdf = pdf
    hr_document.save(update_fields=["pdf"])
    return pdf


def document_signed_by(document, user) -> bool:
    """True when ``user`` has a signature on the signatures.Document ``document``."""
    from signatures.models import Signature

    if document is None:
        return False
    return Signature.objects.filter(document=document, signer=user).exists()
