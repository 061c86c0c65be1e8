"""Reads of the register, scoped by who is asking.

The register itself is public inside the university: every signed-in user sees the systems in
use (name, content, users, responsible units and persons, how to ask for access). Systems taken
out of use are visible only to those who manage the register.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.db.models import BigIntegerField, Prefetch, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from guardian.utils import get_user_obj_perms_model

from registry.models import RESPONSIBLE_CODENAME, InformationSystem, ReportSection

_TEXT_FIELDS = [
    "code",
    "address",
    *(
        f"{field}_{lang}"
        for field in ("name", "content", "user_groups", "responsible_units", "notes")
        for lang in ("ky", "ru", "en")
    ),
]


def can_manage_register(user) -> bool:
    """Superusers and holders of the model permission to change systems (the IT department)."""
    return bool(
        user
        and user.is_authenticated
        and (user.is_superuser or user.has_perm("registry.change_informationsystem"))
    )


def _responsible_prefetch() -> Prefetch:
    """One query for the responsible persons of a whole page of systems.

    Guardian keeps object permissions as generic rows (content type + object id as text);
    the ``object_permissions`` generic relation batches them by the page's ids.
    """
    rows = (
        get_user_obj_perms_model()
        .objects.filter(
            permission__codename=RESPONSIBLE_CODENAME,
            permission__content_type__app_label="registry",
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__pk")
    )
    return Prefetch("object_permissions", queryset=rows, to_attr="responsible_permission_rows")


def _report_sections_prefetch() -> Prefetch:
    return Prefetch(
        "report_sections",
        queryset=ReportSection.objects.filter(is_active=True),
        to_attr="active_report_sections",
    )


def _visible_systems(*, user, include_inactive: bool) -> QuerySet[InformationSystem]:
    systems = InformationSystem.objects.all()
    if not (include_inactive and can_manage_register(user)):
        systems = systems.filter(is_active=True)
    return systems


def system_list(
    *, user, filters: Mapping[str, Any] | None = None, with_report_sections: bool = False
) -> QuerySet[InformationSystem]:
    """Systems in register order with their responsible persons prefetched.

    ``filters`` (all optional): ``q`` — text in any language, ``signature_use``,
    ``active`` — True (the default: systems in use), False (out of use; managers only) or
    None (both; managers only), ``mine`` — only systems the user is responsible for.
    ``with_report_sections`` adds the sections in use as ``active_report_sections``.
    The prefetch runs on whatever slice is evaluated, so a paginated page costs a fixed
    number of queries however many systems and persons there are.
    """
    filters = filters or {}
    active = filters.get("active", True)
    systems = _visible_systems(user=user, include_inactive=active is not True)
    if active is False:
        systems = systems.filter(is_active=False)

    query = (filters.get("q") or "").strip()
    if query:
        condition = Q()
        for field in _TEXT_FIELDS:
            condition |= Q(**{f"{field}__icontains": query})
        systems = systems.filter(condition)
    if filters.get("signature_use"):
        systems = systems.filter(signature_use=filters["signature_use"])
    if filters.get("mine"):
        systems = systems.filter(pk__in=_responsible_system_ids(user=user))
    systems = systems.prefetch_related(_responsible_prefetch())
    if with_report_sections:
        systems = systems.prefetch_related(_report_sections_prefetch())
    return systems


def system_get(*, user, code_or_pk: str | int) -> InformationSystem:
    """One system by its code (or numeric id) with persons and report sections; 404 if hidden."""
    systems = _visible_systems(user=user, include_inactive=True).prefetch_related(
        _responsible_prefetch(), _report_sections_prefetch()
    )
    key = str(code_or_pk)
    system = systems.filter(code=key).first()
    if system is None and key.isdigit():
        system = systems.filter(pk=int(key)).first()
    if system is None:
        raise Http404("No such information system.")
    return system


def _responsible_system_ids(*, user) -> QuerySet:
    """A subquery of the ids of the systems ``user`` is directly responsible for."""
    return (
        get_user_obj_perms_model()
        .objects.filter(
            user=user,
            permission__codename=RESPONSIBLE_CODENAME,
            permission__content_type__app_label="registry",
        )
        # Guardian stores the object id as text; compare it with our integer ids.
        .annotate(system_id=Cast("object_pk", BigIntegerField()))
        .values("system_id")
    )


def systems_responsible_for(*, user) -> QuerySet[InformationSystem]:
    """Systems in use for which ``user`` holds the responsible-person object permission."""
    if not (user and user.is_authenticated):
        return InformationSystem.objects.none()
    return InformationSystem.objects.filter(
        is_active=True, pk__in=_responsible_system_ids(user=user)
    )


def systems_due_for_renewal_reminder(*, today: date, horizon_days: int = 30) -> list[int]:
    """Ids of systems in use whose renewal date falls within the next ``horizon_days`` days."""
    return list(
        InformationSystem.objects.filter(
            is_active=True,
            renewal_date__gte=today,
            renewal_date__lte=today + timedelta(days=horizon_days),
        )
        .order_by("renewal_date", "pk")
        .values_list("pk", flat=True)
    )
