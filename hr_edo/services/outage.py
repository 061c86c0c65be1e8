"""EDO outage mode (REQUIREMENTS B7): declare, update the expected restoration, end.

Each of the three creates an :class:`~hr_edo.models.Announcement` and one
:class:`~hr_edo.models.Delivery` row per active employee with a corporate e-mail (one
``INSERT … SELECT … ON CONFLICT DO NOTHING``: the unique (announcement, recipient) constraint
makes a second call a no-op), then — after the transaction commits — enqueues
``hr_edo.tasks.send_announcement``. The cached banner state is cleared on commit.
"""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hr_edo.models import Announcement, Delivery, Outage
from hr_edo.services.deadlines import deadlines_extend_for_outage

BANNER_CACHE_KEY = "hr_edo:active_outage:v1"
BANNER_CACHE_SECONDS = 30
RECIPIENT_KINDS = ("employee", "teacher")
_LOCK_KEY = 7_262_001  # pg_advisory_xact_lock: one declaration at a time


def active_outage() -> Outage | None:
    return Outage.objects.filter(ended_at__isnull=True).order_by("-started_at").first()


def banner_cache_clear() -> None:
    cache.delete(BANNER_CACHE_KEY)


def _require(actor, perm: str) -> None:
    if actor is None or not actor.is_active or not actor.has_perm(perm):
        raise PermissionDenied(_("Only HR may declare or change an EDO outage."))


def _check_expected(expected_end_at, started_at) -> None:
    if expected_end_at is None or timezone.is_naive(expected_end_at):
        raise ValidationError(_("Give the expected restoration time."))
    if expected_end_at <= max(started_at, timezone.now()):
        raise ValidationError(_("The expected restoration must be in the future."))


def deliveries_create(announcement: Announcement) -> int:
    """One PENDING delivery per active employee/teacher with a corporate e-mail, in their
    preferred language. Idempotent: returns how many rows were new; ``total`` is recounted."""
    from accounts.models import User

    delivery, user = Delivery._meta.db_table, User._meta.db_table
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {q(delivery)}
                (announcement_id, recipient_id, email, language, status, attempts, error)
            SELECT %s, u.id, u.email, COALESCE(NULLIF(u.preferred_language, ''), 'ky'),
                   %s, 0, ''
              FROM {q(user)} u
             WHERE u.is_active AND u.kind = ANY(%s) AND u.email <> ''
             ORDER BY u.id
            ON CONFLICT (announcement_id, recipient_id) DO NOTHING
            """,  # noqa: S608 - table names from models
            [announcement.pk, Delivery.Status.PENDING, list(RECIPIENT_KINDS)],
        )
        inserted = cursor.rowcount
    announcement.total = Delivery.objects.filter(announcement=announcement).count()
    announcement.save(update_fields=["total"])
    return inserted


def _announce(*, actor, outage: Outage, kind: str) -> Announcement:
    announcement = Announcement.objects.create(outage=outage, kind=kind, created_by=actor)
    deliveries_create(announcement)

    def enqueue():
        from hr_edo.tasks import send_announcement

        send_announcement.delay(announcement.pk)

    transaction.on_commit(banner_cache_clear)
    transaction.on_commit(enqueue)
    return announcement


@transaction.atomic
def outage_declare(*, actor, reason: str, details: str = "", expected_end_at) -> Outage:
    _require(actor, "hr_edo.add_outage")
    if reason not in Outage.Reason.values:
        raise ValidationError(_("Choose a reason."))
    now = timezone.now()
    _check_expected(expected_end_at, now)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    if active_outage() is not None:
        raise ValidationError(_("An outage is already declared: update or end it."))
    outage = Outage.objects.create(
        reason=reason,
        details=details,
        started_at=now,
        expected_end_at=expected_end_at,
        declared_by=actor,
    )
    _announce(actor=actor, outage=outage, kind=Announcement.Kind.DECLARED)
    return outage


def _locked_active(outage: Outage) -> Outage:
    locked = Outage.objects.select_for_update().get(pk=outage.pk)
    if locked.ended_at is not None:
        raise ValidationError(_("This outage has already ended."))
    return locked


@transaction.atomic
def outage_update(*, actor, outage: Outage, expected_end_at) -> Outage:
    _require(actor, "hr_edo.change_outage")
    outage = _locked_active(outage)
    _check_expected(expected_end_at, outage.started_at)
    outage.expected_end_at = expected_end_at
    outage.save(update_fields=["expected_end_at"])
    # Deadlines of documents sent meanwhile follow the outage's new length (EDO §4).
    deadlines_extend_for_outage(outage)
    _announce(actor=actor, outage=outage, kind=Announcement.Kind.UPDATED)
    return outage


@transaction.atomic
def outage_end(*, actor, outage: Outage) -> Outage:
    _require(actor, "hr_edo.change_outage")
    outage = _locked_active(outage)
    outage.ended_at = timezone.now()
    outage.save(update_fields=["ended_at"])
    deadlines_extend_for_outage(outage)
    _announce(actor=actor, outage=outage, kind=Announcement.Kind.ENDED)
    return outage


def announcement_progress(announcement: Announcement) -> dict:
    from django.db.models import Count

    counts = dict(
        Delivery.objects.filter(announcement=announcement)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    sent = counts.get(Delivery.Status.SENT, 0)
    failed = counts.get(Delivery.Status.FAILED, 0)
    total = sum(counts.values())
    remaining = total - sent - failed
    done = sent + failed
    return {
        "id": announcement.pk,
        "total": total,
        "sent": sent,
        "failed": failed,
        "remaining": remaining,
        "percent": 100 if total == 0 else int(done * 100 / total),
        "finished": remaining == 0,
    }
