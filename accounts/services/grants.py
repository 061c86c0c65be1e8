"""The responsible persons' decisions on access tasks, and the deadline sweep's reminders and
escalations (IS §3.5, §3.7).

Every decision is checked here, not only in the view: the actor must be responsible for *that*
task's system (the guardian object permission, read through ``registry.selectors``) and may not
decide on a task about their own access. A task moves only from PENDING, once.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from accounts import roles
from accounts.models import AccessGrant, AccessLevel, PersonnelOrder
from accounts.selectors_grants import REMINDER_LEAD
from accounts.services.access_tasks import access_task_notify_responsible
from audit.models import AuthEvent
from audit.services import event_record
from kstu.mail import mail_user_on_commit, role_recipients
from kstu.tasks import claim_once
from registry.selectors import systems_responsible_for

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- checks


def access_task_check_decider(*, actor, task: AccessGrant) -> None:
    """Raise PermissionDenied unless ``actor`` may decide on ``task``: an active user
    responsible for the task's system, and not the person the task is about."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Sign in to decide on access tasks."))
    if task.user_id == actor.pk:
        raise PermissionDenied(
            _("You cannot decide on a task about your own access; another responsible person will.")
        )
    if not systems_responsible_for(user=actor).filter(pk=task.system_id).exists():
        raise PermissionDenied(
            _("Only a person responsible for %(system)s decides on its access tasks.")
            % {"system": task.system.name}
        )


def _lock_pending(*, task: AccessGrant, kind: str) -> AccessGrant:
    """Re-read the task under a row lock and refuse anything but a pending task of ``kind``.

    The lock makes two responsible persons clicking at the same moment decide one after the
    other: the second sees the first one's decision and is told so.
    """
    locked = (
        AccessGrant.objects.select_for_update(of=("self",))
        .select_related("user", "system", "order")
        .filter(pk=task.pk)
        .first()
    )
    if locked is None:
        raise ValidationError(_("This access task no longer exists."), code="gone")
    if locked.kind != kind:
        raise ValidationError(
            _("This decision does not apply to a task to %(task)s.")
            % {"task": locked.get_kind_display().lower()},
            code="wrong_kind",
        )
    if locked.status != AccessGrant.Status.PENDING:
        raise ValidationError(
            _("This task has already been decided: %(status)s.")
            % {"status": locked.get_status_display()},
            code="decided",
        )
    return locked


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")}, code="reason_required")
    return reason


def _decide(*, task: AccessGrant, actor, status: str, **fields) -> AccessGrant:
    task.status = status
    task.decided_at = timezone.now()
    task.decided_by = actor
    for name, value in fields.items():
        setattr(task, name, value)
    task._history_user = actor  # the decider, also when called outside a request
    task.save(update_fields=["status", "decided_at", "decided_by", *fields])
    return task


def _record_access_change(*, actor, task: AccessGrant, change: str) -> None:
    """The opened or closed access is a change of the person's permissions: log it."""
    event_record(
        action=AuthEvent.Action.PERMISSION_CHANGE,
        request=getattr(HistoricalRecords.context, "request", None),
        user=actor,
        target=task.user,
        details={
            "change": change,
            "system": task.system.code,
            "level": task.granted_level or task.access_level,
            "task": task.pk,
        },
    )


# --------------------------------------------------------------------------- decisions


@transaction.atomic
def access_grant_mark_granted(*, actor, task: AccessGrant, granted_level: str) -> AccessGrant:
    """The responsible person has opened the access (IS §3.5).

    1. The actor must be responsible for the task's system and not the task's subject.
    2. Lock the task; it must be a pending GRANT task.
    3. Record the level actually given, the time and the decider; log the permission change.
    4. Tell the user by e-mail after commit.
    """
    access_task_check_decider(actor=actor, task=task)
    if granted_level not in AccessLevel.values:
        raise ValidationError(
            {"granted_level": _("Choose the access level given.")}, code="level_required"
        )
    task = _lock_pending(task=task, kind=AccessGrant.Kind.GRANT)
    _decide(task=task, actor=actor, status=AccessGrant.Status.DONE, granted_level=granted_level)
    _record_access_change(actor=actor, task=task, change="grant")
    _notify_user_of_decision(task=task)
    logger.info("access task %s granted by user %s", task.pk, actor.pk)
    return task


@transaction.atomic
def access_grant_refuse(*, actor, task: AccessGrant, reason: str) -> AccessGrant:
    """The responsible person refuses to open the access, with the reason the user will read."""
    access_task_check_decider(actor=actor, task=task)
    reason = _required_reason(reason)
    task = _lock_pending(task=task, kind=AccessGrant.Kind.GRANT)
    _decide(task=task, actor=actor, status=AccessGrant.Status.REFUSED, reason=reason)
    _notify_user_of_decision(task=task)
    logger.info("access task %s refused by user %s", task.pk, actor.pk)
    return task


