"""Documents exchanged on paper, registered afterwards (EDO 4.1–4.3, REQUIREMENTS B8).

During an outage, or for an employee who is not (or not today) in EDO, an HR document goes on
paper. HR registers it afterwards: the type (never an IS §1.7 kind), the employee, number and
date, the scan (PDF, PNG or JPEG, size-limited; stored in the signatures app, so it is served
only through its permission-checked download view, as an attachment), who signed by hand and
when, and how it was delivered. The HrDocument is final (ACQUAINTED for an order, ACCEPTED for
an application), ``on_paper`` and its PDF is the scan, so it shows in the employee's archive
like an electronic one; its sheet lists the handwritten signatures and may later receive
electronic ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hr_edo.models import DocumentType, HrDocument
from hr_edo.services.common import excluded_check, hr_document_create
from hr_edo.services.retention import retention_set_for

REGISTER_PERMISSION = "hr_edo.add_hrdocument"

DELIVERY_CHOICES = (
    ("by_hand", gettext_lazy("By hand")),
    ("courier", gettext_lazy("By courier")),
    ("post", gettext_lazy("By post")),
)

# The first bytes of the accepted scan formats: the declared type of an upload is not trusted.
_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


@dataclass
class HandSigner:
    """One handwritten signature on the paper: an account, or a name when there is none."""

    signed_on: dt.date
    signer: object | None = None
    signer_name: str = ""


def may_register_paper(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.has_perm(REGISTER_PERMISSION)
        and user.has_perm("signatures.add_signature")
    )


def scan_content_type(content: bytes) -> str:
    """The content type of a scan from its first bytes; ValidationError for anything else."""
    for magic, content_type in _SIGNATURES:
        if content.startswith(magic):
            return content_type
    raise ValidationError(_("The scan must be a PDF, PNG or JPEG file."), code="scan_type")


def scan_check_size(size: int) -> None:
    limit = settings.SIGNATURE_MAX_UPLOAD_BYTES
    if size > limit:
        raise ValidationError(
            _("The scan is too large: at most %(mb).1f MB.") % {"mb": limit / (1024 * 1024)},
            code="scan_size",
        )
    if size <= 0:
        raise ValidationError(_("The scan is empty."), code="scan_empty")


def final_status(document_type: DocumentType) -> str:
    if document_type.kind == DocumentType.Kind.APPLICATION:
        return HrDocument.Status.ACCEPTED
    return HrDocument.Status.ACQUAINTED


@transaction.atomic
def paper_register(
    *,
    actor,
    type: DocumentType,  # noqa: A002 - the model field's name
    employee,
    number: str,
    document_date: dt.date,
    scan_content: bytes,
    signers: list[HandSigner],
    delivery: str,
    request=None,
) -> HrDocument:
    """Register a paper document and its handwritten signatures.

    1. HR only; the type must not be an IS §1.7 kind; a delivery method and at least one
       handwritten signature are required.
    2. The scan is checked by its first bytes (PDF/PNG/JPEG) and size, and stored twice in the
       signatures app: as the document itself (``pdf``) and as the evidence of the handwritten
       signatures (``handwritten_register`` wants the scan as a separate file).
    3. The employee may view (and so download and sign) both; each handwritten signature goes
       on the sheet in the order given.
    """
    from guardian.shortcuts import assign_perm

    from signatures.services.documents import document_create
    from signatures.services.simple import handwritten_register

    if not may_register_paper(actor):
        raise PermissionDenied(_("Only HR registers paper documents."))
    excluded_check(type.code)
    if delivery not in dict(DELIVERY_CHOICES):
        raise ValidationError(_("Choose how the paper was delivered."))
    if not signers:
        raise ValidationError(_("Name at least one person who signed the paper by hand."))
    scan_check_size(len(scan_content))
    content_type = scan_content_type(scan_content)
    now = timezone.now()
    hr_document = hr_document_create(
        actor=actor,
        type=type,
        employee=employee,
        data={
            "delivery": delivery,
            "paper": {"registered_by": actor.pk, "registered_at": now.isoformat()},
        },
        status=final_status(type),
        on_paper=True,
        number=(number or "").strip(),
        document_date=document_date,
    )
    title = f"{type.name} — {employee.get_full_name() or employee.get_username()}"[:240]
    owner_ref = f"hr_edo.hrdocument:{hr_document.pk}"
    pdf = document_create(
        title=title,
        content=scan_content,
        content_type=content_type,
        actor=actor,
        owner_ref=owner_ref,
    )
    evidence = document_create(
        title=(_("Scan") + " " + title)[:240],
        content=scan_content,
        content_type=content_type,
        actor=actor,
        owner_ref=owner_ref,
    )
    for document in (pdf, evidence):
        assign_perm("signatures.view_document", employee, document)
    last_signed = None
    for person in signers:
        signature = handwritten_register(
            actor=actor,
            document=pdf,
            signer=person.signer,
            signer_name=person.signer_name,
            signed_on=person.signed_on,
            scan=evidence,
            request=request,
        )
        if person.signer is not None and person.signer.pk == employee.pk:
            last_signed = signature.signed_at
    hr_document.pdf = pdf
    if hr_document.status == HrDocument.Status.ACQUAINTED:
        hr_document.acquainted_at = last_signed
    retention_set_for(hr_document, save=False)
    hr_document.save(update_fields=["pdf", "acquainted_at", "retention_until"])
    return hr_document


def delivery_label(hr_document: HrDocument) -> str:
    return str(dict(DELIVERY_CHOICES).get((hr_document.data or {}).get("delivery"), ""))
