"""Reports that an employee cannot use EDO (EDO 4.5, issue 8 item 4).

An employee reports it through the site, or HR records one received by e-mail, in person or
by post. While a report's period covers a day, documents of that employee are handled on
paper that day — as for anyone who is not a registered EDO participant.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hr_edo.models import UnavailabilityReport
from hr_edo.services.common import is_participant

RECORD_PERMISSION = "hr_edo.add_unavailabilityreport"
VIEW_PERMISSION = "hr_edo.view_unavailabilityreport"
HR_CHANNELS = (
    UnavailabilityReport.Channel.EMAIL,
    UnavailabilityReport.Channel.IN_PERSON,
    UnavailabilityReport.Channel.POST,
)


def may_record_reports(user) -> bool:
    return bool(
        user and user.is_authenticated and user.is_active and user.has_perm(RECORD_PERMISSION)
    )


def may_view_reports(user) -> bool:
    return bool(
        user and user.is_authenticated and user.is_active and user.has_perm(VIEW_PERMISSION)
    )


def report_initial(employee) -> dict:
    """Department, position and full name from the employee's record (editable in the form)."""
    department = getattr(employee, "department", None)
    position = getattr(employee, "position", None)
    return {
        "department_name": department.name if department else "",
        "position_name": position.name if position else "",
        "full_name": employee.get_full_name() or employee.get_username(),
    }


def _clean(*, department_name, position_name, full_name, reasons, period_start, period_end):
    values = {
        "department_name": (department_name or "").strip(),
        "position_name": (position_name or "").strip(),
        "full_name": (full_name or "").strip(),
        "reasons": (reasons or "").strip(),
    }
    missing = [k for k, v in values.items() if not v]
    if missing:
        raise ValidationError(_("Fill in the department, position, full name and reasons."))
    if period_start is None or period_end is None:
        raise ValidationError(_("Give the period."))
    if period_end < period_start:
        raise ValidationError(_("The period ends before it starts."), code="period_order")
    return values


@transaction.atomic
def report_create(
    *,
    actor,
    employee,
    reasons: str,
    period_start: dt.date,
    period_end: dt.date,
    channel: str = UnavailabilityReport.Channel.SITE,
    department_name: str = "",
    position_name: str = "",
    full_name: str = "",
) -> UnavailabilityReport:
    """File a report: through the site by the employee themselves, or recorded by HR from one
    received by e-mail, in person or by post."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied
    if channel == UnavailabilityReport.Channel.SITE:
        if actor.pk != employee.pk:
            raise PermissionDenied(_("Only the employee reports through the site."))
    elif channel in HR_CHANNELS:
        if not may_record_reports(actor):
            raise PermissionDenied(_("Only HR records reports received on paper or by e-mail."))
    else:
        raise ValidationError(_("Choose how the report was received."))
    values = _clean(
        department_name=department_name,
        position_name=position_name,
        full_name=full_name,
        reasons=reasons,
        period_start=period_start,
        period_end=period_end,
    )
    return UnavailabilityReport.objects.create(
        employee=employee,
        period_start=period_start,
        period_end=period_end,
        channel=channel,
        recorded_by=actor,
        **values,
    )


def reports_for_hr():
    return UnavailabilityReport.objects.select_related("employee", "recorded_by").order_by(
        "-period_start", "-created_at"
    )


def active_report(user, day: dt.date | None = None) -> UnavailabilityReport | None:
    if user is None or not getattr(user, "pk", None):
        return None
    day = day or timezone.localdate()
    return (
        UnavailabilityReport.objects.filter(
            employee_id=user.pk, period_start__lte=day, period_end__gte=day
        )
        .order_by("-created_at")
        .first()
    )


def is_paper_today(user, day: dt.date | None = None) -> bool:
    """True when documents of ``user`` go on paper on ``day`` (today): not a registered EDO
    participant, or a report of inability to use EDO covers the day."""
    return not is_participant(user) or active_report(user, day) is not None
