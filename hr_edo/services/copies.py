"""Copies of work-related documents for the employee, free of charge within 3 working days
(EDO 2.1.6, 5.2.3).

An electronic copy is one PDF issued to the employee: a cover sheet (list of documents, their
SHA-256 and a verification QR each) with, attached to it unchanged, every document's PDF (its
embedded signatures intact) and its verification report. Attaching rather than merging pages
keeps the original bytes — and so the signatures — verifiable. A paper copy is recorded as
handed over, by whom and when.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from audit.models import AuthEvent
from audit.services import event_record
from hr_edo.models import CopyRequest, HrDocument
from hr_edo.services.deadlines import edo_deadline
from kstu.mail import mail_user_on_commit, role_recipients
from kstu.tasks import claim_once
from signatures.services.documents import (
    document_create,
    document_read,
    sha256_hex,
    verification_qr_data_uri,
)
from signatures.services.verification import document_report, verification_url

logger = logging.getLogger(__name__)

COPY_TERM_WORKING_DAYS = 3
HR_PERMISSION = "hr_edo.change_copyrequest"
REMINDER_LEAD = dt.timedelta(days=1)


def is_copy_officer(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(HR_PERMISSION))


def _require_officer(actor) -> None:
    if not is_copy_officer(actor):
        raise PermissionDenied


# --------------------------------------------------------------------------- the request


@transaction.atomic
def copy_request_create(
    *, employee, form: str, documents=(), description: str = "", now: dt.datetime | None = None
) -> CopyRequest:
    """The employee's request; due at the end of the 3rd working day after ``now``."""
    now = now or timezone.now()
    documents = list(documents)
    if any(doc.employee_id != employee.pk for doc in documents):
        raise ValidationError(_("You can ask only for copies of your own documents."))
    if not documents and not (description or "").strip():
        raise ValidationError(_("Choose documents or describe which documents you need."))
    if form not in CopyRequest.Form.values:
        raise ValidationError(_("Choose the form of the copy."))
    request = CopyRequest.objects.create(
        employee=employee,
        form=form,
        description=(description or "").strip(),
        requested_at=now,
        due_at=edo_deadline(now, COPY_TERM_WORKING_DAYS),  # issue 8 item 3: outages
    )
    if documents:
        request.documents.set(documents)
    return request


def copy_requests_for_queue():
    """HR's queue: pending first by due date, then the handled ones."""
    return CopyRequest.objects.select_related("employee", "handled_by").order_by("status", "due_at")


