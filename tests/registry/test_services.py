import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import roles
from registry.models import RESPONSIBLE_PERMISSION
from registry.selectors import systems_responsible_for
from registry.services import system_assign_responsible, system_remove_responsible

pytestmark = pytest.mark.django_db


def test_it_department_makes_an_is_responsible_person_responsible(
    it_officer, responsible_ky, system
):
    avn = system("avn")
    assert system_assign_responsible(actor=it_officer, system=avn, user=responsible_ky) is True
    assert responsible_ky.has_perm(RESPONSIBLE_PERMISSION, avn)
    assert not responsible_ky.has_perm(RESPONSIBLE_PERMISSION, system("1c"))
    assert avn.responsible_persons == [responsible_ky]
    assert list(systems_responsible_for(user=responsible_ky)) == [avn]


def test_assignment_and_removal_are_in_the_audit_event_log(it_officer, responsible_ky, system):
    from audit.models import AuthEvent

    avn = system("avn")
    system_assign_responsible(actor=it_officer, system=avn, user=responsible_ky)
    system_remove_responsible(actor=it_officer, system=avn, user=responsible_ky)
    events = AuthEvent.objects.filter(
        action=AuthEvent.Action.PERMISSION_CHANGE, target_id=str(responsible_ky.pk)
    ).order_by("id")
    assert [(e.username, e.details["change"], e.details["system"]) for e in events] == [
        ("it_azamat", "add", "avn"),
        ("it_azamat", "remove", "avn"),
    ]
    assert events[0].details["items"] == ["registry.responsible_for_system"]


def test_assigning_twice_changes_nothing(it_officer, responsible_ky, system):
    avn = system("avn")
    system_assign_responsible(actor=it_officer, system=avn, user=responsible_ky)
    assert system_assign_responsible(actor=it_officer, system=avn, user=responsible_ky) is False
    assert avn.responsible_persons == [responsible_ky]


def test_superuser_may_assign(make_user, responsible_ky, system):
    root = make_user("root", is_superuser=True, is_staff=True)
    system_assign_responsible(actor=root, system=system("zoom"), user=responsible_ky)
    assert responsible_ky.has_perm(RESPONSIBLE_PERMISSION, system("zoom"))


@pytest.mark.parametrize("role", [None, roles.HR_HEAD, roles.IS_RESPONSIBLE])
def test_actor_outside_it_department_is_refused(make_user, responsible_ky, system, role):
    actor = make_user("actor", roles=[role] if role else [], is_staff=True)
    with pytest.raises(PermissionDenied):
        system_assign_responsible(actor=actor, system=system("avn"), user=responsible_ky)
    assert not responsible_ky.has_perm(RESPONSIBLE_PERMISSION, system("avn"))


def test_person_without_is_responsible_role_cannot_be_made_responsible(
    it_officer, employee, system
):
    with pytest.raises(ValidationError) as error:
        system_assign_responsible(actor=it_officer, system=system("avn"), user=employee)
    assert error.value.code == "not_is_responsible"
    assert not employee.has_perm(RESPONSIBLE_PERMISSION, system("avn"))


def test_inactive_account_cannot_be_made_responsible(it_officer, responsible_ky, system):
    responsible_ky.is_active = False
    responsible_ky.save()
    with pytest.raises(ValidationError):
        system_assign_responsible(actor=it_officer, system=system("avn"), user=responsible_ky)


def test_removal_withdraws_the_permission_and_is_refused_to_others(
    it_officer, responsible_ky, employee, system
):
    avn = system("avn")
    system_assign_responsible(actor=it_officer, system=avn, user=responsible_ky)
    with pytest.raises(PermissionDenied):
        system_remove_responsible(actor=employee, system=avn, user=responsible_ky)
    assert system_remove_responsible(actor=it_officer, system=avn, user=responsible_ky) is True
    responsible_ky = type(responsible_ky).objects.get(pk=responsible_ky.pk)  # fresh perm cache
    assert not responsible_ky.has_perm(RESPONSIBLE_PERMISSION, avn)
    assert system_remove_responsible(actor=it_officer, system=avn, user=responsible_ky) is False


def test_deleting_a_system_leaves_no_orphan_object_permissions(it_officer, responsible_ky, system):
    from guardian.models import UserObjectPermission

    zoom = system("zoom")
    system_assign_responsible(actor=it_officer, system=zoom, user=responsible_ky)
    zoom.delete()
    assert not UserObjectPermission.objects.filter(user=responsible_ky).exists()
