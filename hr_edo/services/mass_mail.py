"""Sending an announcement's deliveries in batches, resumable after a crash (DESIGN §3).

A run claims a batch of up to ``batch_size`` rows with one statement::

    UPDATE delivery SET status='sending', claimed_at=now
     WHERE id IN (SELECT id … WHERE status='pending' (not waiting for a retry)
                              OR (status='sending' AND claimed_at < now - CLAIM_TIMEOUT)
                  ORDER BY id LIMIT n FOR UPDATE SKIP LOCKED)
    RETURNING id

so any number of workers share the work without taking the same row. The batch goes through
ONE SMTP connection; every message is rendered in its recipient's language.

Delivery semantics. Each row is marked SENT (autocommit) immediately after the SMTP server
accepted its message, and FAILED/PENDING immediately after a refusal. A worker killed mid-batch
therefore leaves at most ONE message whose fate is unknown (accepted by the server, not yet
marked) plus rows that were claimed but never attempted; both are still SENDING and are taken
again once their claim is older than ``CLAIM_TIMEOUT``. We choose at-least-once for that single
in-flight message (it is retried: losing a notice is worse than a rare duplicate in the
milliseconds between the server's "250 OK" and our UPDATE) and exactly-once for everything
else — a row marked SENT is never sent again. A run that is about to hold its claim for longer
than half of ``CLAIM_TIMEOUT`` gives back the rows it has not attempted, so a slow but alive
worker is never overtaken by another one.

Errors: 4xx replies, a dropped connection or a timeout are temporary — the row goes back to
PENDING with ``attempts + 1`` and is retried after ``retry_delay`` seconds, and becomes FAILED
after ``MAX_ATTEMPTS``. A 5xx reply (recipient or message refused) is permanent: FAILED with the
server's reason.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection as db
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from hr_edo.models import Announcement, Delivery
from kstu.mail import render_mail

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
MAX_ATTEMPTS = 5
CLAIM_TIMEOUT = dt.timedelta(minutes=5)
RETRY_DELAY = 30  # seconds before a temporarily refused message is tried again
TIME_BUDGET = 120  # seconds of one task run; then it re-enqueues itself

DONE, MORE, WAITING = "done", "more", "waiting"


@dataclass
class RunResult:
    state: str  # DONE: nothing left; MORE: budget used up; WAITING: only delayed retries left
    sent: int = 0
    failed: int = 0
    retried: int = 0


def claim_batch(
    announcement_id: int, *, size: int, retry_delay: float
) -> tuple[list[int], dt.datetime]:
    now = timezone.now()
    stale = now - CLAIM_TIMEOUT
    retry_after = now - dt.timedelta(seconds=retry_delay)
    table = db.ops.quote_name(Delivery._meta.db_table)
    with db.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} SET status = %s, claimed_at = %s
             WHERE id IN (
                   SELECT id FROM {table}
                    WHERE announcement_id = %s
                      AND ((status = %s AND (claimed_at IS NULL OR claimed_at <= %s))
                           OR (status = %s AND claimed_at < %s))
                    ORDER BY id
                    LIMIT %s
                      FOR UPDATE SKIP LOCKED)
            RETURNING id
            """,  # noqa: S608 - table names from models
            [
                Delivery.Status.SENDING,
                now,
                announcement_id,
                Delivery.Status.PENDING,
                retry_after,
                Delivery.Status.SENDING,
                stale,
                size,
            ],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
    return ids, now


def has_unfinished(announcement_id: int) -> bool:
    return Delivery.objects.filter(
        announcement_id=announcement_id,
        status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING],
    ).exists()


def render_message(announcement: Announcement, language: str) -> tuple[str, str]:
    outage = announcement.outage
    context = {
        "announcement": announcement,
        "outage": outage,
        "kind": announcement.kind,
        "expected_end_at": timezone.localtime(outage.expected_end_at),
        "started_at": timezone.localtime(outage.started_at),
        "ended_at": timezone.localtime(outage.ended_at) if outage.ended_at else None,
        "site_url": settings.SITE_URL,
    }
    return render_mail("hr_edo/email/outage", context, language=language)


