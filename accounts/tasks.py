"""Background work of the account lifecycle: the access-deadline sweep and personnel orders.

The beat runs the two sweeps; each finds the ids that need work and hands every id to its own
task. A task re-reads its row, returns early when the row is gone or its status moved on, and
claims the work with a conditional UPDATE, so any number of sweeps and workers running at the
same moment send each reminder and escalation once and apply each order once.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from accounts.selectors_grants import (
    access_tasks_due_for_escalation,
    access_tasks_due_for_reminder,
    personnel_orders_due,
)
from accounts.services.grants import access_task_escalate, access_task_send_reminder
from accounts.services.orders import personnel_order_apply
from kstu.tasks import ROW_TASK_RETRY, dispatch_each


@shared_task(acks_late=True, **ROW_TASK_RETRY)
def remind_access_task(task_id: int) -> int:
    """Remind the responsible persons of one task on its last day (once)."""
    return access_task_send_reminder(task_id=task_id)


@shared_task(acks_late=True, **ROW_TASK_RETRY)
def escalate_access_task(task_id: int) -> int:
    """Tell the heads of the responsible persons that one task is overdue (once)."""
    return access_task_escalate(task_id=task_id)


@shared_task(acks_late=True, **ROW_TASK_RETRY)
def apply_personnel_order(order_id: int) -> bool:
    """Make one order take effect (once)."""
    return personnel_order_apply(order_id=order_id)


@shared_task(acks_late=True)
def sweep_access_deadlines() -> dict[str, int]:
    """Find pending tasks due for a reminder or an escalation (beat, every 15 minutes)."""
    now = timezone.now()
    return {
        "reminders": dispatch_each(remind_access_task, access_tasks_due_for_reminder(now=now)),
        "escalations": dispatch_each(
            escalate_access_task, access_tasks_due_for_escalation(now=now)
        ),
    }


@shared_task(acks_late=True)
def apply_due_personnel_orders() -> int:
    """Apply the orders whose effective date has come (beat, hourly and just after midnight)."""
    return dispatch_each(apply_personnel_order, personnel_orders_due(today=timezone.localdate()))
