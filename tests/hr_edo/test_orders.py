"""Orders (App. 1 #8–13): draft → the university's qualified signature → sent → the employee
acquaints and signs (B4, C3); frozen content; who may do what.

Personas: Айда, an HR officer; Бакыт, the rector; Нурлан, an employee who joined EDO;
Сезим, an employee who has not (paper only).
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from hr_edo.models import HrDocument
from hr_edo.services.orders import (
    order_acknowledge,
    order_draft,
    order_new_version,
    order_send,
    order_sign_as_university,
    order_submit_for_signature,
)
from signatures.models import Signature, SignatureLevel
from signatures.services.verification import TOTAL_PASSED, document_verify
from tests.hr_edo.test_orders_support import (
    PASSWORD,
    at,
    bishkek,
    draft_order,
    install_org_key,
    make_participant,
    order_type,
)


@pytest.fixture(autouse=True)
def _english_texts(english_ui):
    """These tests read the English texts of pages and messages."""


pytestmark = pytest.mark.django_db


@pytest.fixture
def sezim(make_user):
    return make_user("emp_sezim", first_name="Сезим")


def test_an_order_goes_from_draft_to_university_signature_to_the_employee_signature(
    hr, rector, nurlan, org_key, mailoutbox, django_capture_on_commit_callbacks
):
    order = draft_order(hr, nurlan)
    assert order.status == HrDocument.Status.DRAFT and not order.on_paper
    unsigned_pdf = order.pdf
    assert unsigned_pdf.content_type == "application/pdf"
    assert not nurlan.has_perm("signatures.view_document", unsigned_pdf)  # not sent yet

    order_submit_for_signature(actor=hr, hr_document=order)
    with django_capture_on_commit_callbacks(execute=True):
        order = order_sign_as_university(actor=rector, hr_document=order)

    assert order.status == HrDocument.Status.SENT
    assert order.pdf_id != unsigned_pdf.pk
    assert order.sent_at is not None and order.due_at > order.sent_at
    assert nurlan.has_perm("signatures.view_document", order.pdf)
    assert [m.to for m in mailoutbox] == [["emp_nurlan@kstu.kg"]]
    assert f"/hr/my/{order.pk}/" in mailoutbox[0].body
    assert order.due_at.date().isoformat() in mailoutbox[0].subject

    order_acknowledge(employee=nurlan, hr_document=order, password=PASSWORD)

    order.refresh_from_db()
    assert order.status == HrDocument.Status.ACQUAINTED and order.acquainted_at is not None
    verdicts = document_verify(order.pdf)
    assert [(v.method, v.indication, v.level) for v in verdicts] == [
        (Signature.Method.PADES, TOTAL_PASSED, SignatureLevel.ENHANCED_QUALIFIED),
        (Signature.Method.PASSWORD, TOTAL_PASSED, SignatureLevel.SIMPLE),
    ]
    # The unsigned draft PDF is still in the order's history.
    assert unsigned_pdf.pk in set(order.history.values_list("pdf_id", flat=True))


def test_an_order_for_a_non_participant_is_kept_on_paper_and_not_sent(hr, sezim):
    order = draft_order(hr, sezim)
    assert order.on_paper
    with translation.override("en"), pytest.raises(ValidationError, match="paper"):
        order_submit_for_signature(actor=hr, hr_document=order)


def test_an_unsigned_order_cannot_be_sent_to_the_employee(hr, nurlan):
    order = draft_order(hr, nurlan)
    order_submit_for_signature(actor=hr, hr_document=order)
    with pytest.raises(ValidationError):
        order_send(hr_document=order)
    order.refresh_from_db()
    assert order.status == HrDocument.Status.AWAITING_UNIVERSITY


def test_content_is_frozen_after_the_first_signature_and_a_new_version_references_the_old(
    hr, rector, nurlan, org_key
):
    order = draft_order(hr, nurlan)
    order = order_draft(  # a draft can still change
        actor=hr,
        type=order.type,
        employee=nurlan,
        number="18-к",
        document_date=order.document_date,
        data={"start_date": "2025-06-02", "end_date": "2025-06-15"},
        hr_document=order,
    )
    assert order.number == "18-к"
    order_submit_for_signature(actor=hr, hr_document=order)
    order = order_sign_as_university(actor=rector, hr_document=order)
    signed_sha = order.pdf.sha256

    with translation.override("en"), pytest.raises(ValidationError, match="frozen"):
        order_draft(
            actor=hr,
            type=order.type,
            employee=nurlan,
            number="99",
            document_date=order.document_date,
            data={},
            hr_document=order,
        )
    order.refresh_from_db()
    assert order.number == "18-к" and order.pdf.sha256 == signed_sha

    new = order_new_version(actor=hr, hr_document=order)
    assert new.previous_version_id == order.pk and new.status == HrDocument.Status.DRAFT
    assert new.pk != order.pk and new.pdf_id != order.pdf_id


def test_only_an_authorised_official_signs_for_the_university(hr, nurlan, org_key):
    order = draft_order(hr, nurlan)
    order_submit_for_signature(actor=hr, hr_document=order)
    with pytest.raises(PermissionDenied):
        order_sign_as_university(actor=hr, hr_document=order)
    order.refresh_from_db()
    assert order.status == HrDocument.Status.AWAITING_UNIVERSITY


def test_an_employee_signs_only_their_own_sent_order(hr, rector, nurlan, org_key, make_user):
    other = make_user("emp_other")
    make_participant(other)
    order = draft_order(hr, nurlan)
    with pytest.raises(ValidationError):  # a draft is not for signing
        order_acknowledge(employee=nurlan, hr_document=order, password=PASSWORD)
    order_submit_for_signature(actor=hr, hr_document=order)
    order = order_sign_as_university(actor=rector, hr_document=order)
    with pytest.raises(PermissionDenied):
        order_acknowledge(employee=other, hr_document=order, password=PASSWORD)
    with pytest.raises(ValidationError):
        order_acknowledge(employee=nurlan, hr_document=order, password="wrong")
    order.refresh_from_db()
    assert order.status == HrDocument.Status.SENT and order.acquainted_at is None


def test_drafting_is_refused_for_non_hr_and_for_non_order_types(hr, nurlan, make_user):
    teacher = make_user("teacher_ulan", roles=["teacher"])
    with pytest.raises(PermissionDenied):
        draft_order(teacher, nurlan)
    application_type = order_type(8).__class__.objects.get(number=1)
    with pytest.raises(ValidationError):
        order_draft(
            actor=hr,
            type=application_type,
            employee=nurlan,
            number="1",
            document_date=dt.date(2025, 5, 5),
            data={},
        )


def test_an_order_sent_before_the_may_holidays_is_due_at_the_end_of_14_may(
    hr, rector, nurlan, settings, tmp_path
):
    with at(bishkek(2025, 4, 30, 11, 0)):
        install_org_key(settings, tmp_path)
        order = draft_order(hr, nurlan)
        order_submit_for_signature(actor=hr, hr_document=order)
        order = order_sign_as_university(actor=rector, hr_document=order)
    assert order.sent_at == bishkek(2025, 4, 30, 11, 0)
    local_due = order.due_at.astimezone(bishkek(2025, 1, 1).tzinfo)
    assert local_due.date() == dt.date(2025, 5, 14)
    assert (local_due.hour, local_due.minute) == (23, 59)


def test_hr_sends_draft_orders_for_signature_from_the_admin(client, hr, nurlan):
    from django.urls import reverse

    order = draft_order(hr, nurlan)
    hr.is_staff = True
    hr.save()
    client.force_login(hr)
    response = client.post(
        reverse("admin:hr_edo_hrdocument_changelist"),
        {"action": "submit_for_signature", "_selected_action": [order.pk]},
        follow=True,
    )
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == HrDocument.Status.AWAITING_UNIVERSITY
