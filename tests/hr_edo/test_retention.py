"""Retention (B5): term per type, a listing for HR's decision, never deleted; legal hold."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuthEvent
from hr_edo.models import HrDocument
from hr_edo.services.retention import (
    past_retention,
    retention_compute,
    retention_keep,
    retention_mark_for_disposal,
    retention_set_for,
)


@pytest.fixture(autouse=True)
def _english_texts(english_ui):
    """These tests read the English texts of pages and messages."""


pytestmark = pytest.mark.django_db


def test_retention_computed_for_final_documents_only(copy_employee, make_edo_document):
    doc = make_edo_document(copy_employee, date=dt.date(2024, 2, 29))
    doc.type.retention_years = 5
    doc.type.save()
    assert retention_compute(doc) == dt.date(2029, 2, 28)
    assert retention_set_for(doc) == dt.date(2029, 2, 28)
    doc.refresh_from_db()
    assert doc.retention_until == dt.date(2029, 2, 28)
    draft = make_edo_document(copy_employee, status=HrDocument.Status.SENT)
    assert retention_compute(draft) is None


def _old(make_edo_document, employee, **kwargs):
    doc = make_edo_document(employee, date=dt.date(2000, 1, 10), **kwargs)
    doc.type.retention_years = 5
    doc.type.save()
    return doc


def test_past_retention_listed_and_nothing_deleted(
    copy_employee, copy_hr, make_edo_document, client
):
    old = _old(make_edo_document, copy_employee)
    fresh = make_edo_document(copy_employee, type_number=2, date=dt.date(2025, 1, 1))
    assert list(past_retention()) == [old]
    client.force_login(copy_hr)
    page = client.get(reverse("hr_edo:retention_list"))
    assert page.status_code == 200
    assert f'retention-row-{old.pk}"'.encode() in page.content
    assert f'retention-row-{fresh.pk}"'.encode() not in page.content
    response = client.post(
        reverse("hr_edo:retention_decide", args=[old.pk]), {"decision": "dispose", "reason": "act"}
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.disposal_decision == "dispose:act"
    assert HrDocument.objects.filter(pk=old.pk).exists()


def test_keep_needs_reason_and_leaves_the_list(copy_employee, copy_hr, make_edo_document):
    old = _old(make_edo_document, copy_employee)
    with pytest.raises(ValidationError):
        retention_keep(copy_hr, old, "")
    retention_keep(copy_hr, old, "court case pending")
    assert list(past_retention()) == []
    event = AuthEvent.objects.get(action=AuthEvent.Action.RETENTION_DECISION)
    assert event.user_id == copy_hr.pk and event.target_id == str(old.pk)
    assert event.details == {"event": "hr_retention_keep", "reason": "court case pending"}


def test_legal_hold_blocks_disposal(copy_employee, copy_hr, make_edo_document, client):
    old = _old(make_edo_document, copy_employee)
    old.legal_hold = True
    old.save()
    with pytest.raises(ValidationError, match="legal hold"):
        retention_mark_for_disposal(copy_hr, old, "act")
    old.refresh_from_db()
    assert old.disposal_decision == ""


def test_disposal_refused_before_the_term(copy_employee, copy_hr, make_edo_document):
    doc = make_edo_document(copy_employee, date=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError):
        retention_mark_for_disposal(copy_hr, doc)


def test_employee_cannot_open_retention(copy_employee, client):
    client.force_login(copy_employee)
    assert client.get(reverse("hr_edo:retention_list")).status_code == 403
