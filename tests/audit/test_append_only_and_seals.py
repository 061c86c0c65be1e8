"""Audit rows cannot be changed, and a forged row is caught by audit_verify."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import Position
from audit.models import AuditSeal, AuthEvent
from audit.services import audit_seal_new_rows, event_record

pytestmark = pytest.mark.django_db


def _later():
    return timezone.now() + dt.timedelta(minutes=5)


def _position(code="engineer", name="Инженер"):
    return Position.objects.create(code=code, name_ky=name, name_ru=name, name_en="Engineer")


def test_raw_sql_update_of_a_history_row_is_refused():
    _position()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE accounts_historicalposition SET name_ky = 'forged'")


def test_raw_sql_delete_of_an_event_is_refused():
    event_record(action=AuthEvent.Action.LOGIN_FAILED, username="someone")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_authevent")


def test_seals_are_append_only_too():
    _position()
    audit_seal_new_rows(now=_later())
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditseal SET hash = 'x'")


def test_every_history_table_has_the_trigger():
    from audit.triggers import TRIGGER_NAME, protected_tables

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_object_table FROM information_schema.triggers "
            "WHERE trigger_name = %s AND event_manipulation = 'UPDATE'",
            [TRIGGER_NAME],
        )
        with_trigger = {row[0] for row in cursor.fetchall()}
    assert set(protected_tables()) <= with_trigger


def test_seal_chains_to_the_previous_one_and_covers_only_new_rows():
    _position("a")
    first = audit_seal_new_rows(now=_later())
    assert first is not None and first.previous_hash == ""
    assert audit_seal_new_rows(now=_later()) is None  # nothing new
    _position("b")
    second = audit_seal_new_rows(now=_later())
    assert second.previous_hash == first.hash
    assert second.row_count == 1


def test_rows_younger_than_the_lag_wait_for_the_next_seal():
    audit_seal_new_rows(now=_later())  # whatever older rows the database holds
    _position("fresh")
    assert audit_seal_new_rows(now=timezone.now()) is None
    assert audit_seal_new_rows(now=_later()).row_count == 1


def test_audit_verify_passes_on_untouched_rows():
    _position()
    event_record(action=AuthEvent.Action.LOGIN_FAILED, username="x")
    audit_seal_new_rows(now=_later())
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "verifies" in out.getvalue()


def _forge(sql, params=()):
    """What an attacker with the database owner's rights would do: disable, change, enable."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE accounts_historicalposition DISABLE TRIGGER ALL")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE accounts_historicalposition ENABLE TRIGGER ALL")


def test_audit_verify_names_a_row_forged_with_the_trigger_disabled():
    _position("a", "Биринчи")
    target = _position("b", "Экинчи").history.get()
    _position("c", "Үчүнчү")
    audit_seal_new_rows(now=_later())

    _forge(
        "UPDATE accounts_historicalposition SET name_ky = 'Жасалма' WHERE history_id = %s",
        [target.history_id],
    )

    err = StringIO()
    with pytest.raises(CommandError, match="does NOT verify"):
        call_command("audit_verify", stderr=err)
    assert f"accounts_historicalposition row history_id={target.history_id}" in err.getvalue()
    assert "content differs" in err.getvalue()


def test_audit_verify_notices_a_deleted_row():
    first = _position("a").history.get()
    audit_seal_new_rows(now=_later())
    _forge("DELETE FROM accounts_historicalposition WHERE history_id = %s", [first.history_id])
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("audit_verify", stderr=err)
    assert "missing" in err.getvalue()


def test_audit_verify_notices_an_edited_seal():
    _position()
    seal = audit_seal_new_rows(now=_later())
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditseal DISABLE TRIGGER ALL")
        cursor.execute(
            "UPDATE audit_auditseal SET row_count = 99, digests = '{}'::jsonb WHERE id = %s",
            [seal.pk],
        )
        cursor.execute("ALTER TABLE audit_auditseal ENABLE TRIGGER ALL")
    with pytest.raises(CommandError):
        call_command("audit_verify", stderr=StringIO())


def test_seal_task_seals_in_bounded_batches(settings):
    from audit import services, tasks

    for i in range(5):
        _position(f"p{i}")
    original = services.SEAL_MAX_ROWS
    try:
        services.SEAL_MAX_ROWS = 2
        # The task seals everything that is old enough, in several seals.
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(
                services,
                "audit_seal_new_rows",
                lambda **kw: original_seal(max_rows=2, now=_later()),
            )
            mp.setattr(
                tasks, "audit_seal_new_rows", lambda **kw: original_seal(max_rows=2, now=_later())
            )
            made = tasks.seal_audit_rows()
    finally:
        services.SEAL_MAX_ROWS = original
    assert made >= 3
    assert sum(AuditSeal.objects.values_list("row_count", flat=True)) >= 5
    call_command("audit_verify", stdout=StringIO())


original_seal = audit_seal_new_rows
