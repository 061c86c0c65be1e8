"""The order and inbox pages: allowed and forbidden for each, audit of views by others.

Personas: Айда (HR officer), Бакыт (rector), Нурлан (employee in EDO), Сезим (paper only),
Улан (a teacher, no HR rights), Чолпон (another employee in EDO).
"""

import pytest

from audit.models import AuthEvent
from hr_edo.models import DocumentType, HrDocument
from hr_edo.services.orders import order_sign_as_university, order_submit_for_signature
from tests.hr_edo.test_orders_support import (
    PASSWORD,
    draft_order,
    install_org_key,
    make_participant,
    make_rector,
    order_type,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurlan(make_user):
    user = make_user("emp_nurlan", first_name="Нурлан")
    make_participant(user)
    return user


@pytest.fixture
def teacher(make_user):
    return make_user("teacher_ulan", roles=["teacher"])


@pytest.fixture
def sent_order(hr, nurlan, make_user, settings, tmp_path):
    install_org_key(settings, tmp_path)
    order = draft_order(hr, nurlan)
    order_submit_for_signature(actor=hr, hr_document=order)
    return order_sign_as_university(actor=make_rector(make_user), hr_document=order)


def _order_post(employee, **extra):
    return {
        "type": order_type(8).pk,
        "employee": employee.pk,
        "number": "21-к",
        "document_date": "2025-05-05",
        "start_date": "2025-06-02",
        "end_date": "2025-06-29",
        "days": "28",
        **extra,
    }


def test_an_hr_officer_drafts_an_order_and_gets_its_pdf(client, hr, nurlan):
    client.force_login(hr)
    assert client.get("/hr/orders/new/").status_code == 200
    response = client.post("/hr/orders/new/", _order_post(nurlan))
    order = HrDocument.objects.get(number="21-к")
    assert response.status_code == 302 and response["Location"] == f"/hr/orders/{order.pk}/"
    assert order.pdf is not None and not order.on_paper
    assert order.data == {"start_date": "2025-06-02", "end_date": "2025-06-29", "days": 28}
    assert client.get(f"/hr/orders/{order.pk}/").status_code == 200
    assert client.get("/hr/orders/").status_code == 200


def test_an_order_for_a_non_participant_is_marked_on_paper_with_a_message(
    client, hr, make_user, english_ui
):
    sezim = make_user("emp_sezim", first_name="Сезим")
    client.force_login(hr)
    response = client.post("/hr/orders/new/", _order_post(sezim), follow=True)
    assert HrDocument.objects.get(number="21-к").on_paper
    assert "not a registered EDO participant" in response.content.decode()


def test_the_order_form_refuses_a_leave_ending_before_it_starts(client, hr, nurlan):
    client.force_login(hr)
    response = client.post("/hr/orders/new/", _order_post(nurlan, end_date="2025-05-01"))
    assert response.status_code == 200
    assert "end_date" in response.context["form"].errors
    assert not HrDocument.objects.exists()


def test_an_order_is_prefilled_from_the_accepted_application(client, hr, nurlan):
    application = HrDocument.objects.create(
        type=DocumentType.objects.get(number=6),
        employee=nurlan,
        created_by=nurlan,
        status=HrDocument.Status.ACCEPTED,
        data={
            "child_name": "Айжан",
            "child_birth_date": "2024-01-10",
            "start_date": "2025-06-01",
            "end_date": "2026-12-31",
        },
    )
    client.force_login(hr)
    form = client.get(f"/hr/orders/new/?based_on={application.pk}").context["form"]
    assert form.initial["type"] == DocumentType.objects.get(number=12).pk
    assert form.initial["employee"] == nurlan.pk and form.initial["child_name"] == "Айжан"


def test_hr_pages_are_forbidden_to_a_teacher(client, teacher, sent_order):
    client.force_login(teacher)
    assert client.get("/hr/orders/").status_code == 403
    assert client.get("/hr/orders/new/").status_code == 403
    assert client.get(f"/hr/orders/{sent_order.pk}/").status_code == 403
    assert client.post(f"/hr/orders/{sent_order.pk}/sign/").status_code == 403


def test_hr_viewing_an_order_is_audited_as_personal_data_view(client, hr, sent_order):
    client.force_login(hr)
    assert client.get(f"/hr/orders/{sent_order.pk}/").status_code == 200
    event = AuthEvent.objects.get(action=AuthEvent.Action.PERSONAL_DATA_VIEW)
    assert event.user_id == hr.pk
    assert (event.target_type, event.target_id) == ("hr_edo.hrdocument", str(sent_order.pk))


def test_the_employee_sees_and_signs_their_order_from_the_inbox_without_an_audit_event(
    client, nurlan, sent_order
):
    client.force_login(nurlan)
    page = client.get("/hr/my/").content.decode()
    assert f"/hr/my/{sent_order.pk}/" in page
    detail = client.get(f"/hr/my/{sent_order.pk}/")
    assert detail.status_code == 200
    assert f"/signatures/documents/{sent_order.pdf_id}/download/" in detail.content.decode()
    assert 'data-level="enhanced_qualified"' in detail.content.decode()  # the sheet
    response = client.post(f"/hr/my/{sent_order.pk}/acknowledge/", {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/hr/my/"
    sent_order.refresh_from_db()
    assert sent_order.status == HrDocument.Status.ACQUAINTED
    assert not AuthEvent.objects.filter(action=AuthEvent.Action.PERSONAL_DATA_VIEW).exists()


def test_a_wrong_password_does_not_sign(client, nurlan, sent_order):
    client.force_login(nurlan)
    response = client.post(f"/hr/my/{sent_order.pk}/acknowledge/", {"password": "nope"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    sent_order.refresh_from_db()
    assert sent_order.status == HrDocument.Status.SENT


def test_another_employees_document_is_not_found(client, make_user, sent_order):
    cholpon = make_user("emp_cholpon")
    make_participant(cholpon)
    client.force_login(cholpon)
    assert client.get(f"/hr/my/{sent_order.pk}/").status_code == 404
    response = client.post(f"/hr/my/{sent_order.pk}/acknowledge/", {"password": PASSWORD})
    assert response.status_code == 404
    sent_order.refresh_from_db()
    assert sent_order.status == HrDocument.Status.SENT


def test_a_draft_is_not_in_the_employees_inbox(client, hr, nurlan):
    order = draft_order(hr, nurlan)
    client.force_login(nurlan)
    assert client.get(f"/hr/my/{order.pk}/").status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, sent_order):
    assert client.get("/hr/my/").status_code == 302
    assert client.get("/hr/orders/").status_code == 302
