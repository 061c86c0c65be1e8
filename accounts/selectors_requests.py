"""Reads of registration requests, scoped by who is asking.

A request holds personal data of someone who has no account yet: before the visa it is
visible only to HR (and read-only to the auditor, who holds the same view permission), and to
its applicant through the secret tracking link. Nobody else reaches it through these reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts import roles
from accounts.models import (
    AccessGrant,
    Department,
    Position,
    RegistrationRequest,
    RequestedSystem,
    User,
)
from registry.models import InformationSystem, ReportSection

PERM_VIEW = "accounts.view_registrationrequest"
PERM_ADD = "accounts.add_registrationrequest"
PERM_VISA = "accounts.visa_registrationrequest"

# The queue shows what still needs HR: awaiting the visa, or back with the applicant.
OPEN_STATUSES = (RegistrationRequest.Status.SUBMITTED, RegistrationRequest.Status.RETURNED)


def can_view_requests(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(PERM_VIEW))


def can_file_requests(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(PERM_ADD))


def can_put_visa(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(PERM_VISA))


def _require_view(user) -> None:
    if not can_view_requests(user):
        raise PermissionDenied(_("Registration requests are open to HR staff only."))


def _with_children(queryset: QuerySet[RegistrationRequest]) -> QuerySet[RegistrationRequest]:
    return queryset.select_related(
        "department", "position", "filed_by", "visa_by", "account"
    ).prefetch_related(
        Prefetch(
            "requested_systems",
            queryset=RequestedSystem.objects.select_related("system").order_by(
                "system__sort_order", "system__code"
            ),
        ),
        Prefetch(
            "report_sections",
            queryset=ReportSection.objects.select_related("system").order_by(
                "system__sort_order", "sort_order", "code"
            ),
        ),
    )


def registration_request_list(
    *, user, filters: Mapping[str, Any] | None = None
) -> QuerySet[RegistrationRequest]:
    """The HR queue, oldest first so the longest-waiting request is on top.

    ``filters``: ``status`` — one status, or "" for the open ones (awaiting the visa or
    returned); "all" for every status.
    """
    _require_view(user)
    filters = filters or {}
    requests = RegistrationRequest.objects.all()
    status = filters.get("status") or ""
    if status == "all":
        pass
    elif status in RegistrationRequest.Status.values:
        requests = requests.filter(status=status)
    else:
        requests = requests.filter(status__in=OPEN_STATUSES)
    return _with_children(requests).order_by("created_at", "id")


def registration_request_get(*, user, request_id: int) -> RegistrationRequest:
    """One request with all seven items; 403 for those outside HR, 404 if it does not exist."""
    _require_view(user)
    request_obj = _with_children(RegistrationRequest.objects.filter(pk=request_id)).first()
    if request_obj is None:
        raise Http404(_("No such registration request."))
    return request_obj


def registration_request_grants(*, request_obj: RegistrationRequest) -> QuerySet[AccessGrant]:
    """The access tasks routed by the visa (shown to HR on the request's page)."""
    return request_obj.grants.select_related("system").order_by("system__sort_order", "id")


def registration_request_get_by_token(*, token: str) -> RegistrationRequest:
    """The applicant's own view through the secret link; 404 for anything else."""
    if not token or len(token) > 64:
        raise Http404
    request_obj = _with_children(RegistrationRequest.objects.filter(tracking_token=token)).first()
    if request_obj is None:
        raise Http404
    return request_obj


# --------------------------------------------------------------------------- form choices


def department_choices() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).order_by("registration_code")


def position_choices() -> QuerySet[Position]:
    return Position.objects.order_by("code")


def requestable_systems() -> list[InformationSystem]:
    """Systems in use, in register order, each with ``active_report_sections``."""
    return list(
        InformationSystem.objects.filter(is_active=True)
        .order_by("sort_order", "code")
        .prefetch_related(
            Prefetch(
                "report_sections",
                queryset=ReportSection.objects.filter(is_active=True).order_by(
                    "sort_order", "code"
                ),
                to_attr="active_report_sections",
            )
        )
    )


def rector_get() -> User | None:
    """The addressee of the applications: the active holder of the rector's role, if any."""
    return (
        User.objects.filter(groups__name=roles.RECTOR, is_active=True)
        .order_by("date_joined", "pk")
        .first()
    )
