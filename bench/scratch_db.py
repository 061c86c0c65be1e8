"""A scratch database for a benchmark on the configured PostgreSQL server (imported by the
bench scripts, which run with ``bench/`` on ``sys.path``)."""

from __future__ import annotations


def database_exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def switch_database(name: str) -> None:
    """Point the default connection at another database of the same server."""
    from django.conf import settings
    from django.db import connections

    connections["default"].close()
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name


def create_database(name: str, *, reuse: bool = False) -> bool:
    """Create the benchmark database (anew unless ``reuse`` and it exists); True when it has
    to be filled."""
    from django.db import connection

    quoted = connection.ops.quote_name(name)
    with connection.cursor() as cursor:
        if reuse and database_exists(cursor, name):
            return False
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
        cursor.execute(f"CREATE DATABASE {quoted}")
    return True


def drop_database(name: str, home: str) -> None:
    """Go back to the ``home`` database and drop the benchmark one."""
    from django.db import connection

    switch_database(home)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")
    connection.close()
