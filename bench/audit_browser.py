#!/usr/bin/env python
"""Audit browser at scale: query budgets, index use, and the cost of a tracked save.

Run from the repository root::

    DEBUG=1 KSTU_VAR_DIR=var/bench .venv/bin/python bench/audit_browser.py [--rows 1000000]

Steps:

1. Set up Django and create a fresh database (``kstu_bench`` by default) on the same
   PostgreSQL server as the configured one — the embedded server under ``$KSTU_VAR_DIR`` when
   ``DATABASE_URL`` is unset, otherwise the server ``DATABASE_URL`` names (the role needs
   CREATEDB). The development database is never touched. Migrate it.
2. Generate ``--rows`` history rows with server-side ``INSERT … SELECT FROM generate_series``
   over every history table (weighted; ~50,000 objects, ~500 logins, three years of dates,
   inserted in date order so ``history_id`` follows ``history_date`` as it does in life);
   then ``VACUUM ANALYZE``.
3. Time three pages of ``audit.selectors.audit_page`` (first page; object type + login + one
   month; page 20) and two informational ones (one object's trail; a login with no entries),
   check each against its query budget (1 + 3 × history tables the page spans), and run every
   query of the page under ``EXPLAIN ANALYZE`` for a verdict: served from indexes, or which
   table is read whole (sequentially, or through the wrong index) or sorted whole. The full
   ``EXPLAIN (ANALYZE, BUFFERS)`` of the keys query is printed for (a), (b) and (d).
4. Time saves of ``accounts.Position`` with and without a history row and print the ratio.
5. Drop the benchmark database (unless ``--keep``).

Exit status 1 when a budget or an index check of pages (a)–(c) fails; (d) and (e) only report.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kstu.settings")
# The embedded Redis daemonizes into its data directory, so a relative KSTU_VAR_DIR
# (var/bench) would point its log file nowhere: make it absolute before settings load.
if os.environ.get("KSTU_VAR_DIR"):
    os.environ["KSTU_VAR_DIR"] = str(Path(os.environ["KSTU_VAR_DIR"]).resolve())

from scratch_db import create_database, drop_database, switch_database  # noqa: E402

# Share of the generated rows (and of the objects) per history table; a table not listed
# (added later) gets DEFAULT_WEIGHT. Users and permissions change most, reference data least.
WEIGHTS = {
    "accounts_historicaluser": 0.40,
    "accounts_historicaldepartment": 0.15,
    "registry_historicalinformationsystem": 0.15,
    "registry_historicalreportsection": 0.08,
    "audit_historicaluserobjectpermission": 0.10,
    "audit_historicalgroupobjectpermission": 0.04,
    "accounts_historicalposition": 0.04,
    "audit_historicalgroup": 0.02,
    "kstu_historicalcalendaroverride": 0.02,
}
DEFAULT_WEIGHT = 0.02
OBJECTS = 50_000
LOGINS = 500
YEARS = 3
RUNS = 5
SAVE_ROUNDS = 5
BIG_TABLE_ROWS = 10_000  # a sequential scan or a full sort of a table this size is a finding
BIG_SORT_ROWS = 10_000  # a sort fed more rows than this is not "a page"
FILTER_WASTE_ROWS = 10_000  # an index scan discarding more rows than this wants a better index


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="history rows to generate")
    parser.add_argument("--saves", type=int, default=2_000, help="saves per save benchmark")
    parser.add_argument("--db-name", default="kstu_bench", help="benchmark database name")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use an existing benchmark database as it is (kept by an earlier --keep run)",
    )
    return parser.parse_args()


# --------------------------------------------------------------------------- database


# --------------------------------------------------------------------------- data


def table_columns(cursor, table: str) -> list[tuple[str, str, bool, int | None, bool]]:
    """[(column, data type, nullable, max length, identity)] in table order."""
    cursor.execute(
        "SELECT column_name, data_type, is_nullable = 'YES', character_maximum_length, "
        "is_identity = 'YES' OR column_default LIKE 'nextval(%%' "
        "FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return cursor.fetchall()


def filler(dtype: str, maxlen: int | None, column: str) -> str:
    """SQL for a NOT NULL column the audit browser does not care about (in terms of ``obj``)."""
    if dtype in ("character varying", "text", "character"):
        expr = f"'{column} ' || obj"
        return f"left({expr}, {maxlen})" if maxlen else expr
    if dtype == "boolean":
        return "(obj % 2 = 0)"
    if dtype in ("smallint", "integer", "bigint", "numeric", "double precision", "real"):
        return "(obj % 100)"
    if dtype.startswith("timestamp"):
        return "at"
    if dtype == "date":
        return "at::date"
    if dtype == "inet":
        return "'10.0.0.1'::inet"
    if dtype == "uuid":
        return "md5(g::text)::uuid"
    if dtype in ("json", "jsonb"):
        return "'{}'"
    raise SystemExit(f"bench: no filler for NOT NULL column {column} of type {dtype}")


def generate(models, rows: int) -> dict[str, int]:
    """Insert ``rows`` history rows spread over the history tables; {table: rows}."""
    from django.db import connection
    from django.utils import timezone

    end = timezone.now().replace(microsecond=0)
    start = end - dt.timedelta(days=365 * YEARS)
    start_sql, end_sql = (f"to_timestamp({t.timestamp():.0f})" for t in (start, end))
    weights = {m._meta.db_table: WEIGHTS.get(m._meta.db_table, DEFAULT_WEIGHT) for m in models}
    total_weight = sum(weights.values())
    plan, left = {}, rows
    for i, model in enumerate(models):
        table = model._meta.db_table
        share = left if i == len(models) - 1 else round(rows * weights[table] / total_weight)
        plan[table] = (share, max(1, round(OBJECTS * weights[table] / total_weight)), model)
        left -= share

    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute("SET work_mem = '64MB'")
        cursor.execute("SELECT setseed(0.42)")
        for table, (count, objects, model) in plan.items():
            if count <= 0:
                continue
            pk_column = model.instance_type._meta.pk.column
            special = {
                "history_date": "at",
                "history_type": "CASE WHEN version = 0 THEN '+' ELSE '~' END",
                "history_username": f"'user' || lpad(login_no::text, {len(str(LOGINS))}, '0')",
                "history_user_id": "login_no",
                "ip_address": "'10.20.0.0'::inet + (login_no * 37 % 65000)",
                "history_change_reason": (
                    "CASE WHEN version % 10 = 3 THEN 'bench: scheduled review' END"
                ),
                pk_column: "obj",
            }
            names, exprs = [], []
            for column, dtype, nullable, maxlen, identity in table_columns(cursor, table):
                if identity:
                    continue
                if column in special:
                    expr = special[column]
                elif nullable:
                    continue
                else:
                    expr = filler(dtype, maxlen, column)
                names.append(connection.ops.quote_name(column))
                exprs.append(expr)
            versions = -(-count // objects)
            # Object `obj` is created at a point of the first 90% of the span (golden-ratio
            # spread); its versions fill the rest of the span, one per slot, with jitter.
            sql = f"""
                INSERT INTO {connection.ops.quote_name(table)} ({", ".join(names)})
                SELECT {", ".join(exprs)} FROM (
                    SELECT g, obj, version, login_no,
                           created + ({end_sql} - created)
                               * ((version + CASE WHEN version = 0 THEN 0 ELSE random() END)
                                  / {versions}) AS at
                    FROM (
                        SELECT g, ((g - 1) % {objects}) + 1 AS obj,
                               (g - 1) / {objects} AS version,
                               1 + floor(random() * {LOGINS})::int AS login_no
                        FROM generate_series(1, {count}) AS g
                    ) s,
                    LATERAL (
                        SELECT {start_sql}
                            + (((obj * 0.6180339887) % 1) * 0.9)::float8
                              * ({end_sql} - {start_sql}) AS created
                    ) c
                ) r
                ORDER BY r.at
            """  # noqa: S608 - identifiers from the models, numbers from this script
            cursor.execute(sql)  # no parameters: the % signs are modulo
        cursor.execute("RESET synchronous_commit")
    with connection.cursor() as cursor:
        for table in plan:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
    return {table: count for table, (count, _objects, _model) in plan.items()}


# --------------------------------------------------------------------------- plans


def table_sizes(tables) -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE relname = ANY(%s)",
            [list(tables)],
        )
        return dict(cursor.fetchall())


def table_indexes(table: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s ORDER BY indexname", [table]
        )
        return [row[0].split(" USING ", 1)[1] for row in cursor.fetchall()]


def explain(sql: str, *, analyze: bool = True) -> tuple[str, dict]:
    """(text plan with ANALYZE and BUFFERS, JSON plan with ANALYZE)."""
    from django.db import connection

    options = "ANALYZE, BUFFERS" if analyze else "COSTS"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {sql}")
        text = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        raw = cursor.fetchone()[0]
    plan = json.loads(raw) if isinstance(raw, str) else raw
    return text, plan[0]["Plan"] | {"Execution Time": plan[0].get("Execution Time", 0.0)}


def _nodes(node, parent=None):
    yield node, parent
    for child in node.get("Plans", []):
        yield from _nodes(child, node)


def plan_findings(plan: dict, sizes: dict[str, int]) -> tuple[list[str], list[str]]:
    """(failures, warnings) of a JSON plan: sequential scans of big tables, big sorts,
    index scans that throw most of what they read away."""
    failures, warnings = [], []
    for node, _parent in _nodes(plan):
        kind = node["Node Type"]
        relation = node.get("Relation Name", "")
        loops = node.get("Actual Loops", 1) or 1
        if kind == "Seq Scan" and sizes.get(relation, 0) >= BIG_TABLE_ROWS:
            read = int(node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0))
            failures.append(
                f"Seq Scan on {relation} ({sizes[relation]:,} rows; read {read * loops:,})"
            )
        if kind == "Sort":
            fed = sum(
                c.get("Actual Rows", 0) * (c.get("Actual Loops", 1) or 1)
                for c in node.get("Plans", [])
            )
            if fed > BIG_SORT_ROWS:
                keys = ", ".join(node.get("Sort Key", []))
                failures.append(f"Sort of {int(fed):,} rows by {keys}")
        if kind in ("Index Scan", "Index Only Scan", "Bitmap Heap Scan"):
            removed = node.get("Rows Removed by Filter", 0) * loops
            removed += node.get("Rows Removed by Index Recheck", 0) * loops
            kept = int(node.get("Actual Rows", 0) * loops)
            where = node.get("Index Name") or "bitmap"
            size = sizes.get(relation, 0)
            if size >= BIG_TABLE_ROWS and removed + kept >= size / 2:
                failures.append(
                    f"{kind} on {relation} via {where} reads {int(removed + kept):,} of "
                    f"{size:,} rows to keep {kept:,} — the whole table through an index "
                    f"(Filter: {node.get('Filter', '?')})"
                )
            elif removed > FILTER_WASTE_ROWS:
                warnings.append(
                    f"{kind} on {relation} via {where} discards {int(removed):,} rows to keep "
                    f"{kept:,} (Filter: {node.get('Filter', '?')})"
                )
    return failures, warnings


def uses_index(plan: dict) -> bool:
    return any(
        n["Node Type"] in ("Index Scan", "Index Only Scan", "Bitmap Index Scan")
        for n, _ in _nodes(plan)
    )


# --------------------------------------------------------------------------- scenarios


def time_page(user, filters, page: int):
    """(entries, has_next, captured queries, median seconds) of one audit page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from audit.selectors import audit_page

    audit_page(user=user, filters=filters, page=page)  # warm the caches
    with CaptureQueriesContext(connection) as captured:
        entries, has_next = audit_page(user=user, filters=filters, page=page)
    timings = []
    for _ in range(RUNS):
        began = time.perf_counter()
        audit_page(user=user, filters=filters, page=page)
        timings.append(time.perf_counter() - began)
    return entries, has_next, list(captured.captured_queries), statistics.median(timings)


