"""Deadlines during an EDO outage (EDO §4, issue 8 item 3).

Acquaintance and copy-request deadlines are counted in working days (``kstu.workdays``). When
EDO was suspended during the term, nobody could act in it, so the deadline is extended by the
working days of every outage that overlaps the term [start, deadline]. An extension can push
the deadline into a later outage, so the computation repeats until the set of outages that
overlap the term no longer grows.

The working days of an outage are the working days among the calendar days it touches (local
time, Asia/Bishkek), counted only after the starting day of the term (the starting day itself
never counts towards a term). A still-running outage counts up to its expected restoration.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hr_edo.models import CopyRequest, HrDocument, Outage
from kstu.workdays import working_days_between, working_deadline

COPY_TERM_WORKING_DAYS = 3


@dataclass(frozen=True)
class Extension:
    outage: Outage
    start: dt.date  # first local day of the outage counted
    end: dt.date  # last local day of the outage
    working_days: int


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def outage_end(outage: Outage) -> dt.datetime:
    """When the outage ended, or is expected to end while it lasts."""
    return outage.ended_at or outage.expected_end_at


def _extension(outage: Outage, start: dt.datetime) -> Extension:
    first = max(_local_date(outage.started_at), _local_date(start) + dt.timedelta(days=1))
    last = _local_date(outage_end(outage))
    days = working_days_between(first - dt.timedelta(days=1), last) if last >= first else 0
    return Extension(outage=outage, start=first, end=last, working_days=days)


def deadline_with_extensions(
    start: dt.datetime, working_days: int
) -> tuple[dt.datetime, list[Extension]]:
    """The deadline and the outages that extended it (oldest first)."""
    extensions: dict[int, Extension] = {}
    deadline = working_deadline(start, working_days)
    while True:
        overlapping = Outage.objects.filter(started_at__lte=deadline).order_by("started_at", "pk")
        found = {o.pk: _extension(o, start) for o in overlapping if outage_end(o) >= start}
        found = {pk: ext for pk, ext in found.items() if ext.working_days > 0}
        if found.keys() == extensions.keys():
            break
        extensions = found
        extra = sum(ext.working_days for ext in extensions.values())
        deadline = working_deadline(start, working_days + extra)
    return deadline, list(extensions.values())


def edo_deadline(start: dt.datetime, working_days: int) -> dt.datetime:
    """``working_deadline(start, working_days)`` extended by the working days of the outages."""
    return deadline_with_extensions(start, working_days)[0]


def _term_of(obj) -> tuple[dt.datetime | None, int]:
    if isinstance(obj, CopyRequest):
        return obj.requested_at, COPY_TERM_WORKING_DAYS
    return obj.sent_at, obj.type.acquaintance_working_days


def deadline_rule_text(obj) -> str:
    """The rule shown on an order (or a copy request) whose deadline an outage extended;
    "" when no outage did."""
    start, days = _term_of(obj)
    if start is None:
        return ""
    _deadline, extensions = deadline_with_extensions(start, days)
    parts = []
    for ext in extensions:
        parts.append(
            ngettext(
                "extended by %(n)d working day because EDO was suspended from %(start)s to %(end)s",
                "extended by %(n)d working days because EDO was suspended from %(start)s to "
                "%(end)s",
                ext.working_days,
            )
            % {
                "n": ext.working_days,
                "start": formats.date_format(_local_date(ext.outage.started_at), "d.m.Y"),
                "end": formats.date_format(ext.end, "d.m.Y"),
            }
        )
    if not parts:
        return ""
    return _("The deadline (%(days)d working days) is %(parts)s.") % {
        "days": days,
        "parts": "; ".join(parts),
    }


@transaction.atomic
def deadlines_extend_for_outage(outage: Outage) -> int:
    """Recompute the deadlines touched by ``outage`` after it ended or its expected end moved:
    SENT orders and PENDING copy requests whose term overlaps it. Returns how many changed."""
    end = outage_end(outage)
    changed = 0
    orders = (
        HrDocument.objects.select_for_update()
        .select_related("type")
        .filter(
            status=HrDocument.Status.SENT,
            sent_at__isnull=False,
            sent_at__lte=end,
            due_at__gte=outage.started_at,
        )
    )
    for doc in orders:
        due = edo_deadline(doc.sent_at, doc.type.acquaintance_working_days)
        if due != doc.due_at:
            doc.due_at = due
            doc.save(update_fields=["due_at"])
            changed += 1
    requests = CopyRequest.objects.select_for_update().filter(
        status=CopyRequest.Status.PENDING,
        requested_at__lte=end,
        due_at__gte=outage.started_at,
    )
    for request in requests:
        due = edo_deadline(request.requested_at, COPY_TERM_WORKING_DAYS)
        if due != request.due_at:
            request.due_at = due
            request.save(update_fields=["due_at"])
            changed += 1
    return changed
