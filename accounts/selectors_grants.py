"""Reads of access tasks and personnel orders, scoped by who is asking.

- the responsible person's queue: pending tasks of the systems the user is responsible for;
- "my access": a user's own tasks, grouped into what they have, wait for, were refused, lost;
- the overdue report for those who oversee the deadlines (HR head, IT department, rector,
  auditor);
- the ids the background sweeps work on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts import roles
from accounts.models import AccessGrant, PersonnelOrder, User
from registry.models import InformationSystem
from registry.selectors import system_list, systems_responsible_for

# A reminder goes out once the last day before the deadline has begun: due times are the end
# (23:59:59) of a working day, so "24 hours before" is the start of the due day itself, and
# the responsible person still has that whole working day to act.
REMINDER_LEAD = dt.timedelta(hours=24)
RECENT_DECISIONS = 20
OVERDUE_REPORT_ROLES = {roles.RECTOR, roles.HR_HEAD, roles.IT_DEPARTMENT, roles.AUDITOR}


def _task_rows() -> QuerySet[AccessGrant]:
    return AccessGrant.objects.select_related(
        "user", "user__department", "user__position", "system", "order", "decided_by"
    ).prefetch_related("report_sections")


# --------------------------------------------------------------------------- the queue


def access_queue_pending(*, user) -> QuerySet[AccessGrant]:
    """Pending tasks (grant and revoke) of the systems ``user`` is responsible for, oldest due
    first. Empty for anybody responsible for no system."""
    return (
        _task_rows()
        .filter(
            status=AccessGrant.Status.PENDING,
            system__in=systems_responsible_for(user=user).values("pk"),
        )
        .order_by("due_at", "pk")
    )


def access_queue_recent(*, user, limit: int = RECENT_DECISIONS) -> list[AccessGrant]:
    """The latest decided tasks of the user's systems (any responsible person's decisions)."""
    return list(
        _task_rows()
        .filter(system__in=systems_responsible_for(user=user).values("pk"))
        .exclude(status=AccessGrant.Status.PENDING)
        .exclude(decided_at=None)
        .order_by("-decided_at", "-pk")[:limit]
    )


def access_task_get(*, task_id: int) -> AccessGrant:
    """One task for a decision; 404 when it does not exist. Whether the user may decide is
    the service's check (a responsible person of another system gets 403 there)."""
    task = _task_rows().filter(pk=task_id).first()
    if task is None:
        raise Http404("No such access task.")
    return task


# --------------------------------------------------------------------------- my access


@dataclass
class MyAccess:
    granted: list[AccessGrant] = field(default_factory=list)
    pending: list[AccessGrant] = field(default_factory=list)
    refused: list[AccessGrant] = field(default_factory=list)
    closed: list[AccessGrant] = field(default_factory=list)


def _latest_done(tasks: list[AccessGrant], kind: str) -> dict[int, AccessGrant]:
    latest: dict[int, AccessGrant] = {}
    for task in tasks:
        if task.kind != kind or task.status != AccessGrant.Status.DONE:
            continue
        current = latest.get(task.system_id)
        if current is None or _decided_key(task) > _decided_key(current):
            latest[task.system_id] = task
    return latest


def _decided_key(task: AccessGrant) -> tuple:
    return (task.decided_at or task.created_at, task.pk)


def current_grants(tasks: list[AccessGrant]) -> dict[int, AccessGrant]:
    """{system id: the DONE grant in force} — a DONE grant with no later DONE revocation."""
    grants = _latest_done(tasks, AccessGrant.Kind.GRANT)
    revokes = _latest_done(tasks, AccessGrant.Kind.REVOKE)
    return {
        system_id: grant
        for system_id, grant in grants.items()
        if system_id not in revokes or _decided_key(revokes[system_id]) < _decided_key(grant)
    }


def systems_with_access(*, user) -> dict[int, AccessGrant]:
    """The systems ``user`` has access to now, each with the grant that opened it."""
    tasks = list(
        AccessGrant.objects.filter(user=user, status=AccessGrant.Status.DONE).select_related(
            "system"
        )
    )
    return current_grants(tasks)


def my_access(*, user) -> MyAccess:
    """Everything about the signed-in user's own access, in four groups (two queries)."""
    tasks = list(
        AccessGrant.objects.filter(user=user)
        .select_related("system", "order")
        .prefetch_related("report_sections")
        .order_by("-created_at", "-pk")
    )
    result = MyAccess()
    in_force = current_grants(tasks)
    result.granted = sorted(in_force.values(), key=lambda t: (t.system.sort_order, t.system_id))
    for task in tasks:
        if task.status == AccessGrant.Status.PENDING:
            result.pending.append(task)
        elif task.kind == AccessGrant.Kind.GRANT and task.status == AccessGrant.Status.REFUSED:
            result.refused.append(task)
        elif task.kind == AccessGrant.Kind.REVOKE and task.status == AccessGrant.Status.DONE:
            result.closed.append(task)
    result.pending.sort(key=lambda t: (t.due_at, t.pk))
    return result


# --------------------------------------------------------------------------- overdue report