def run_scenario(title, user, filters, page, budget_tables, sizes, *, show_plan, gate):
    """Print one scenario; return False when a gated check fails."""
    entries, has_next, queries, seconds = time_page(user, filters, page)
    budget = 1 + 3 * budget_tables
    spanned = len({e.type_label for e in entries})
    ok_budget = len(queries) <= budget
    print(f"\n=== {title}")
    print(
        f"entries {len(entries)} (has next: {has_next}) from {spanned} table(s); "
        f"queries {len(queries)} (budget {budget} = 1 + 3 x {budget_tables}); "
        f"median of {RUNS}: {seconds * 1000:.1f} ms"
    )
    print(f"query budget: {'PASS' if ok_budget else 'FAIL'}")
    ok_plans = True
    print("  query       execution (EXPLAIN ANALYZE), plan verdict")
    for number, query in enumerate(queries):
        sql = query["sql"]
        text, plan = explain(sql)
        failures, warnings = plan_findings(plan, sizes)
        label = "keys query" if number == 0 else f"query {number + 1}"
        if number == 0 and show_plan:
            print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the keys query:\n{text}\n")
        verdict = "index" if uses_index(plan) and not failures else "NOT from indexes"
        if not failures and not uses_index(plan):
            verdict = "no big table read"
        line = f"  {label:<11} {plan['Execution Time']:8.2f} ms  plan: {verdict}"
        print(line + (f" — {sql[:90]}…" if number else ""))
        for failure in failures:
            print(f"      FAIL: {failure}")
        for warning in warnings:
            print(f"      WARN: {warning}")
        ok_plans = ok_plans and not failures
    print(
        f"served from indexes: {'PASS' if ok_plans else 'FAIL'}"
        + ("" if gate else " (informational, not gated)")
    )
    return (ok_budget and ok_plans) or not gate


