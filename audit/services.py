"""Writes of the audit app: events, and seals over new audit rows."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditSeal, AuthEvent
from kstu.net import client_ip

SEAL_LOCK_ID = 0x6B737475  # "kstu": one sealer at a time across workers
SEAL_LAG = timedelta(seconds=60)  # leave rows of still-open transactions for the next seal
SEAL_MAX_ROWS = 20_000


def event_record(
    *,
    action: str,
    request=None,
    user=None,
    username: str = "",
    target=None,
    details: dict | None = None,
) -> AuthEvent:
    """Append one event to the log. ``user`` is the actor (or the account concerned)."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    ip = client_ip(request) if request is not None else None
    agent = request.META.get("HTTP_USER_AGENT", "")[:512] if request is not None else ""
    return AuthEvent.objects.create(
        action=action,
        user_id=user.pk if user is not None else None,
        username=(user.get_username() if user is not None else username)[:150],
        ip_address=ip,
        user_agent=agent,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        details=details or {},
    )


# --------------------------------------------------------------------------- sealing


def personal_data_view_record(*, viewer, owner_id, target, request=None, **details):
    """Audit that ``viewer`` opened ``target``, personal data of the user ``owner_id``; a
    person looking at their own data is not recorded. The event, or None."""
    if viewer is not None and str(getattr(viewer, "pk", "")) == str(owner_id):
        return None
    return event_record(
        action=AuthEvent.Action.PERSONAL_DATA_VIEW,
        request=request,
        user=viewer,
        target=target,
        details=details,
    )


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_digest(table: str, pk: int, row_json: str, columns: list[str]) -> str:
    """Digest of one audit row restricted to the sealed columns (numbers kept as text)."""
    data = json.loads(row_json, parse_float=str, parse_int=str)
    kept = {column: data.get(column) for column in columns}
    payload = f"{table}\x1f{pk}\x1f{_canonical(kept)}"
    # 128 bits per row is ample to name a changed row; the seal hash itself is full SHA-256.
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def seal_hash(previous_hash: str, ranges: dict, columns: dict, digests: dict) -> str:
    payload = "\x1e".join(
        [previous_hash, _canonical(ranges), _canonical(columns), _canonical(digests)]
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def table_columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        return sorted(
            col.name for col in connection.introspection.get_table_description(cursor, table)
        )


def fetch_rows(table: str, pk: str, after: int, upto: int, limit: int | None = None):
    """[(pk, row as jsonb text)] with after < pk ≤ upto, in pk order (UTC timestamps)."""
    quoted, quoted_pk = connection.ops.quote_name(table), connection.ops.quote_name(pk)
    sql = (
        f"SELECT t.{quoted_pk}, to_jsonb(t)::text FROM {quoted} t "  # noqa: S608 - names from models
        f"WHERE t.{quoted_pk} > %s AND t.{quoted_pk} <= %s ORDER BY t.{quoted_pk}"
    )
    params: list = [after, upto]
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL TIME ZONE 'UTC'")
        cursor.execute(sql, params)
        return cursor.fetchall()


def _watermarks(seal: AuditSeal | None) -> dict[str, int]:
    if seal is None:
        return {}
    return {table: bounds[1] for table, bounds in seal.ranges.items()}


@transaction.atomic
def audit_seal_new_rows(*, max_rows: int = SEAL_MAX_ROWS, now=None) -> AuditSeal | None:
    """Seal the audit rows written since the previous seal.

    1. Take a transaction-level advisory lock so parallel workers never fork the chain.
    2. For each sealed table, find the highest id among rows older than ``SEAL_LAG``
       (rows of transactions still open get their turn next time).
    3. Digest each new row (up to ``max_rows`` in all) and chain the seal to the previous one.
    Returns the new seal, or None when there was nothing new.
    """
    from audit.triggers import sealed_tables

    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK_ID])
    previous = AuditSeal.objects.order_by("-id").first()
    marks = _watermarks(previous)
    ranges, digests, columns = {}, {}, {}
    budget = max_rows
    for table, pk, time_column in sealed_tables():
        after = marks.get(table, 0)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT max({connection.ops.quote_name(pk)}) FROM "  # noqa: S608
                f"{connection.ops.quote_name(table)} WHERE {connection.ops.quote_name(pk)} > %s "
                f"AND {connection.ops.quote_name(time_column)} < %s",
                [after, now - SEAL_LAG],
            )
            upto = cursor.fetchone()[0] or after
        rows = fetch_rows(table, pk, after, upto, limit=budget) if upto > after and budget else []
        if rows:
            upto = rows[-1][0]
            cols = table_columns(table)
            columns[table] = cols
            digests[table] = [
                f"{row_pk}:{row_digest(table, row_pk, text, cols)}" for row_pk, text in rows
            ]
            budget -= len(rows)
        else:
            upto = after
        ranges[table] = [after, upto]
    row_count = sum(len(d) for d in digests.values())
    if row_count == 0:
        return None
    previous_hash = previous.hash if previous else ""
    return AuditSeal.objects.create(
        created_at=now,
        previous_hash=previous_hash,
        hash=seal_hash(previous_hash, ranges, columns, digests),
        ranges=ranges,
        columns=columns,
        digests=digests,
        row_count=row_count,
    )