def is_overdue(request: CopyRequest, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return request.status == CopyRequest.Status.PENDING and request.due_at < now


# --------------------------------------------------------------------------- electronic copy


def copy_bundle_render(*, request: CopyRequest, documents: list[HrDocument]) -> bytes:
    """The issued PDF: a cover sheet, each document's PDF and verification report attached."""
    from django.conf import settings
    from weasyprint import HTML, Attachment

    from kstu.pdf import font_url
    from signatures.services.reports import report_pdf_render

    rows, attachments = [], []
    for doc in documents:
        if doc.pdf_id is None:
            continue
        content = document_read(doc.pdf)
        report = document_report(doc.pdf)
        url = verification_url(doc.pdf)
        stem = f"{doc.pk:06d}-{doc.type.code}"
        attachments.append(Attachment(string=content, name=f"{stem}.pdf", description=str(doc)))
        attachments.append(
            Attachment(
                string=report_pdf_render(report),
                name=f"{stem}-verification.pdf",
                description=_("Verification report"),
            )
        )
        rows.append(
            {
                "document": doc,
                "sha256": sha256_hex(content),
                "indication_label": report["indication_label"],
                "url": url,
                "qr": verification_qr_data_uri(url),
                "file": f"{stem}.pdf",
            }
        )
    if not rows:
        raise ValidationError(_("None of the chosen documents has a PDF to copy."))
    html = render_to_string(
        "hr_edo/pdf/copy_cover.html",
        {
            "request": request,
            "rows": rows,
            "issued_at": timezone.now(),
            "font_regular": font_url("regular"),
            "font_bold": font_url("bold"),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(attachments=attachments)


@transaction.atomic
def copy_issue_electronic(actor, request: CopyRequest, *, documents=None) -> CopyRequest:
    """Issue the electronic copy, give it to the employee and tell them by mail.

    ``documents`` (HR's choice for a described request) defaults to those the employee chose.
    """
    _require_officer(actor)
    request = CopyRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != CopyRequest.Status.PENDING:
        raise ValidationError(_("This request has already been handled."))
    if request.form != CopyRequest.Form.ELECTRONIC:
        raise ValidationError(_("The employee asked for a paper copy."))
    chosen = list(documents) if documents is not None else list(request.documents.all())
    chosen = [doc for doc in chosen if doc.employee_id == request.employee_id]
    if documents is not None:
        request.documents.add(*chosen)
    docs = list(
        HrDocument.objects.select_related("type", "pdf", "employee")
        .filter(pk__in=[d.pk for d in chosen])
        .order_by("document_date", "pk")
    )
    with translation.override(getattr(request.employee, "preferred_language", None) or "ky"):
        content = copy_bundle_render(request=request, documents=docs)
        title = _("Copy of documents") + f" {request.employee.get_username()} {request.pk}"
    issued = document_create(
        title=title,
        content=content,
        content_type="application/pdf",
        actor=actor,
        owner_ref=f"hr_edo.copyrequest:{request.pk}",
    )
    assign_perm("signatures.view_document", request.employee, issued)
    now = timezone.now()
    request.issued_document = issued
    request.status = CopyRequest.Status.ISSUED
    request.handled_by = actor
    request.handled_at = now
    request.save()
    event_record(
        action=AuthEvent.Action.COPY_ISSUE,
        user=actor,
        target=request,
        details={
            "event": "hr_copy_issued",
            "form": request.form,
            "documents": [d.pk for d in docs],
            "issued_document": issued.pk,
        },
    )
    _mail_employee(request, issued_url=verification_url(issued))
    return request


def _mail_employee(request: CopyRequest, *, issued_url: str = "") -> None:
    employee = request.employee
    mail_user_on_commit(
        employee,
        "hr_edo/copies/email_issued",
        {"request": request, "employee": employee, "url": issued_url},
    )


# --------------------------------------------------------------------------- paper copy


@transaction.atomic
def copy_mark_handed_over(actor, request: CopyRequest, note: str = "") -> CopyRequest:
    """Record that the certified paper copy was handed over: by ``actor``, now."""
    _require_officer(actor)
    request = CopyRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != CopyRequest.Status.PENDING:
        raise ValidationError(_("This request has already been handled."))
    request.status = CopyRequest.Status.HANDED_OVER
    request.handled_by = actor
    request.handled_at = timezone.now()
    request.note = (note or "").strip()
    request.save()
    event_record(
        action=AuthEvent.Action.COPY_ISSUE,
        user=actor,
        target=request,
        details={"event": "hr_copy_handed_over", "form": request.form},
    )
    return request


# --------------------------------------------------------------------------- reminders


def copy_request_claim_reminder(*, request_id: int, now: dt.datetime) -> bool:
    """Claim the one reminder to HR (last day; ``claim_once``)."""
    return claim_once(
        CopyRequest.objects.filter(
            pk=request_id, status=CopyRequest.Status.PENDING, due_at__lte=now + REMINDER_LEAD
        ),
        "reminded_at",
        now,
    )


def copy_request_claim_escalation(*, request_id: int, now: dt.datetime) -> bool:
    """Claim the one escalation of an overdue request (to the heads of HR; ``claim_once``)."""
    return claim_once(
        CopyRequest.objects.filter(
            pk=request_id, status=CopyRequest.Status.PENDING, due_at__lt=now
        ),
        "escalated_at",
        now,
    )


def _hr_people(role: str) -> list:
    return list(role_recipients(role))


def _mail_hr(request: CopyRequest, recipients: list, template: str) -> int:
    for person in recipients:
        mail_user_on_commit(
            person, f"hr_edo/copies/email_{template}", {"request": request, "person": person}
        )
    return len(recipients)


def copy_requests_sweep(now: dt.datetime | None = None) -> dict:
    """Remind HR officers on a request's last day and escalate overdue ones to the heads of
    HR — each once (the claims make concurrent sweeps safe)."""
    from accounts import roles

    now = now or timezone.now()
    counts = {"reminded": 0, "escalated": 0}
    pending = CopyRequest.objects.filter(status=CopyRequest.Status.PENDING)
    for pk in pending.filter(reminded_at__isnull=True, due_at__lte=now + REMINDER_LEAD).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            if copy_request_claim_reminder(request_id=pk, now=now):
                request = CopyRequest.objects.select_related("employee").get(pk=pk)
                _mail_hr(request, _hr_people(roles.HR_OFFICER), "reminder")
                counts["reminded"] += 1
    for pk in pending.filter(escalated_at__isnull=True, due_at__lt=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            if copy_request_claim_escalation(request_id=pk, now=now):
                request = CopyRequest.objects.select_related("employee").get(pk=pk)
                _mail_hr(request, _hr_people(roles.HR_HEAD), "escalation")
                counts["escalated"] += 1
    return counts
