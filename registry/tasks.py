"""Background work of the register: the daily subscription-renewal sweep."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from registry.selectors import systems_due_for_renewal_reminder
from registry.services import system_send_renewal_reminder

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def send_renewal_reminders() -> int:
    """Remind responsible persons of yearly subscriptions due within 30 days (beat, 08:00).

    Safe to run any number of times and in parallel: each reminder is claimed by a conditional
    UPDATE before it is sent (``system_send_renewal_reminder``). Returns the mails queued.
    """
    today = timezone.localdate()
    queued = 0
    for system_id in systems_due_for_renewal_reminder(today=today):
        try:
            queued += system_send_renewal_reminder(system_id=system_id, today=today)
        except Exception:
            # One broken system must not hold back the others; its claim rolled back with it,
            # so tomorrow's sweep tries again.
            logger.exception("renewal reminder for system %s failed", system_id)
    return queued
