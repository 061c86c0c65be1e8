"""Employees' applications (App. 1 #1–7, 14): forms, preview, sign and submit, HR decides."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hr_edo.forms_applications import FORMS
from hr_edo.models import DocumentType, HrDocument
from hr_edo.services.applications import (
    application_accept,
    application_return,
    application_submit,
)
from hr_edo.services.common import hr_document_create
from signatures.models import Signature


@pytest.fixture(autouse=True)
def _english_texts(english_ui):
    """These tests read the English texts of pages and messages."""


PASSWORD = "Str0ng#Pass"

GOOD = {
    "annual_leave_application": {"start_date": "2026-07-01", "end_date": "2026-07-24"},
    "unpaid_leave_application": {
        "start_date": "2026-07-01",
        "end_date": "2026-07-03",
        "reason": "Үй-бүлөлүк жагдай",
    },
    "leave_transfer_application": {
        "original_start_date": "2026-07-01",
        "original_end_date": "2026-07-24",
        "new_start_date": "2026-08-03",
        "new_end_date": "2026-08-26",
        "reason": "",
    },
    "study_leave_application": {
        "start_date": "2026-06-01",
        "end_date": "2026-06-20",
        "institution": "КМТУ",
        "basis": "№ 15",
    },
    "maternity_leave_application": {
        "start_date": "2026-05-01",
        "end_date": "2026-09-17",
        "certificate_number": "БЛ-1234",
    },
    "childcare_leave_application": {
        "child_name": "Асанова Айгерим",
        "child_birth_date": "2025-09-17",
        "start_date": "2026-09-18",
        "end_date": "2028-09-17",
    },
    "childcare_leave_end_application": {"end_date": "2026-12-31", "return_date": "2027-01-04"},
}

BAD = [
    (
        "annual_leave_application",
        {"start_date": "2026-07-24", "end_date": "2026-07-01"},
        "end_date",
    ),
    ("annual_leave_application", {"start_date": "", "end_date": "2026-07-01"}, "start_date"),
    (
        "unpaid_leave_application",
        {"start_date": "2026-07-01", "end_date": "2026-07-03", "reason": ""},
        "reason",
    ),
    (
        "leave_transfer_application",
        {
            "original_start_date": "2026-07-24",
            "original_end_date": "2026-07-01",
            "new_start_date": "2026-08-03",
            "new_end_date": "2026-08-26",
        },
        "original_end_date",
    ),
    (
        "leave_transfer_application",
        {
            "original_start_date": "2026-07-01",
            "original_end_date": "2026-07-24",
            "new_start_date": "2026-08-26",
            "new_end_date": "2026-08-03",
        },
        "new_end_date",
    ),
    (
        "study_leave_application",
        {"start_date": "2026-06-01", "end_date": "2026-06-20", "institution": ""},
        "institution",
    ),
    (
        "maternity_leave_application",
        {"start_date": "2026-05-01", "end_date": "2026-09-17", "certificate_number": ""},
        "certificate_number",
    ),
    (
        "childcare_leave_application",
        {
            "child_name": "А",
            "child_birth_date": "2025-09-17",
            "start_date": "2026-09-18",
            "end_date": "2028-09-18",
        },
        "end_date",
    ),
    (
        "childcare_leave_application",
        {
            "child_name": "А",
            "child_birth_date": "2025-09-17",
            "start_date": "2025-09-01",
            "end_date": "2026-09-18",
        },
        "start_date",
    ),
    (
        "childcare_leave_application",
        {
            "child_name": "",
            "child_birth_date": "2025-09-17",
            "start_date": "2026-09-18",
            "end_date": "2027-09-18",
        },
        "child_name",
    ),
    (
        "childcare_leave_end_application",
        {"end_date": "2026-12-31", "return_date": "2026-12-30"},
        "return_date",
    ),
]


@pytest.mark.parametrize("code", sorted(GOOD))
def test_good_data_is_accepted(code):
    form = FORMS[code](GOOD[code])
    assert form.is_valid(), form.errors
    data = form.to_data()
    if "end_date" in GOOD[code] and form.period:
        assert data["days"] >= 1


def test_days_are_computed_inclusively():
    form = FORMS["annual_leave_application"](GOOD["annual_leave_application"])
    assert form.is_valid()
    assert form.to_data()["days"] == 24


@pytest.mark.parametrize(("code", "data", "field"), BAD)
def test_bad_data_is_refused(code, data, field):
    form = FORMS[code](data)
    assert not form.is_valid()
    assert field in form.errors


def _type(code):
    return DocumentType.objects.get(code=code)


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(GOOD))
def test_each_type_submits_signed(client, registered_employee, code):
    client.force_login(registered_employee)
    response = client.post(
        reverse("hr_edo:application_new", args=[code]),
        {**GOOD[code], "action": "submit", "password": PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = HrDocument.objects.get(employee=registered_employee, type__code=code)
    assert document.status == HrDocument.Status.SUBMITTED
    assert Signature.objects.filter(document=document.pdf, signer=registered_employee).exists()
    assert document.pdf.owner_ref == f"hr_edo.hrdocument:{document.pk}"


@pytest.mark.django_db
def test_bad_data_on_the_page_shows_errors_and_creates_nothing(client, registered_employee):
    client.force_login(registered_employee)
    response = client.post(
        reverse("hr_edo:application_new", args=["annual_leave_application"]),
        {
            "start_date": "2026-07-24",
            "end_date": "2026-07-01",
            "action": "submit",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not HrDocument.objects.exists()


@pytest.mark.django_db
def test_preview_is_a_pdf(client, registered_employee):
    client.force_login(registered_employee)
    response = client.post(
        reverse("hr_edo:application_new", args=["annual_leave_application"]),
        {**GOOD["annual_leave_application"], "action": "preview"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert not HrDocument.objects.exists()


@pytest.mark.django_db
def test_submit_requires_the_signature(client, registered_employee):
    client.force_login(registered_employee)
    url = reverse("hr_edo:application_new", args=["annual_leave_application"])
    response = client.post(url, {**GOOD["annual_leave_application"], "action": "submit"})
    assert response.status_code == 200
    response = client.post(
        url, {**GOOD["annual_leave_application"], "action": "submit", "password": "wrong"}
    )
    assert response.status_code == 200
    assert not HrDocument.objects.exists()


@pytest.mark.django_db
def test_participation_type_redirects_to_join(client, employee):
    client.force_login(employee)
    response = client.get(reverse("hr_edo:application_new", args=["edo_participation_application"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("hr_edo:join")


@pytest.mark.django_db
def test_non_participant_is_told_documents_go_on_paper(client, employee):
    client.force_login(employee)
    url = reverse("hr_edo:application_new", args=["annual_leave_application"])
    response = client.get(url)
    assert response.status_code == 200
    assert 'data-testid="paper-only"' in response.content.decode()
    response = client.post(
        url, {**GOOD["annual_leave_application"], "action": "submit", "password": PASSWORD}
    )
    assert not HrDocument.objects.exists()
    with pytest.raises(ValidationError):
        application_submit(
            actor=employee,
            document_type=_type("annual_leave_application"),
            data={},
            method="password",
            secret=PASSWORD,
        )


@pytest.mark.django_db
def test_excluded_kind_cannot_be_created(employee):
    fake = DocumentType(code="dismissal_order", number=99, kind="order")
    with pytest.raises(ValidationError) as error:
        hr_document_create(actor=employee, type=fake, employee=employee)
    assert "1.7" in error.value.messages[0]


@pytest.mark.django_db
def test_excluded_kind_url_is_refused(client, employee):
    client.force_login(employee)
    response = client.get(reverse("hr_edo:application_new", args=["work_book"]))
    assert response.status_code == 400
    assert "1.7" in response.content.decode()


def _submit(employee, code="annual_leave_application", previous=None):
    form = FORMS[code](GOOD[code])
    assert form.is_valid()
    return application_submit(
        actor=employee,
        document_type=_type(code),
        data=form.to_data(),
        method="password",
        secret=PASSWORD,
        previous_version=previous,
    )


@pytest.mark.django_db
def test_hr_accepts(client, registered_employee, hr_officer):
    document = _submit(registered_employee)
    client.force_login(hr_officer)
    queue = client.get(reverse("hr_edo:applications_queue"))
    assert queue.status_code == 200
    assert document in list(queue.context["documents"])
    response = client.post(reverse("hr_edo:application_accept", args=[document.pk]))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == HrDocument.Status.ACCEPTED


@pytest.mark.django_db
def test_hr_returns_with_a_comment_and_employee_corrects(client, registered_employee, hr_officer):
    document = _submit(registered_employee)
    client.force_login(hr_officer)
    url = reverse("hr_edo:application_return", args=[document.pk])
    assert client.post(url, {"comment": ""}).status_code == 400
    document.refresh_from_db()
    assert document.status == HrDocument.Status.SUBMITTED
    assert client.post(url, {"comment": "Датаны оңдоңуз"}).status_code == 302
    document.refresh_from_db()
    assert document.status == HrDocument.Status.RETURNED
    assert document.hr_comment == "Датаны оңдоңуз"

    client.force_login(registered_employee)
    detail = client.get(reverse("hr_edo:application_detail", args=[document.pk]))
    assert "Датаны оңдоңуз" in detail.content.decode()
    revise = reverse("hr_edo:application_revise", args=[document.pk])
    assert client.get(revise).status_code == 200
    old_pdf, old_data = document.pdf_id, dict(document.data)
    response = client.post(
        revise,
        {
            "start_date": "2026-07-02",
            "end_date": "2026-07-25",
            "action": "submit",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    newer = HrDocument.objects.get(previous_version=document)
    assert newer.status == HrDocument.Status.SUBMITTED
    assert newer.data["start_date"] == "2026-07-02"
    document.refresh_from_db()
    assert (document.pdf_id, document.data) == (old_pdf, old_data)  # frozen
    assert client.get(revise).status_code == 302  # only once


@pytest.mark.django_db
def test_return_needs_a_comment_in_the_service(registered_employee, hr_officer):
    document = _submit(registered_employee)
    with pytest.raises(ValidationError):
        application_return(actor=hr_officer, hr_document=document, comment="  ")


@pytest.mark.django_db
def test_accept_needs_hr_permission(registered_employee):
    document = _submit(registered_employee)
    with pytest.raises(PermissionDenied):
        application_accept(actor=registered_employee, hr_document=document)


@pytest.mark.django_db
def test_unsigned_application_cannot_be_accepted(registered_employee, hr_officer):
    document = _submit(registered_employee)
    Signature.objects.filter(document=document.pdf).delete()
    with pytest.raises(ValidationError):
        application_accept(actor=hr_officer, hr_document=document)


@pytest.mark.django_db
def test_another_employee_cannot_see_my_application(client, registered_employee, make_user):
    document = _submit(registered_employee)
    other = make_user("other")
    client.force_login(other)
    assert client.get(reverse("hr_edo:application_detail", args=[document.pk])).status_code == 404
    assert client.get(reverse("hr_edo:application_revise", args=[document.pk])).status_code == 404


@pytest.mark.django_db
def test_owner_sees_own_application(client, registered_employee):
    document = _submit(registered_employee)
    client.force_login(registered_employee)
    assert client.get(reverse("hr_edo:application_detail", args=[document.pk])).status_code == 200
    mine = client.get(reverse("hr_edo:my_applications"))
    assert document in list(mine.context["documents"])


@pytest.mark.django_db
def test_teacher_cannot_open_the_hr_queue(client, make_user, registered_employee):
    document = _submit(registered_employee)
    client.force_login(make_user("teacher1", roles=["teacher"]))
    assert client.get(reverse("hr_edo:applications_queue")).status_code == 403
    assert client.post(reverse("hr_edo:application_accept", args=[document.pk])).status_code == 403
    assert (
        client.post(
            reverse("hr_edo:application_return", args=[document.pk]), {"comment": "x"}
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_hr_queue_query_budget(
    client, registered_employee, hr_officer, django_assert_max_num_queries
):
    for _ in range(3):
        _submit(registered_employee)
    client.force_login(hr_officer)
    client.get(reverse("hr_edo:applications_queue"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("hr_edo:applications_queue"))
    assert len(response.context["documents"]) == 3


def test_third_birthday_of_a_leap_day_child():
    from hr_edo.forms_applications import third_birthday

    assert third_birthday(dt.date(2024, 2, 29)) == dt.date(2027, 2, 28)


@pytest.mark.django_db
def test_application_pdf_carries_the_employee_and_the_period(registered_employee):
    import shutil

    from signatures.services.documents import document_read
    from tests.hr_edo.test_participation import pdf_text

    document = _submit(registered_employee)
    content = document_read(document.pdf)
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed")
    text = pdf_text(content)
    assert "Асанов Айбек Өмүрбекович" in text
    assert "2026-07-01" in text and "2026-07-24" in text
    assert "КТ-ҮӨҢ-07" in text
