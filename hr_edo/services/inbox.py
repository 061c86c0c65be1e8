"""The employee's "My documents" (EDO §1.2, §2.1): what awaits them, and the archive of
everything signed; reads of one HR document scoped to who may see it, audited for others."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone

from audit.services import personal_data_view_record
from hr_edo.models import HrDocument

ARCHIVE_STATUSES = (
    HrDocument.Status.ACQUAINTED,
    HrDocument.Status.SUBMITTED,
    HrDocument.Status.ACCEPTED,
    HrDocument.Status.RETURNED,
)


def _base():
    return HrDocument.objects.select_related("type", "pdf")


def inbox_awaiting(*, user):
    """Orders sent to ``user`` and not yet signed, the nearest deadline first."""
    return (
        _base()
        .filter(employee=user, status=HrDocument.Status.SENT, on_paper=False)
        .order_by("due_at", "pk")
    )


def inbox_archive(*, user):
    """Everything ``user`` has signed (orders acquainted with, applications filed)."""
    return _base().filter(employee=user, status__in=ARCHIVE_STATUSES).order_by("-created_at", "-pk")


def is_overdue(hr_document: HrDocument, now=None) -> bool:
    now = now or timezone.now()
    return (
        hr_document.status == HrDocument.Status.SENT
        and hr_document.due_at is not None
        and hr_document.due_at < now
    )


def inbox_document_get(*, user, pk: int) -> HrDocument:
    """One of the user's own sent or signed documents; 404 for anything else (not revealed)."""
    hr_document = (
        _base()
        .select_related("employee")
        .filter(
            pk=pk,
            employee=user,
            status__in=(HrDocument.Status.SENT, *ARCHIVE_STATUSES),
        )
        .first()
    )
    if hr_document is None:
        raise Http404
    return hr_document


def hr_document_view_record(*, user, hr_document: HrDocument, request=None) -> None:
    """Audit a view of an HR document by anybody but its employee (B5: personal data)."""
    personal_data_view_record(
        viewer=user,
        owner_id=hr_document.employee_id,
        target=hr_document,
        request=request,
        employee_id=hr_document.employee_id,
        type=hr_document.type.code,
    )
