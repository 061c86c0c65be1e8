"""Read-side queries of HR EDO (participation, applications)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404

from hr_edo.models import DocumentType, HrDocument, Participation


def participants_overview():
    """For HR: (signed-awaiting-registration participations, registered ones, paper-only
    employees — active employees and teachers without a live participation)."""
    from accounts.models import User

    live = Participation.objects.exclude(status=Participation.Status.WITHDRAWN).select_related(
        "employee__department", "employee__position", "application", "registered_by"
    )
    signed = [p for p in live if p.status == Participation.Status.SIGNED]
    registered = [p for p in live if p.status == Participation.Status.REGISTERED]
    live_ids = {p.employee_id for p in signed} | {p.employee_id for p in registered}
    paper_only = (
        User.objects.filter(is_active=True, kind__in=[User.Kind.EMPLOYEE, User.Kind.TEACHER])
        .exclude(pk__in=live_ids)
        .select_related("department", "position")
        .order_by("last_name", "first_name")
    )
    return signed, registered, list(paper_only)


def participation_get(pk: int) -> Participation:
    try:
        return Participation.objects.select_related("employee", "application").get(pk=pk)
    except Participation.DoesNotExist:
        raise Http404 from None


def applications_hr_queue():
    """Submitted applications, oldest first, with what the list shows."""
    return (
        HrDocument.objects.filter(
            type__kind=DocumentType.Kind.APPLICATION, status=HrDocument.Status.SUBMITTED
        )
        .select_related("type", "employee__department", "employee__position", "pdf")
        .order_by("created_at", "pk")
    )


def applications_of_employee(user):
    return (
        HrDocument.objects.filter(employee=user, type__kind=DocumentType.Kind.APPLICATION)
        .select_related("type", "pdf")
        .prefetch_related(Prefetch("newer_versions", queryset=HrDocument.objects.only("pk")))
        .order_by("-created_at", "-pk")
    )


def application_get_for_user(*, user, pk: int) -> HrDocument:
    """The application if ``user`` is its employee or holds ``hr_edo.view_hrdocument``;
    otherwise 404 (another employee's application is not acknowledged to exist)."""
    try:
        document = HrDocument.objects.select_related(
            "type", "employee__department", "employee__position", "pdf", "previous_version"
        ).get(pk=pk, type__kind=DocumentType.Kind.APPLICATION)
    except HrDocument.DoesNotExist:
        raise Http404 from None
    if document.employee_id == user.pk or user.has_perm("hr_edo.view_hrdocument"):
        return document
    raise Http404
