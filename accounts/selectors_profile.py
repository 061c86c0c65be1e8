"""Reads for the profile page and the IS-responsible restriction pages, scoped by who asks."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import AccessRestriction, User
from accounts.services.restrictions import can_restrict

_RESTRICTION_RELATED = ("system", "created_by", "lifted_by")


def restrictions_active_for_user(*, user) -> QuerySet[AccessRestriction]:
    """The user's restrictions in force, newest first (shown on their own profile)."""
    return (
        AccessRestriction.objects.filter(user=user, lifted_at=None)
        .select_related(*_RESTRICTION_RELATED)
        .order_by("-created_at", "-pk")
    )


def restriction_is_active(*, user, system=None, function: str = "") -> bool:
    """Whether ``user`` is blocked, or forbidden ``system`` / ``function`` (for other apps)."""
    condition = Q(kind=AccessRestriction.Kind.ACCOUNT)
    if system is not None:
        condition |= Q(kind=AccessRestriction.Kind.SYSTEM, system=system)
    if function:
        condition |= Q(kind=AccessRestriction.Kind.FUNCTION, function__iexact=function)
    return AccessRestriction.objects.filter(condition, user=user, lifted_at=None).exists()


def _require_restrictor(actor) -> None:
    if not can_restrict(actor):
        raise PermissionDenied


def restriction_user_search(*, actor, query: str) -> QuerySet[User]:
    """Users whose login or name contains ``query``, with their count of active restrictions."""
    _require_restrictor(actor)
    users = User.objects.select_related("department", "position").annotate(
        active_restrictions=Count("restrictions", filter=Q(restrictions__lifted_at=None))
    )
    query = (query or "").strip()
    if query:
        condition = Q()
        for word in query.split()[:4]:
            condition &= (
                Q(username__icontains=word)
                | Q(last_name__icontains=word)
                | Q(first_name__icontains=word)
                | Q(patronymic__icontains=word)
            )
        users = users.filter(condition)
    else:
        # Without a query: the people restricted now, the first thing an IS-responsible reviews.
        users = users.filter(active_restrictions__gt=0)
    return users.order_by("last_name", "first_name", "username")


def restriction_user_get(*, actor, user_id: int) -> User:
    _require_restrictor(actor)
    return get_object_or_404(User.objects.select_related("department", "position"), pk=user_id)


def restrictions_for_user(*, actor, user) -> QuerySet[AccessRestriction]:
    """All restrictions of ``user``, in force first, for the IS-responsible person's card."""
    _require_restrictor(actor)
    return (
        AccessRestriction.objects.filter(user=user)
        .select_related(*_RESTRICTION_RELATED)
        .order_by(F("lifted_at").asc(nulls_first=True), "-created_at", "-pk")
    )


def restriction_get(*, actor, restriction_id: int) -> AccessRestriction:
    _require_restrictor(actor)
    return get_object_or_404(
        AccessRestriction.objects.select_related("user", *_RESTRICTION_RELATED),
        pk=restriction_id,
    )
