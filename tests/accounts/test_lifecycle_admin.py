"""HR officers follow the account lifecycle in the admin: filters, search, query budgets."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.models import AccessGrant, Department, Position, RegistrationRequest
from registry.models import InformationSystem

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr_officer(make_user):
    return make_user("hr1", roles=[roles.HR_OFFICER], is_staff=True)


@pytest.fixture
def org():
    dept = Department.objects.create(
        kind="chair",
        name_ky="Кафедра",
        name_ru="Кафедра",
        name_en="Chair",
        registration_code="T-1",
    )
    pos = Position.objects.create(code="lecturer", name_ky="О", name_ru="П", name_en="L")
    return dept, pos


def _requests(org, n):
    dept, pos = org
    for i in range(n):
        RegistrationRequest.objects.create(
            last_name=f"Асанов{i}",
            first_name="Бакыт",
            department=dept,
            position=pos,
            work_phone="+996 312 000000",
            mobile_phone="+996 700 000000",
            personal_email=f"a{i}@example.org",
            tracking_token=f"tok{i}",
        )


def _tasks(make_user, n):
    systems = list(InformationSystem.objects.all()[:5])
    now = timezone.now()
    for i in range(n):
        AccessGrant.objects.create(
            user=make_user(f"emp{i}"),
            system=systems[i % len(systems)],
            due_at=now + dt.timedelta(days=(i % 3) - 1),
        )


def test_hr_officer_lists_registration_requests_within_a_query_budget(
    client, hr_officer, org, django_assert_max_num_queries
):
    _requests(org, 30)
    client.force_login(hr_officer)
    url = reverse("admin:accounts_registrationrequest_changelist")
    with django_assert_max_num_queries(14):  # 30 rows: an N+1 would show
        response = client.get(url)
    assert response.status_code == 200
    assert "Асанов29" in response.content.decode()
    assert client.get(url, {"q": "Асанов7"}).context["cl"].result_count == 1


def test_hr_officer_filters_overdue_access_tasks_within_a_query_budget(
    client, hr_officer, make_user, django_assert_max_num_queries
):
    _tasks(make_user, 30)
    client.force_login(hr_officer)
    url = reverse("admin:accounts_accessgrant_changelist")
    with django_assert_max_num_queries(15):  # incl. the outage banner's cached state
        response = client.get(url, {"deadline": "overdue"})
    assert response.status_code == 200
    overdue = AccessGrant.objects.filter(due_at__lt=timezone.now()).count()
    assert response.context["cl"].result_count == overdue > 0


def test_lifecycle_rows_are_read_only_in_the_admin(client, hr_officer, org):
    _requests(org, 1)
    client.force_login(hr_officer)
    request_obj = RegistrationRequest.objects.get()
    url = reverse("admin:accounts_registrationrequest_change", args=[request_obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="last_name"' not in response.content.decode()  # changes go through services
    assert client.post(url, {"last_name": "Жасалма"}).status_code == 403


def test_a_student_cannot_open_the_lifecycle_admin(client, make_user):
    client.force_login(make_user("st", roles=[roles.STUDENT]))
    url = reverse("admin:accounts_registrationrequest_changelist")
    assert client.get(url).status_code == 302  # to the admin login
