"""Retention of HR documents (B5): kept for their type's term, never deleted automatically.

A document's ``retention_until`` is its date plus the type's retention period, set when it
becomes final (acquainted by the employee, or accepted by HR). Past that date it is listed for
an HR decision — keep (with a reason) or mark for disposal; a legal hold blocks disposal.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuthEvent
from audit.services import event_record
from hr_edo.models import HrDocument

FINAL_STATUSES = (HrDocument.Status.ACQUAINTED, HrDocument.Status.ACCEPTED)
HR_PERMISSION = "hr_edo.change_hrdocument"
DISPOSAL_PREFIX = "dispose:"
KEEP_PREFIX = "keep:"


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year + years, day=28)


def retention_compute(doc: HrDocument) -> dt.date | None:
    """The keep-until date of a final document; None while it is not final."""
    if doc.status not in FINAL_STATUSES:
        return None
    return _add_years(doc.document_date, doc.type.retention_years)


def retention_set_for(doc: HrDocument, *, save: bool = True) -> dt.date | None:
    """Set ``retention_until`` when missing (call it when a document becomes final)."""
    if doc.retention_until is None:
        until = retention_compute(doc)
        if until is not None:
            doc.retention_until = until
            if save:
                HrDocument.objects.filter(pk=doc.pk, retention_until__isnull=True).update(
                    retention_until=until
                )
    return doc.retention_until


def retention_fill_missing() -> int:
    """Fill ``retention_until`` of final documents that lack it; the number updated."""
    count = 0
    for doc in HrDocument.objects.select_related("type").filter(
        status__in=FINAL_STATUSES, retention_until__isnull=True
    ):
        retention_set_for(doc)
        count += 1
    return count


def past_retention(today: dt.date | None = None):
    """Documents whose term is over, for HR's decision (the ones already kept are left out)."""
    today = today or timezone.localdate()
    retention_fill_missing()
    return (
        HrDocument.objects.select_related("type", "employee", "employee__department")
        .filter(retention_until__lt=today)
        .exclude(disposal_decision__startswith=KEEP_PREFIX)
        .order_by("retention_until", "pk")
    )


def is_marked_for_disposal(doc: HrDocument) -> bool:
    return doc.disposal_decision.startswith(DISPOSAL_PREFIX)


def _require_hr(actor) -> None:
    if not (actor and actor.is_authenticated and actor.has_perm(HR_PERMISSION)):
        raise PermissionDenied


@transaction.atomic
def retention_keep(actor, doc: HrDocument, reason: str) -> HrDocument:
    """HR decides to keep a document past its term, with a reason."""
    _require_hr(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for keeping the document."))
    doc = HrDocument.objects.select_for_update().get(pk=doc.pk)
    doc.disposal_decision = (KEEP_PREFIX + reason)[:255]
    doc._change_reason = "retention: keep"
    doc.save(update_fields=["disposal_decision"])
    _audit(actor, doc, "hr_retention_keep", reason)
    return doc


@transaction.atomic
def retention_mark_for_disposal(
    actor, doc: HrDocument, reason: str = "", today: dt.date | None = None
) -> HrDocument:
    """Mark for disposal (nothing is deleted); refused under a legal hold or before the term."""
    _require_hr(actor)
    today = today or timezone.localdate()
    doc = HrDocument.objects.select_for_update().select_related("type").get(pk=doc.pk)
    if doc.legal_hold:
        raise ValidationError(
            _("The document is under a legal hold: it cannot be marked for disposal.")
        )
    until = doc.retention_until or retention_compute(doc)
    if until is None or until >= today:
        raise ValidationError(_("The retention period of this document is not over."))
    doc.retention_until = until
    doc.disposal_decision = (DISPOSAL_PREFIX + (reason or "").strip())[:255]
    doc._change_reason = "retention: mark for disposal"
    doc.save(update_fields=["disposal_decision", "retention_until"])
    _audit(actor, doc, "hr_retention_dispose", reason)
    return doc


@transaction.atomic
def retention_set_legal_hold(actor, doc: HrDocument, hold: bool) -> HrDocument:
    _require_hr(actor)
    doc = HrDocument.objects.select_for_update().get(pk=doc.pk)
    doc.legal_hold = hold
    if hold and is_marked_for_disposal(doc):
        doc.disposal_decision = ""
    doc.save(update_fields=["legal_hold", "disposal_decision"])
    _audit(actor, doc, "hr_legal_hold_on" if hold else "hr_legal_hold_off", "")
    return doc


def _audit(actor, doc, event: str, reason: str) -> None:
    event_record(
        action=AuthEvent.Action.RETENTION_DECISION,
        user=actor,
        target=doc,
        details={"event": event, "reason": reason or ""},
    )
