"""Blocks set by IS-responsible persons (IS §6.7, REQUIREMENTS A14).

An IS-responsible person (role ``is_responsible``) or a superuser may block an account,
forbid a user an information system they are responsible for, or forbid a function, and lift
each of these — always with a reason, kept on the restriction (the written act). Every step is
a history row of the ``AccessRestriction`` plus an event in the audit event log.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AccessRestriction, User
from accounts.roles import IS_RESPONSIBLE
from accounts.services.lockout import account_unlock, is_locked
from accounts.services.sessions import sessions_end_all
from audit.models import AuthEvent
from audit.services import event_record
from registry.selectors import systems_responsible_for

Kind = AccessRestriction.Kind


def can_restrict(user) -> bool:
    return bool(
        user and user.is_authenticated and (user.is_superuser or user.has_role(IS_RESPONSIBLE))
    )


def _check_actor(*, actor, user) -> None:
    if not can_restrict(actor):
        raise PermissionDenied(_("Only an IS-responsible person may restrict access."))
    if actor.pk == user.pk:
        raise PermissionDenied(_("You cannot restrict your own access."))
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied(_("Only a superuser may restrict a superuser."))


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("State the reason (the act).")})
    return reason


def _with_history_user(restriction: AccessRestriction, actor) -> AccessRestriction:
    restriction._history_user = actor
    return restriction


def _restriction_new(*, actor, user, kind: str, reason: str, **target) -> AccessRestriction:
    """Keep a new restriction of ``kind`` (with its system or function), set by ``actor``."""
    restriction = AccessRestriction(
        user=user, kind=kind, reason=reason, created_by=actor, created_at=timezone.now(), **target
    )
    _with_history_user(restriction, actor).save()
    return restriction


def _record(*, action, actor, user, restriction, request, **details) -> None:
    event_record(
        action=action,
        request=request,
        user=user,
        target=restriction,
        details={
            "by": actor.get_username(),
            "kind": restriction.kind,
            "reason": restriction.lift_reason or restriction.reason,
            "restriction_id": restriction.pk,
            **details,
        },
    )


@transaction.atomic
def account_block(*, actor, user: User, reason: str, request=None) -> AccessRestriction:
    """Block ``user``'s account.

    1. Check the actor's right and the reason; refuse a second block of a blocked account.
    2. Deactivate the account and keep the restriction with its reason.
    3. End the user's open sessions (Django does not, on deactivation).
    4. Record an ACCOUNT_BLOCK event naming who blocked and why.
    """
    _check_actor(actor=actor, user=user)
    reason = _required_reason(reason)
    user = User.objects.select_for_update().get(pk=user.pk)
    if AccessRestriction.objects.filter(user=user, kind=Kind.ACCOUNT, lifted_at=None).exists():
        raise ValidationError(_("This account is already blocked."))
    restriction = _restriction_new(actor=actor, user=user, kind=Kind.ACCOUNT, reason=reason)
    if user.is_active:
        user.is_active = False
        user._history_user = actor
        user.save(update_fields=["is_active"])
    sessions = sessions_end_all(user=user)
    _record(
        action=AuthEvent.Action.ACCOUNT_BLOCK,
        actor=actor,
        user=user,
        restriction=restriction,
        request=request,
        sessions_ended=sessions,
    )
    return restriction


def _lift(*, actor, restriction: AccessRestriction, reason: str) -> AccessRestriction:
    restriction = AccessRestriction.objects.select_for_update().get(pk=restriction.pk)
    if not restriction.is_active:
        raise ValidationError(_("This restriction has already been lifted."))
    restriction.lifted_at = timezone.now()
    restriction.lifted_by = actor
    restriction.lift_reason = reason
    _with_history_user(restriction, actor).save(
        update_fields=["lifted_at", "lifted_by", "lift_reason"]
    )
    return restriction


@transaction.atomic
def account_unblock(
    *, actor, restriction: AccessRestriction, reason: str, request=None
) -> AccessRestriction:
    """Lift an account block; the account is active again unless another block remains."""
    if restriction.kind != Kind.ACCOUNT:
        raise ValidationError(_("This is not an account block."))
    _check_actor(actor=actor, user=restriction.user)
    reason = _required_reason(reason)
    restriction = _lift(actor=actor, restriction=restriction, reason=reason)
    user = User.objects.select_for_update().get(pk=restriction.user_id)
    still_blocked = AccessRestriction.objects.filter(
        user=user, kind=Kind.ACCOUNT, lifted_at=None
    ).exists()
    if not still_blocked and not user.is_active:
        user.is_active = True
        user._history_user = actor
        user.save(update_fields=["is_active"])
    if not still_blocked and is_locked(user.username):
        # While blocked, even the right password counted as a failed sign-in, so the
        # automatic lock may have closed too; lifting the block lifts that lock as well.
        account_unlock(actor=actor, username=user.username, reason=reason, request=request)
    _record(
        action=AuthEvent.Action.ACCOUNT_UNBLOCK,
        actor=actor,
        user=user,
        restriction=restriction,
        request=request,
        still_blocked=still_blocked,
    )
    return restriction


@transaction.atomic
def system_forbid(*, actor, user: User, system, reason: str, request=None) -> AccessRestriction:
    """Forbid ``user`` an information system; only its responsible person (or a superuser)."""
    _check_actor(actor=actor, user=user)
    if (
        not actor.is_superuser
        and not systems_responsible_for(user=actor).filter(pk=system.pk).exists()
    ):
        raise PermissionDenied(_("You are not responsible for this information system."))
    reason = _required_reason(reason)
    if AccessRestriction.objects.filter(
        user=user, kind=Kind.SYSTEM, system=system, lifted_at=None
    ).exists():
        raise ValidationError(_("This system is already forbidden to the user."))
    restriction = _restriction_new(
        actor=actor, user=user, kind=Kind.SYSTEM, reason=reason, system=system
    )
    _record(
        action=AuthEvent.Action.PERMISSION_CHANGE,
        actor=actor,
        user=user,
        restriction=restriction,
        request=request,
        change="forbid",
        system=system.code,
    )
    return restriction


@transaction.atomic
def function_forbid(*, actor, user: User, function: str, reason: str, request=None):
    """Forbid ``user`` a function of the systems (free text, e.g. "report export")."""
    _check_actor(actor=actor, user=user)
    function = (function or "").strip()
    if not function:
        raise ValidationError({"function": _("Name the function.")})
    reason = _required_reason(reason)
    if AccessRestriction.objects.filter(
        user=user, kind=Kind.FUNCTION, function__iexact=function, lifted_at=None
    ).exists():
        raise ValidationError(_("This function is already forbidden to the user."))
    restriction = _restriction_new(
        actor=actor, user=user, kind=Kind.FUNCTION, reason=reason, function=function
    )
    _record(
        action=AuthEvent.Action.PERMISSION_CHANGE,
        actor=actor,
        user=user,
        restriction=restriction,
        request=request,
        change="forbid",
        function=function,
    )
    return restriction


@transaction.atomic
def restriction_lift(
    *, actor, restriction: AccessRestriction, reason: str, request=None
) -> AccessRestriction:
    """Lift any restriction; an account block goes through ``account_unblock``.

    A system restriction is lifted only by a person responsible for that system (or a
    superuser) — the same rule as for setting it.
    """
    if restriction.kind == Kind.ACCOUNT:
        return account_unblock(actor=actor, restriction=restriction, reason=reason, request=request)
    _check_actor(actor=actor, user=restriction.user)
    if (
        restriction.kind == Kind.SYSTEM
        and not actor.is_superuser
        and not systems_responsible_for(user=actor).filter(pk=restriction.system_id).exists()
    ):
        raise PermissionDenied(_("You are not responsible for this information system."))
    reason = _required_reason(reason)
    restriction = _lift(actor=actor, restriction=restriction, reason=reason)
    details = {"change": "lift"}
    if restriction.kind == Kind.SYSTEM:
        details["system"] = restriction.system.code
    else:
        details["function"] = restriction.function
    _record(
        action=AuthEvent.Action.PERMISSION_CHANGE,
        actor=actor,
        user=restriction.user,
        restriction=restriction,
        request=request,
        **details,
    )
    return restriction
