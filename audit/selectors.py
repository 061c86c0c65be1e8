"""Reads of the audit trail: one time-ordered stream over every history table, with diffs.

The browser pages through ``UNION ALL`` of the history tables ordered by
``(history_date, history_id)`` — PostgreSQL answers the first pages from each table's
``history_date`` index with a merge, so a page costs the same with a million rows. Each
entry is shown with its per-field before → after values (the previous version of the same
object is fetched for the whole page in one query per history table).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404

from audit.triggers import history_models

BROWSE_PERMISSION = "audit.browse_audit"
PAGE_SIZE = 50

HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


def can_browse(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(BROWSE_PERMISSION))


def tracked_types() -> dict[str, type]:
    """{"app_label.modelname": the tracked (original) model} for every history table."""
    return {m.instance_type._meta.label_lower: m.instance_type for m in history_models()}


def _history_model_for(label: str):
    for model in history_models():
        if model.instance_type._meta.label_lower == label:
            return model
    raise Http404


@dataclass
class FieldChange:
    field: str
    label: str
    before: str
    after: str


@dataclass
class Entry:
    type_label: str
    type_name: str
    object_id: str
    object_repr: str
    history_id: int
    changed_at: dt.datetime
    entered_at: dt.datetime | None
    action: str
    username: str
    user_id: int | None
    ip_address: str | None
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class Filters:
    user: str = ""  # login
    object_type: str = ""  # "app_label.modelname"
    object_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    action: str = ""  # "+", "~" or "-"


def _where(filters: Filters, model) -> tuple[str, list]:
    clauses, params = [], []
    if filters.user:
        clauses.append("history_username = %s")
        params.append(filters.user)
    if filters.object_id:
        pk = model.instance_type._meta.pk
        try:
            value = pk.to_python(filters.object_id)
        except ValidationError:
            value = None
        if value is None:
            clauses.append("FALSE")  # an id of the wrong shape matches nothing
        else:
            # Compared as its own type (not ::text) so the index on the id column is used.
            clauses.append(f"{connection.ops.quote_name(pk.column)} = %s")
            params.append(value)
    if filters.date_from:
        clauses.append("history_date >= %s")
        params.append(_start_of(filters.date_from))
    if filters.date_to:
        clauses.append("history_date < %s")
        params.append(_start_of(filters.date_to + dt.timedelta(days=1)))
    if filters.action:
        clauses.append("history_type = %s")
        params.append(filters.action)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _start_of(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _models_for(filters: Filters) -> list:
    if filters.object_type:
        return [_history_model_for(filters.object_type)]
    return history_models()


def entry_keys(*, filters: Filters, offset: int, limit: int) -> list[tuple[str, int]]:
    """[(type label, history_id)] of one page, newest first — one query."""
    parts, params = [], []
    for model in _models_for(filters):
        where, where_params = _where(filters, model)
        label = model.instance_type._meta.label_lower
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(
            f"(SELECT %s AS type_label, history_id, history_date FROM {table}{where} "  # noqa: S608
            f"ORDER BY history_date DESC, history_id DESC LIMIT %s)"
        )
        params += [label, *where_params, offset + limit]
    if not parts:
        return []
    sql = (
        "SELECT type_label, history_id, history_date FROM ("  # noqa: S608
        + " UNION ALL ".join(parts)
        + ") AS trail ORDER BY history_date DESC, history_id DESC LIMIT %s OFFSET %s"
    )
    params += [limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(label, history_id) for label, history_id, _date in cursor.fetchall()]


def _display(value) -> str:
    if value is None or value == "":
        return "—"
    return str(value)


def _diff(model, current, previous) -> list[FieldChange]:
    changes = []
    skip = {
        "history_id",
        "history_date",
        "history_change_reason",
        "history_type",
        "history_user_id",
        "history_username",
        "ip_address",
        "history_relation",
    }
    history_fields = {f.name: f for f in model._meta.concrete_fields}
    for f in model.instance_type._meta.concrete_fields:
        hist_field = history_fields.get(f.name)  # excluded fields (password) are absent
        if hist_field is None or hist_field.attname in skip:
            continue
        after = getattr(current, hist_field.attname)
        before = getattr(previous, hist_field.attname) if previous is not None else None
        if previous is not None and before == after:
            continue
        if previous is None and current.history_type == "+" and after in (None, ""):
            continue
        if current.history_type == "-":
            before, after = after, None
        changes.append(FieldChange(f.name, str(f.verbose_name), _display(before), _display(after)))
    return changes


def entries_for(keys: list[tuple[str, int]]) -> list[Entry]:
    """Materialise a page of entries: per history table one query for the rows and their
    previous versions, one for the first-entry times."""
    by_label: dict[str, list[int]] = {}
    for label, history_id in keys:
        by_label.setdefault(label, []).append(history_id)
    built: dict[tuple[str, int], Entry] = {}
    for label, ids in by_label.items():
        model = _history_model_for(label)
        pk_name = model.instance_type._meta.pk.attname
        table = connection.ops.quote_name(model._meta.db_table)
        pk_col = connection.ops.quote_name(model.instance_type._meta.pk.column)
        columns = ", ".join(
            f"p.{connection.ops.quote_name(f.column)}" for f in model._meta.concrete_fields
        )
        # The rows themselves and, in the same query, each one's previous version.
        rows = list(model.objects.filter(history_id__in=ids))
        previous_rows = model.objects.raw(
            f"SELECT {columns}, cur.history_id AS successor_id FROM {table} cur "  # noqa: S608
            f"JOIN LATERAL (SELECT * FROM {table} p0 WHERE p0.{pk_col} = cur.{pk_col} "
            f"AND (p0.history_date, p0.history_id) < (cur.history_date, cur.history_id) "
            f"ORDER BY p0.history_date DESC, p0.history_id DESC LIMIT 1) p ON TRUE "
            f"WHERE cur.history_id = ANY(%s)",
            [ids],
        )
        previous = {row.successor_id: row for row in previous_rows}
        object_ids = {getattr(row, pk_name) for row in rows}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {pk_col}, min(history_date) FROM {table} "  # noqa: S608
                f"WHERE {pk_col} = ANY(%s) GROUP BY {pk_col}",
                [list(object_ids)],
            )
            entered = dict(cursor.fetchall())
        for row in rows:
            object_id = getattr(row, pk_name)
            built[(label, row.history_id)] = Entry(
                type_label=label,
                type_name=str(model.instance_type._meta.verbose_name),
                object_id=str(object_id),
                object_repr=_object_repr(row),
                history_id=row.history_id,
                changed_at=row.history_date,
                entered_at=entered.get(object_id),
                action=HISTORY_TYPES.get(row.history_type, row.history_type),
                username=row.history_username,
                user_id=row.history_user_id,
                ip_address=row.ip_address,
                reason=row.history_change_reason or "",
                changes=_diff(model, row, previous.get(row.history_id)),
            )
    return [built[key] for key in keys if key in built]


def _object_repr(row) -> str:
    """str() of the object as it was, built from the history row alone (no queries:
    simple-history's ``row.instance`` would fetch excluded fields from the live row)."""
    original = row.instance_type
    present = {f.attname for f in row._meta.concrete_fields}
    values = {
        f.attname: getattr(row, f.attname)
        for f in original._meta.concrete_fields
        if f.attname in present
    }
    try:
        return str(original(**values))[:200]
    except Exception:  # noqa: BLE001 - a repr must never break the audit view
        return f"#{getattr(row, 'id', '?')}"


def audit_page(*, user, filters: Filters, page: int, page_size: int = PAGE_SIZE):
    """One page of the audit trail for a user allowed to browse it; (entries, has_next)."""
    if not can_browse(user):
        raise PermissionDenied
    offset = (max(page, 1) - 1) * page_size
    keys = entry_keys(filters=filters, offset=offset, limit=page_size + 1)
    has_next = len(keys) > page_size
    return entries_for(keys[:page_size]), has_next


# --------------------------------------------------------------------------- per-object history

_OBJECT_ACCESS = {}


def register_history_access(label: str, check) -> None:
    """Let an app decide who may see the history of its records: ``check(user, obj)``."""
    _OBJECT_ACCESS[label] = check


def object_history(*, user, label: str, pk: str):
    """(object, entries) of one record's history, for a viewer who may see that record."""
    model = _history_model_for(label)
    original = model.instance_type
    obj = original._default_manager.filter(pk=pk).first()
    allowed = can_browse(user)
    if not allowed and obj is not None:
        check = _OBJECT_ACCESS.get(label)
        app_label, model_name = label.split(".")
        allowed = user.has_perm(f"{app_label}.view_{model_name}") or (
            check is not None and check(user, obj)
        )
    if not allowed:
        raise PermissionDenied if obj is not None else Http404
    ids = list(
        model.objects.filter(**{original._meta.pk.attname: pk})
        .order_by("-history_date", "-history_id")
        .values_list("history_id", flat=True)[:500]
    )
    return obj, entries_for([(label, i) for i in ids])


def user_logins(ids) -> dict[int, str]:
    return dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username"))
