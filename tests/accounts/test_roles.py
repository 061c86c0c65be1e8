"""Roles are groups with the model permissions of ``accounts.roles.ROLE_PERMISSIONS``."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import roles

pytestmark = pytest.mark.django_db


def _snapshot() -> dict[str, set[str]]:
    return {
        group.name: {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        for group in Group.objects.filter(name__in=roles.ALL_ROLES)
    }


def test_all_twelve_roles_exist_as_groups_after_migrations():
    assert len(roles.ALL_ROLES) == 12
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLE_LABELS)


def test_every_permission_a_role_names_exists_so_none_is_silently_dropped():
    existing = {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list(
            "content_type__app_label", "codename"
        )
    }
    named = {perm for perms in roles.ROLE_PERMISSIONS.values() for perm in perms}
    assert named - existing == set()


def test_groups_hold_exactly_the_permissions_of_the_spec():
    assert _snapshot() == {code: set(perms) for code, perms in roles.ROLE_PERMISSIONS.items()}


def test_hr_officer_can_add_and_change_users_but_not_delete_them(make_user):
    officer = make_user("hr", roles=[roles.HR_OFFICER])
    assert officer.has_perm("accounts.add_user")
    assert officer.has_perm("accounts.change_user")
    assert officer.has_perm("accounts.view_user")
    assert not officer.has_perm("accounts.delete_user")
    # HR reads the decree calendar but only the head of HR and IT edit it.
    assert officer.has_perm("kstu.view_calendaroverride")
    assert not officer.has_perm("kstu.change_calendaroverride")


def test_auditor_reads_users_but_cannot_change_them(make_user):
    auditor = make_user("aud", roles=[roles.AUDITOR])
    assert auditor.has_perm("accounts.view_user")
    assert not auditor.has_perm("accounts.change_user")
    assert not auditor.has_perm("accounts.add_user")
    assert not auditor.has_perm("accounts.delete_user")


def test_student_and_parent_hold_no_model_permissions(make_user):
    student = make_user("st", roles=[roles.STUDENT])
    parent = make_user("pa", roles=[roles.PARENT])
    assert student.get_all_permissions() == set()
    assert parent.get_all_permissions() == set()


def test_sync_roles_twice_changes_nothing_and_writes_nothing():
    roles.sync_roles()
    before = _snapshot()
    with CaptureQueriesContext(connection) as ctx:
        roles.sync_roles()
    writes = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert _snapshot() == before
    assert Group.objects.filter(name__in=roles.ALL_ROLES).count() == 12


def test_sync_roles_repairs_a_role_edited_by_hand():
    auditor = Group.objects.get(name=roles.AUDITOR)
    auditor.permissions.add(Permission.objects.get(codename="delete_user"))
    Group.objects.get(name=roles.HR_OFFICER).permissions.clear()
    Group.objects.get(name=roles.TEACHER).delete()

    roles.sync_roles()

    assert _snapshot() == {code: set(perms) for code, perms in roles.ROLE_PERMISSIONS.items()}


def test_unknown_role_code_is_shown_as_is():
    assert roles.role_label("no_such_role") == "no_such_role"
