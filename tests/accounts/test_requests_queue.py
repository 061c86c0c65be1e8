"""The HR visa queue and the request page: who may see them, filters, query budget."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts import roles
from accounts.models import RegistrationRequest
from accounts.services.requests import (
    RequestContent,
    registration_request_return,
    registration_request_submit,
)
from audit.models import AuthEvent
from registry.models import InformationSystem, ReportSection
from tests.accounts.test_requests_support import (
    QUEUE_URL,
    make_department,
    make_hr_head,
    make_position,
)


@pytest.fixture(autouse=True)
def _english_texts(english_ui):
    """These tests read the English texts of pages and messages."""


pytestmark = pytest.mark.django_db


@pytest.fixture
def department():
    return make_department()


@pytest.fixture
def position():
    return make_position()


@pytest.fixture
def hr_head(make_user):
    return make_hr_head(make_user)


def _submit(department, position, n: int = 0, systems=("avn", "1c")) -> RegistrationRequest:
    chosen = {InformationSystem.objects.get(code=code): "view" for code in systems}
    return registration_request_submit(
        content=RequestContent(
            last_name=f"Асанов{'а' * n}",
            first_name="Бакыт",
            patronymic="",
            department=department,
            position=position,
            work_phone="+996 312 54-51-25",
            mobile_phone="+996 555 12-34-56",
            personal_email=f"applicant{n}@example.com",
            systems=chosen,
            report_sections=list(ReportSection.objects.filter(system__in=chosen)),
        )
    )


def _client(user) -> Client:
    client = Client()
    client.cookies["kstu_language"] = "en"
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", [roles.HR_HEAD, roles.HR_OFFICER, roles.AUDITOR])
def test_hr_and_the_auditor_see_the_queue_and_the_request(make_user, department, position, role):
    request_obj = _submit(department, position)
    client = _client(make_user("viewer", roles=[role]))
    queue = client.get(QUEUE_URL)
    assert queue.status_code == 200
    assert f'data-testid="request-{request_obj.pk}"' in queue.content.decode()
    assert queue.headers["Cache-Control"].startswith(("no-store", "max-age=0"))
    detail = client.get(reverse("accounts:request-detail", args=[request_obj.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    for item in ("Асанов Бакыт", "+996 312 54-51-25", "applicant0@example.com", "Payroll"):
        assert item in html
    assert ('data-testid="approve"' in html) == (role == roles.HR_HEAD)
    event = AuthEvent.objects.get(action=AuthEvent.Action.PERSONAL_DATA_VIEW)
    assert event.username == "viewer"
    assert event.target_id == str(request_obj.pk)


@pytest.mark.parametrize("role", [roles.TEACHER, roles.STUDENT, roles.IS_RESPONSIBLE, roles.RECTOR])
def test_the_queue_and_the_request_are_forbidden_outside_hr(make_user, department, position, role):
    request_obj = _submit(department, position)
    client = _client(make_user("outsider", roles=[role]))
    assert client.get(QUEUE_URL).status_code == 403
    assert client.get(reverse("accounts:request-detail", args=[request_obj.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, department, position):
    request_obj = _submit(department, position)
    for url in (QUEUE_URL, reverse("accounts:request-detail", args=[request_obj.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    response = client.post(reverse("accounts:request-approve", args=[request_obj.pk]))
    assert response.status_code == 302
    request_obj.refresh_from_db()
    assert request_obj.status == RegistrationRequest.Status.SUBMITTED


def test_the_auditor_reads_but_cannot_put_the_visa(make_user, department, position):
    request_obj = _submit(department, position)
    client = _client(make_user("auditor_a", roles=[roles.AUDITOR]))
    response = client.post(reverse("accounts:request-approve", args=[request_obj.pk]))
    assert response.status_code == 403
    request_obj.refresh_from_db()
    assert request_obj.status == RegistrationRequest.Status.SUBMITTED


def test_an_unknown_request_is_404_for_hr(hr_head):
    assert _client(hr_head).get(reverse("accounts:request-detail", args=[999999])).status_code == (
        404
    )


def test_the_queue_shows_open_requests_by_default_and_filters_by_status(
    hr_head, make_user, department, position
):
    waiting = _submit(department, position, 1)
    returned = _submit(department, position, 2)
    registration_request_return(actor=hr_head, request_obj=returned, comment="Телефон?")
    rejected = _submit(department, position, 3)
    rejected.status = RegistrationRequest.Status.REJECTED
    rejected.save()
    client = _client(hr_head)

    def shown(params):
        html = client.get(QUEUE_URL, params).content.decode()
        return {r.pk for r in (waiting, returned, rejected) if f'request-{r.pk}"' in html}

    assert shown({}) == {waiting.pk, returned.pk}
    assert shown({"status": "returned"}) == {returned.pk}
    assert shown({"status": "rejected"}) == {rejected.pk}
    assert shown({"status": "all"}) == {waiting.pk, returned.pk, rejected.pk}
    assert shown({"status": "nonsense"}) == {waiting.pk, returned.pk}


def test_the_queue_is_paginated(hr_head, department, position):
    for n in range(23):
        _submit(department, position, n, systems=("avn",))
    client = _client(hr_head)
    first = client.get(QUEUE_URL)
    assert len(first.context["page"].object_list) == 20
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(QUEUE_URL, {"page": 2})
    assert len(second.context["page"].object_list) == 3


def test_the_queue_keeps_its_query_budget_with_twenty_requests(
    hr_head, department, position, django_assert_max_num_queries
):
    for n in range(20):
        _submit(department, position, n)
    client = _client(hr_head)
    client.get(QUEUE_URL)  # warm the session and permission caches of this client
    with django_assert_max_num_queries(12):
        response = client.get(QUEUE_URL)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 20


def test_the_request_page_keeps_its_query_budget(
    hr_head, department, position, django_assert_max_num_queries
):
    request_obj = _submit(department, position)
    client = _client(hr_head)
    url = reverse("accounts:request-detail", args=[request_obj.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
