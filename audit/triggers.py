"""PostgreSQL triggers that make audit tables append-only.

Every history table (django-simple-history), the event log and the seal table get a
``BEFORE UPDATE OR DELETE`` row trigger that raises. The function is installed by a
migration; triggers for history tables of later apps are (re)installed after each
``migrate`` (``CREATE OR REPLACE TRIGGER`` is idempotent).

TRUNCATE is not refused here because Django's test runner empties tables with it; in
production the application's database role should not hold the TRUNCATE privilege
(see README, security notes).
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.db import connection

FUNCTION_NAME = "kstu_audit_refuse_change"
TRIGGER_NAME = "kstu_audit_append_only"

CREATE_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION_NAME}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

DROP_FUNCTION_SQL = f"DROP FUNCTION IF EXISTS {FUNCTION_NAME}() CASCADE;"


def history_models(apps=global_apps) -> list:
    """Every django-simple-history model installed, in a stable order."""
    from simple_history.models import HistoricalChanges

    found = [m for m in apps.get_models() if issubclass(m, HistoricalChanges)]
    return sorted(found, key=lambda m: m._meta.db_table)


def sealed_tables(apps=global_apps) -> list[tuple[str, str, str]]:
    """[(table, primary-key column, time column)] of every row that seals cover."""
    tables = [(m._meta.db_table, "history_id", "history_date") for m in history_models(apps)]
    tables.append(("audit_authevent", "id", "occurred_at"))
    return sorted(tables)


def protected_tables(apps=global_apps) -> list[str]:
    return [t for t, _pk, _time in sealed_tables(apps)] + ["audit_auditseal"]


def install_triggers(schema_editor=None, apps=global_apps) -> int:
    conn = schema_editor.connection if schema_editor is not None else connection
    existing = set(conn.introspection.table_names())
    count = 0
    with conn.cursor() as cursor:
        cursor.execute(CREATE_FUNCTION_SQL)
        for table in protected_tables(apps):
            if table not in existing:
                continue
            quoted = conn.ops.quote_name(table)
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRIGGER_NAME} BEFORE UPDATE OR DELETE ON {quoted} "
                f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION_NAME}();"
            )
            count += 1
    return count


def install_triggers_after_migrate(sender, **kwargs) -> None:
    # post_migrate is sent once per app; every table exists after the last one.
    if sender is list(global_apps.get_app_configs())[-1]:
        install_triggers(apps=global_apps)