def classify(error: BaseException) -> tuple[bool, str]:
    """(temporary?, reason) for a failed send."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, message = next(iter(error.recipients.values()))
        text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
        return 400 <= code < 500, f"{code} {text}"
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        return not 500 <= error.smtp_code < 600, f"{error.smtp_code} {text}"
    return True, f"{type(error).__name__}: {error}"[:500]


def _mark(pk: int, claim: dt.datetime, **values) -> None:
    """Update a row only while it is still our claim (never one another worker took over)."""
    Delivery.objects.filter(pk=pk, status=Delivery.Status.SENDING, claimed_at=claim).update(
        **values
    )


def _mark_temporary(pk: int, claimed_at: dt.datetime, reason: str) -> bool:
    """Back to PENDING (retried after the delay) or FAILED after MAX_ATTEMPTS; True if failed."""
    now = timezone.now()
    _mark(
        pk,
        claimed_at,
        attempts=F("attempts") + 1,
        status=Case(
            When(attempts__gte=MAX_ATTEMPTS - 1, then=Value(Delivery.Status.FAILED)),
            default=Value(Delivery.Status.PENDING),
        ),
        claimed_at=now,
        error=reason[:500],
    )
    return Delivery.objects.filter(pk=pk, status=Delivery.Status.FAILED).exists()


def _release(ids: list[int], claimed_at: dt.datetime) -> None:
    Delivery.objects.filter(
        pk__in=ids, status=Delivery.Status.SENDING, claimed_at=claimed_at
    ).update(status=Delivery.Status.PENDING, claimed_at=None)


def send_batch(
    announcement: Announcement, ids: list[int], claimed_at: dt.datetime, result: RunResult
) -> None:
    rows = list(
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENDING, claimed_at=claimed_at)
        .order_by("pk")
        .values_list("pk", "email", "language")
    )
    rendered: dict[str, tuple[str, str]] = {}
    connection = get_connection(fail_silently=False)
    hold_until = time.monotonic() + CLAIM_TIMEOUT.total_seconds() / 2
    try:
        for index, (pk, address, language) in enumerate(rows):
            if time.monotonic() > hold_until:
                _release([row[0] for row in rows[index:]], claimed_at)
                return
            if language not in rendered:
                rendered[language] = render_message(announcement, language)
            subject, body = rendered[language]
            message = EmailMessage(subject, body, to=[address], connection=connection)
            try:
                # Opens the SMTP connection once and keeps it for the batch (a no-op when it is
                # already open, and for backends without a connection: console, file, locmem).
                connection.open()
                message.send()
            except Exception as error:  # noqa: BLE001 - every failure is recorded on the row
                temporary, reason = classify(error)
                if temporary:
                    if _mark_temporary(pk, claimed_at, reason):
                        result.failed += 1
                    else:
                        result.retried += 1
                else:
                    _mark(
                        pk,
                        claimed_at,
                        status=Delivery.Status.FAILED,
                        attempts=F("attempts") + 1,
                        error=reason[:500],
                    )
                    result.failed += 1
                if not isinstance(
                    error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused
                ):
                    # the connection may be broken: start a fresh one for the next message
                    connection.close()
                continue
            _mark(
                pk,
                claimed_at,
                status=Delivery.Status.SENT,
                sent_at=timezone.now(),
                attempts=F("attempts") + 1,
                error="",
            )
            result.sent += 1
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001
            logger.warning("closing the SMTP connection failed", exc_info=True)


def announcement_send(
    announcement_id: int,
    *,
    batch_size: int = BATCH_SIZE,
    retry_delay: float = RETRY_DELAY,
    time_budget: float = TIME_BUDGET,
) -> RunResult:
    """Send claimable deliveries of one announcement until none is left or the budget is used."""
    announcement = Announcement.objects.select_related("outage").filter(pk=announcement_id).first()
    if announcement is None:
        return RunResult(DONE)
    result = RunResult(DONE)
    deadline = time.monotonic() + time_budget
    while True:
        if time.monotonic() > deadline:
            result.state = MORE
            return result
        ids, claimed_at = claim_batch(announcement_id, size=batch_size, retry_delay=retry_delay)
        if not ids:
            result.state = WAITING if has_unfinished(announcement_id) else DONE
            return result
        send_batch(announcement, ids, claimed_at, result)


def announcements_to_resume() -> list[int]:
    """Announcements with claimable rows: pending (past the retry delay) or stale claims."""
    now = timezone.now()
    return list(
        Delivery.objects.filter(
            Q(status=Delivery.Status.PENDING)
            & (
                Q(claimed_at__isnull=True)
                | Q(claimed_at__lte=now - dt.timedelta(seconds=RETRY_DELAY))
            )
            | Q(status=Delivery.Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
        )
        .values_list("announcement_id", flat=True)
        .distinct()
        .order_by("announcement_id")
    )
