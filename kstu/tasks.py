"""Platform tasks: e-mail delivery and the worker heartbeat."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "kstu:beat:last-heartbeat"


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError, OSError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_email(self, *, subject, body, to, html_body=None, reply_to=None):
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=reply_to or None,
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    sent = message.send()
    # Recipients' addresses are personal data: log the count only.
    logger.info("sent e-mail to %d recipient(s)", len(to))
    return sent


@shared_task
def heartbeat() -> str:
    """Beat → worker round trip; the time is shown to operators and proves beat runs."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, now, timeout=None)
    return now


# Retries of a task that works on one row: the row is re-read and re-claimed each time.
ROW_TASK_RETRY = {"autoretry_for": (Exception,), "max_retries": 3, "retry_backoff": 60}


def dispatch_each(task, ids) -> int:
    """Enqueue ``task(id)`` for every id of a beat sweep; the number of ids.

    One broken row must not hold back the others: its claim rolled back with it, so the next
    sweep tries it again.
    """
    ids = list(ids)
    for row_id in ids:
        try:
            task.delay(row_id)
        except Exception:
            logger.exception("%s(%s) failed", task.name, row_id)
    return len(ids)


def claim_once(queryset, field: str, value) -> bool:
    """Claim a once-only step (a reminder, an escalation, an application) on the row of
    ``queryset`` by setting its still-empty ``field`` to ``value``; True only for the single
    winner.

    A conditional UPDATE: a second worker blocks on the row lock, re-checks the condition after
    the first commits and updates nothing. The bulk ``update()`` bypasses django-simple-history
    on purpose: these columns are the sweeps' bookkeeping, not a change anybody made.
    """
    return queryset.filter(**{f"{field}__isnull": True}).update(**{field: value}) == 1
