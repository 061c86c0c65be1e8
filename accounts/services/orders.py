"""Dismissal and transfer orders (IS §3.7, REQUIREMENTS A5).

HR records the order; the electronic copy goes to the responsible person of every system the
employee has access to as one revocation task each, due at the end of the 3rd working day after
the order's *approval* date. On the *effective* date the order takes effect once: a dismissed
employee's account is deactivated (no more logins), a transferred one's unit and position change.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AccessGrant, PersonnelOrder
from accounts.selectors_grants import systems_with_access
from accounts.services.access_tasks import access_task_create
from kstu.tasks import claim_once

logger = logging.getLogger(__name__)


def _validate_order(
    *, user, kind: str, number: str, approved_on, effective_on, new_department, new_position
) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in PersonnelOrder.Kind.values:
        errors["kind"] = [_("Choose dismissal or transfer.")]
    if not (number or "").strip():
        errors["number"] = [_("Give the order number.")]
    if approved_on and effective_on and effective_on < approved_on:
        errors["effective_on"] = [
            _("The effective date cannot be before the approval date (%(date)s).")
            % {"date": approved_on.isoformat()}
        ]
    if kind == PersonnelOrder.Kind.TRANSFER:
        if new_department is None:
            errors["new_department"] = [_("A transfer needs the new department.")]
        if new_position is None:
            errors["new_position"] = [_("A transfer needs the new position.")]
    if not user.is_active:
        errors["user"] = [_("This account is already inactive.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def personnel_order_record(
    *,
    actor,
    user,
    kind: str,
    number: str,
    approved_on: dt.date,
    effective_on: dt.date,
    new_department=None,
    new_position=None,
) -> PersonnelOrder:
    """Record a dismissal or transfer order and send its electronic copy.

    1. The actor must hold ``accounts.add_personnelorder`` (HR) and not be the employee.
    2. Validate: effective date not before approval, a transfer names the new unit and position.
    3. Create the order.
    4. For every system the employee has access to (a DONE grant with no later DONE
       revocation) create a revocation task due 3 working days after the approval date; each
       mails that system's responsible persons (the order's e-copy). A system that already has
       an open revocation task keeps that one.
    5. A dismissal cancels the employee's pending grant tasks.
    6. If the effective date has already come, apply the order now (same transaction).
    """
    if (
        actor is None
        or not actor.is_authenticated
        or not actor.has_perm("accounts.add_personnelorder")
    ):
        raise PermissionDenied(_("Only HR records dismissal and transfer orders."))
    if actor.pk == user.pk:
        raise PermissionDenied(_("You cannot record an order about yourself."))
    if kind == PersonnelOrder.Kind.DISMISSAL:
        new_department = new_position = None
    _validate_order(
        user=user,
        kind=kind,
        number=number,
        approved_on=approved_on,
        effective_on=effective_on,
        new_department=new_department,
        new_position=new_position,
    )
    order = PersonnelOrder(
        user=user,
        kind=kind,
        number=number.strip(),
        approved_on=approved_on,
        effective_on=effective_on,
        new_department=new_department,
        new_position=new_position,
        created_by=actor,
    )
    order._history_user = actor
    order.save()

    already_open = set(
        AccessGrant.objects.filter(
            user=user, kind=AccessGrant.Kind.REVOKE, status=AccessGrant.Status.PENDING
        ).values_list("system_id", flat=True)
    )
    created = 0
    for system_id, grant in sorted(systems_with_access(user=user).items()):
        if system_id in already_open:
            continue
        access_task_create(
            user=user,
            system=grant.system,
            kind=AccessGrant.Kind.REVOKE,
            start=approved_on,
            access_level=grant.granted_level or grant.access_level,
            order=order,
        )
        created += 1

    if kind == PersonnelOrder.Kind.DISMISSAL:
        now = timezone.now()
        for task in AccessGrant.objects.filter(
            user=user, kind=AccessGrant.Kind.GRANT, status=AccessGrant.Status.PENDING
        ).select_for_update():
            task.status = AccessGrant.Status.CANCELLED
            task.decided_at = now
            task.decided_by = actor
            task.reason = _("Dismissed by order №%(number)s.") % {"number": order.number}
            task._history_user = actor
            task.save(update_fields=["status", "decided_at", "decided_by", "reason"])

    logger.info(
        "order %s (%s) for user %s recorded by user %s: %d revocation task(s)",
        order.pk,
        kind,
        user.pk,
        actor.pk,
        created,
    )
    if effective_on <= timezone.localdate():
        personnel_order_apply(order_id=order.pk)
        order.refresh_from_db()
    return order


def personnel_order_claim_application(*, order_id: int, today: dt.date, now: dt.datetime) -> bool:
    """Claim the order's one application; True only for the single winner (``claim_once``).
    The caller writes the history row afterwards."""
    return claim_once(
        PersonnelOrder.objects.filter(pk=order_id, effective_on__lte=today), "applied_at", now
    )


@transaction.atomic
def personnel_order_apply(*, order_id: int, now: dt.datetime | None = None) -> bool:
    """Make an order take effect on its effective date, exactly once; True if it did now.

    1. Re-read the order; nothing to do when it is gone, already applied or not yet effective.
    2. Claim it (``applied_at``), then save it once more so its history shows the application
       (the claim's bulk UPDATE alone would bypass django-simple-history).
    3. Dismissal: deactivate the account — the person can no longer sign in and their open
       sessions stop being accepted. Transfer: new department and position, account kept.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    order = PersonnelOrder.objects.select_related("user").filter(pk=order_id).first()
    if order is None or order.applied_at is not None or order.effective_on > today:
        return False
    if not personnel_order_claim_application(order_id=order.pk, today=today, now=now):
        return False
    order.applied_at = now
    order.save(update_fields=["applied_at"])
    user = order.user
    if order.kind == PersonnelOrder.Kind.DISMISSAL:
        user.is_active = False
        user.save(update_fields=["is_active"])
    else:
        user.department = order.new_department
        user.position = order.new_position
        user.save(update_fields=["department", "position"])
    logger.info("order %s (%s) applied to user %s", order.pk, order.kind, user.pk)
    return True
