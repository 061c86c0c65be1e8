import pytest
from django.urls import reverse

from accounts import roles
from registry.models import RESPONSIBLE_PERMISSION
from registry.services import system_assign_responsible

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registry_informationsystem_changelist")


def _responsible_url(system):
    return reverse("admin:registry_informationsystem_responsible", args=[system.pk])


def test_it_department_works_with_the_register_in_the_admin(
    client, it_officer, responsible_ky, system, django_assert_max_num_queries
):
    for code in ("avn", "1c", "zoom"):
        system_assign_responsible(actor=it_officer, system=system(code), user=responsible_ky)
    client.force_login(it_officer)
    client.get(CHANGELIST)
    # session, user, permissions (2), counts (2), the page, session save (3): no per-row query.
    with django_assert_max_num_queries(10):
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 10
    avn = system("avn")
    change = client.get(reverse("admin:registry_informationsystem_change", args=[avn.pk]))
    assert change.status_code == 200
    assert "student-contingent" in change.content.decode()  # the report-section inline


def test_it_department_assigns_and_removes_a_responsible_person_in_the_admin(
    client, it_officer, responsible_ky, system
):
    avn = system("avn")
    client.force_login(it_officer)
    page = client.get(_responsible_url(avn))
    assert page.status_code == 200
    assert "Асанова Айгүл" in page.content.decode()  # offered in the choice list
    response = client.post(_responsible_url(avn), {"user": responsible_ky.pk, "assign": "1"})
    assert response.status_code == 302
    assert responsible_ky.has_perm(RESPONSIBLE_PERMISSION, avn)
    client.post(_responsible_url(avn), {"remove": responsible_ky.pk})
    assert avn.responsible_persons == []


def test_person_without_the_role_is_not_offered(client, it_officer, employee, system):
    avn = system("avn")
    client.force_login(it_officer)
    response = client.post(_responsible_url(avn), {"user": employee.pk, "assign": "1"})
    assert response.status_code == 200  # the form shows the error
    assert avn.responsible_persons == []


def test_hr_officer_may_read_the_register_but_not_assign(client, make_user, responsible_ky, system):
    hr = make_user("hr_jyldyz", roles=[roles.HR_OFFICER], is_staff=True)
    client.force_login(hr)
    assert client.get(CHANGELIST).status_code == 200
    avn = system("avn")
    response = client.post(_responsible_url(avn), {"user": responsible_ky.pk, "assign": "1"})
    assert response.status_code == 403
    assert avn.responsible_persons == []


def test_anonymous_cannot_open_the_assignment_page(client, system):
    response = client.get(_responsible_url(system("avn")))
    assert response.status_code == 302
    assert "/admin/login/" in response.url