@transaction.atomic
def access_revocation_mark_done(*, actor, task: AccessGrant) -> AccessGrant:
    """The responsible person has closed the access after a dismissal or transfer (IS §3.7)."""
    access_task_check_decider(actor=actor, task=task)
    task = _lock_pending(task=task, kind=AccessGrant.Kind.REVOKE)
    _decide(task=task, actor=actor, status=AccessGrant.Status.DONE)
    _record_access_change(actor=actor, task=task, change="revoke")
    logger.info("access task %s (revocation) done by user %s", task.pk, actor.pk)
    return task


@transaction.atomic
def access_revocation_keep(*, actor, task: AccessGrant, reason: str) -> AccessGrant:
    """After a *transfer* only: the access stays because the new position needs it."""
    access_task_check_decider(actor=actor, task=task)
    reason = _required_reason(reason)
    task = _lock_pending(task=task, kind=AccessGrant.Kind.REVOKE)
    if task.order is None or task.order.kind != PersonnelOrder.Kind.TRANSFER:
        raise ValidationError(
            _("Access can be kept only after a transfer; after a dismissal it is closed."),
            code="not_transfer",
        )
    _decide(task=task, actor=actor, status=AccessGrant.Status.KEPT, reason=reason)
    logger.info("access task %s (revocation) kept by user %s", task.pk, actor.pk)
    return task


def _user_address(user) -> str:
    return user.email or user.personal_email


def _notify_user_of_decision(*, task: AccessGrant) -> None:
    """Mail the user (corporate address, else personal) in their language, after commit."""
    mail_user_on_commit(
        task.user,
        "accounts/grants/email_decision",
        {
            "task": task,
            "person": task.user,
            "url": settings.SITE_URL + reverse("accounts:access-mine"),
        },
        address=_user_address(task.user),
    )


# --------------------------------------------------------------------------- reminders


def access_task_claim_reminder(*, task_id: int, now: dt.datetime) -> bool:
    """Claim the one reminder of a task; True only for the single winner (``claim_once``)."""
    return claim_once(
        AccessGrant.objects.filter(
            pk=task_id, status=AccessGrant.Status.PENDING, due_at__lte=now + REMINDER_LEAD
        ),
        "reminded_at",
        now,
    )


def access_task_claim_escalation(*, task_id: int, now: dt.datetime) -> bool:
    """Claim the one escalation of an overdue task (``claim_once``)."""
    return claim_once(
        AccessGrant.objects.filter(pk=task_id, status=AccessGrant.Status.PENDING, due_at__lt=now),
        "escalated_at",
        now,
    )


def _pending_task(task_id: int) -> AccessGrant | None:
    return (
        AccessGrant.objects.select_related("user", "system")
        .filter(pk=task_id, status=AccessGrant.Status.PENDING)
        .first()
    )


@transaction.atomic
def access_task_send_reminder(*, task_id: int, now: dt.datetime | None = None) -> int:
    """Remind the task's responsible persons once, on its last day; the number of mails queued.

    1. Re-read the task; nothing to do when it is gone or no longer pending.
    2. Claim the reminder (``reminded_at``); a reminder already claimed sends nothing.
    3. Queue one mail per responsible person in their language; sent only if this commits.
    """
    now = now or timezone.now()
    task = _pending_task(task_id)
    if task is None or not access_task_claim_reminder(task_id=task.pk, now=now):
        return 0
    sent = access_task_notify_responsible(task=task, template="reminder")
    logger.info("access task %s: reminder queued to %d person(s)", task.pk, sent)
    return sent


def _it_department() -> list:
    return list(role_recipients(roles.IT_DEPARTMENT))


def escalation_recipients(*, task: AccessGrant) -> list:
    """The head of the department of each responsible person; the IT department (СИТБ) for a
    person without a head to tell (no unit, no head, or the head is the person) and for a
    system with nobody responsible."""
    recipients: dict[int, object] = {}
    needs_it = False
    persons = task.system.responsible_persons
    for person in persons:
        department = person.department
        head = department.head if department is not None else None
        if head is None or head.pk == person.pk or not head.is_active or not head.email:
            needs_it = True
            continue
        recipients.setdefault(head.pk, head)
    if needs_it or not persons:
        for member in _it_department():
            recipients.setdefault(member.pk, member)
    return list(recipients.values())


@transaction.atomic
def access_task_escalate(*, task_id: int, now: dt.datetime | None = None) -> int:
    """Tell the responsible persons' heads once that a task is overdue; mails queued.

    1. Re-read the task; nothing to do when it is gone or no longer pending.
    2. Claim the escalation (``escalated_at``); an escalation already claimed sends nothing.
    3. Queue one mail per head (or IT-department member) in their language.
    """
    now = now or timezone.now()
    task = _pending_task(task_id)
    if task is None or not access_task_claim_escalation(task_id=task.pk, now=now):
        return 0
    recipients = escalation_recipients(task=task)
    responsible = task.system.responsible_persons
    url = settings.SITE_URL + reverse("accounts:access-overdue")
    for head in recipients:
        mail_user_on_commit(
            head,
            "accounts/email/access_task_escalation",
            {"task": task, "person": head, "responsible": responsible, "url": url},
        )
    logger.info("access task %s: escalation queued to %d person(s)", task.pk, len(recipients))
    return len(recipients)