def bench_saves(saves: int) -> None:
    """Updates of accounts.Position, one transaction each, with and without a history row."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Position

    stamp = int(time.time())
    positions = Position.objects.bulk_create(
        Position(code=f"bench-{stamp}-{i}", name_ky=f"Б {i}", name_ru=f"Б {i}", name_en=f"B {i}")
        for i in range(100)
    )
    historical = Position.history.model

    def run_one(position, tracked: bool, name: str) -> None:
        position.name_en = name
        with transaction.atomic():
            if tracked:
                position.save()
            else:
                position.save_without_historical_record()

    def run(tracked: bool, round_no: int) -> float:
        began = time.perf_counter()
        for i in range(saves):
            run_one(positions[i % len(positions)], tracked, f"B {round_no}.{i}")
        return time.perf_counter() - began

    print(f"\n=== Save cost: {saves:,} updates of accounts.Position, one transaction each")
    for tracked in (False, True):
        with CaptureQueriesContext(connection) as captured:
            run_one(positions[0], tracked, "probe")
        verbs = [q["sql"].split(None, 1)[0] for q in captured.captured_queries]
        print(f"statements per {'tracked' if tracked else 'untracked'} save: {' '.join(verbs)}")
    before = historical.objects.count()
    run(True, 0)  # warm-up
    run(False, 0)
    tracked_times, untracked_times = [], []
    for round_no in range(1, SAVE_ROUNDS + 1):  # alternate to even out drift and noise
        untracked_times.append(run(False, round_no))
        tracked_times.append(run(True, round_no))
    written = historical.objects.count() - before
    assert written == saves * (SAVE_ROUNDS + 1), f"history rows written: {written}"
    tracked_s = statistics.median(tracked_times)
    untracked_s = statistics.median(untracked_times)
    print(
        f"untracked (save_without_historical_record): {saves / untracked_s:7,.0f} saves/s"
        f" ({untracked_s / saves * 1e6:5.0f} µs/save)"
    )
    print(
        f"tracked   (history row written):            {saves / tracked_s:7,.0f} saves/s"
        f" ({tracked_s / saves * 1e6:5.0f} µs/save)"
    )
    print(
        f"tracked / untracked time ratio: {tracked_s / untracked_s:.2f}x "
        f"(median of {SAVE_ROUNDS} alternating rounds)"
    )


# --------------------------------------------------------------------------- main


def main() -> int:
    args = parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from audit.selectors import Filters
    from audit.triggers import history_models

    home = settings.DATABASES["default"]["NAME"]
    began = time.perf_counter()
    fresh = create_database(args.db_name, reuse=args.reuse)
    switch_database(args.db_name)
    print(
        f"database: {args.db_name} on {settings.DATABASES['default']['HOST'] or 'localhost'}"
        f" ({'created' if fresh else 'reused'})"
    )
    ok = True
    try:
        if fresh:
            call_command("migrate", verbosity=0)
            print(f"migrated in {time.perf_counter() - began:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            print(f"PostgreSQL {cursor.fetchone()[0]}")
        models = history_models()
        tables = [m._meta.db_table for m in models]
        missing = sorted(set(tables) - set(connection.introspection.table_names()))
        if missing:
            raise SystemExit(f"bench: history tables missing after migrate: {missing}")
        if fresh:
            began = time.perf_counter()
            plan = generate(models, args.rows)
            elapsed = time.perf_counter() - began
            print(
                f"generated {sum(plan.values()):,} history rows over {len(plan)} tables in "
                f"{elapsed:.1f} s ({sum(plan.values()) / elapsed:,.0f} rows/s, incl. VACUUM "
                f"ANALYZE)"
            )
        sizes = table_sizes(tables)
        print("\nHistory tables (rows, indexes):")
        for table in tables:
            print(f"  {table:<40} {sizes.get(table, 0):>9,}  {'; '.join(table_indexes(table))}")

        user = get_user_model().objects.filter(username="bench-auditor").first()
        if user is None:
            user = get_user_model().objects.create_superuser("bench-auditor", "", None)
        busiest = max(tables, key=lambda t: sizes.get(t, 0))
        label = next(
            m.instance_type._meta.label_lower for m in models if m._meta.db_table == busiest
        )
        month_start = (timezone.localdate().replace(day=1) - dt.timedelta(days=200)).replace(day=1)
        month_end = (month_start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        login = "user" + "42".rjust(len(str(LOGINS)), "0")

        ok &= run_scenario(
            "(a) first page, no filters",
            user,
            Filters(),
            1,
            len(tables),
            sizes,
            show_plan=True,
            gate=True,
        )
        ok &= run_scenario(
            f"(b) filtered page: type {label}, login {login}, {month_start} … {month_end}",
            user,
            Filters(user=login, object_type=label, date_from=month_start, date_to=month_end),
            1,
            1,
            sizes,
            show_plan=True,
            gate=True,
        )
        ok &= run_scenario(
            "(c) page 20, no filters",
            user,
            Filters(),
            20,
            len(tables),
            sizes,
            show_plan=False,
            gate=True,
        )
        ok &= run_scenario(
            f"(d) one object's trail: type {label}, object id 4242",
            user,
            Filters(object_type=label, object_id="4242"),
            1,
            1,
            sizes,
            show_plan=True,
            gate=False,
        )
        ok &= run_scenario(
            "(e) login only, a login with no entries (all types, no period)",
            user,
            Filters(user="nobody"),
            1,
            len(tables),
            sizes,
            show_plan=False,
            gate=False,
        )
        bench_saves(args.saves)
    finally:
        connection.close()
        if args.keep:
            print(f"\nkept database {args.db_name} (rerun with --reuse to skip generation)")
        else:
            drop_database(args.db_name, home)
            print(f"\ndropped database {args.db_name}")
    print(f"\nRESULT: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
