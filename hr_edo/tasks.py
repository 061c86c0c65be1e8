"""Background work of HR EDO: the acquaintance-deadline sweep (EDO §1.2, REQUIREMENTS B4).

The beat runs the sweep every 15 minutes; it finds the ids of sent orders due for a reminder or
an escalation and hands each to its own task. A task re-reads its row, returns early when the
row is gone or its status moved on, and claims the work with a conditional UPDATE, so any number
of sweeps and workers running at the same moment send each reminder and escalation once.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from hr_edo.services.orders import (
    order_escalate,
    order_send_reminder,
    orders_due_for_escalation,
    orders_due_for_reminder,
)
from kstu.tasks import ROW_TASK_RETRY, dispatch_each


@shared_task(acks_late=True, **ROW_TASK_RETRY)
def remind_acquaintance(hr_document_id: int) -> int:
    """Remind the employee of one order within a day of its deadline (once)."""
    return order_send_reminder(hr_document_id=hr_document_id)


@shared_task(acks_late=True, **ROW_TASK_RETRY)
def escalate_acquaintance(hr_document_id: int) -> int:
    """Tell HR that one order is overdue (once)."""
    return order_escalate(hr_document_id=hr_document_id)


@shared_task(acks_late=True)
def sweep_acquaintance_deadlines() -> dict[str, int]:
    """Find sent orders due for a reminder or an escalation (beat, every 15 minutes)."""
    now = timezone.now()
    return {
        "reminders": dispatch_each(remind_acquaintance, orders_due_for_reminder(now=now)),
        "escalations": dispatch_each(escalate_acquaintance, orders_due_for_escalation(now=now)),
    }


@shared_task(acks_late=True)
def sweep_copy_requests() -> dict:
    """Remind HR on the last day of a copy request and escalate overdue ones (EDO 2.1.6)."""
    from hr_edo.services.copies import copy_requests_sweep

    return copy_requests_sweep()


# --------------------------------------------------------------------------- outage mass e-mail


@shared_task(bind=True, acks_late=True)
def send_announcement(self, announcement_id: int) -> dict:
    """Send one outage announcement in batches (hr_edo.services.mass_mail); re-enqueue itself
    while work is left. Safe to run several times at once: rows are claimed with SKIP LOCKED."""
    from hr_edo.services import mass_mail

    result = mass_mail.announcement_send(announcement_id)
    if result.state == mass_mail.MORE:
        send_announcement.delay(announcement_id)
    elif result.state == mass_mail.WAITING and not self.request.is_eager:
        send_announcement.apply_async((announcement_id,), countdown=mass_mail.RETRY_DELAY)
    return {
        "state": result.state,
        "sent": result.sent,
        "failed": result.failed,
        "retried": result.retried,
    }


@shared_task(acks_late=True)
def resume_announcements() -> int:
    """Beat, every minute: restart announcements left behind (a worker died, a retry is due)."""
    from hr_edo.services import mass_mail

    return dispatch_each(send_announcement, mass_mail.announcements_to_resume())