def can_view_overdue_report(user) -> bool:
    """Those who oversee the deadlines: the rector, the HR head, the IT department (СИТБ) and
    the auditor, plus superusers."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.has_role(*OVERDUE_REPORT_ROLES)


@dataclass
class OverdueSystemRow:
    system: InformationSystem
    count: int
    oldest_due: dt.datetime
    persons: list[User]


@dataclass
class OverduePersonRow:
    person: User | None
    count: int
    oldest_due: dt.datetime
    systems: list[InformationSystem] = field(default_factory=list)


@dataclass
class OverdueReport:
    by_system: list[OverdueSystemRow]
    by_person: list[OverduePersonRow]
    total: int


def access_overdue_report(*, user, now: dt.datetime | None = None) -> OverdueReport:
    """Overdue pending tasks per system and per responsible person, with counts and the
    oldest due date. A fixed number of queries however many systems and tasks there are.

    Tasks of a system with nobody responsible are listed under "no responsible person".
    """
    now = now or timezone.now()
    totals = {
        row["system"]: row
        for row in AccessGrant.objects.filter(status=AccessGrant.Status.PENDING, due_at__lt=now)
        .values("system")
        .annotate(count=Count("pk"), oldest=Min("due_at"))
        .order_by()
    }
    if not totals:
        return OverdueReport(by_system=[], by_person=[], total=0)
    systems = list(system_list(user=user, filters={"active": None}).filter(pk__in=list(totals)))
    # Systems taken out of use are hidden from readers who do not manage the register; their
    # overdue tasks still count (rare: one query each for the responsible persons).
    missing = set(totals) - {system.pk for system in systems}
    if missing:
        systems += list(InformationSystem.objects.filter(pk__in=missing))
    by_system: list[OverdueSystemRow] = []
    persons: dict[int | None, OverduePersonRow] = {}
    for system in systems:
        row = totals[system.pk]
        responsible = system.responsible_persons
        by_system.append(
            OverdueSystemRow(
                system=system, count=row["count"], oldest_due=row["oldest"], persons=responsible
            )
        )
        for person in responsible or [None]:
            key = person.pk if person is not None else None
            entry = persons.get(key)
            if entry is None:
                entry = persons[key] = OverduePersonRow(
                    person=person, count=0, oldest_due=row["oldest"]
                )
            entry.count += row["count"]
            entry.oldest_due = min(entry.oldest_due, row["oldest"])
            entry.systems.append(system)
    by_system.sort(key=lambda r: (r.oldest_due, r.system.sort_order, r.system.pk))
    by_person = sorted(
        persons.values(),
        key=lambda r: (r.person is None, r.oldest_due, r.person.pk if r.person else 0),
    )
    return OverdueReport(
        by_system=by_system, by_person=by_person, total=sum(r["count"] for r in totals.values())
    )


def access_overdue_tasks(*, now: dt.datetime | None = None) -> QuerySet[AccessGrant]:
    """The overdue pending tasks themselves (for the CSV export), oldest due first."""
    now = now or timezone.now()
    return (
        AccessGrant.objects.filter(status=AccessGrant.Status.PENDING, due_at__lt=now)
        .select_related("user", "user__department", "user__position", "system")
        .order_by("due_at", "pk")
    )


# --------------------------------------------------------------------------- sweeps


def access_tasks_due_for_reminder(*, now: dt.datetime) -> list[int]:
    """Pending, never reminded tasks whose due time is within ``REMINDER_LEAD`` (or past)."""
    return list(
        AccessGrant.objects.filter(
            status=AccessGrant.Status.PENDING,
            reminded_at__isnull=True,
            due_at__lte=now + REMINDER_LEAD,
        )
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )


def access_tasks_due_for_escalation(*, now: dt.datetime) -> list[int]:
    """Pending, never escalated tasks past their due time."""
    return list(
        AccessGrant.objects.filter(
            status=AccessGrant.Status.PENDING, escalated_at__isnull=True, due_at__lt=now
        )
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )


def personnel_orders_due(*, today: dt.date) -> list[int]:
    """Orders whose effective date has come and that have not been applied yet."""
    return list(
        PersonnelOrder.objects.filter(applied_at__isnull=True, effective_on__lte=today)
        .order_by("effective_on", "pk")
        .values_list("pk", flat=True)
    )


# --------------------------------------------------------------------------- orders


def can_record_orders(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("accounts.add_personnelorder"))


def can_view_orders(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("accounts.view_personnelorder"))


def personnel_order_list(*, user) -> QuerySet[PersonnelOrder]:
    """Orders, newest approval first, each with its revocation tasks counted by status."""
    if not can_view_orders(user):
        return PersonnelOrder.objects.none()
    return (
        PersonnelOrder.objects.select_related(
            "user",
            "user__department",
            "user__position",
            "new_department",
            "new_position",
            "created_by",
        )
        .annotate(
            revocations_total=Count("revocations"),
            revocations_open=Count(
                "revocations", filter=Q(revocations__status=AccessGrant.Status.PENDING)
            ),
        )
        .order_by("-approved_on", "-pk")
    )


def employees_for_order(*, query: str = "", limit: int | None = None) -> QuerySet[User]:
    """Active people an order can be about, optionally narrowed by a name or login."""
    people = User.objects.filter(is_active=True).select_related("department", "position")
    query = (query or "").strip()
    if query:
        condition = Q()
        for part in query.split():
            condition &= (
                Q(last_name__icontains=part)
                | Q(first_name__icontains=part)
                | Q(patronymic__icontains=part)
                | Q(username__icontains=part)
            )
        people = people.filter(condition)
    people = people.order_by("last_name", "first_name", "patronymic", "pk")
    return people[:limit] if limit else people
