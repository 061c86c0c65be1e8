"""The HR admin: excluded types refused (IS §1.7), filters, actions, query budget."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hr_edo.models import DocumentType, HrDocument


@pytest.fixture(autouse=True)
def _english_texts(english_ui):
    """These tests read the English texts of pages and messages."""


pytestmark = pytest.mark.django_db


def _type_form(code: str) -> dict:
    return {
        "number": 99,
        "code": code,
        "name_ky": "Эмгек китепчеси",
        "name_ru": "Трудовая книжка",
        "name_en": "Work book",
        "kind": "order",
        "university_signature": "none",
        "acquaintance_working_days": 3,
        "legal_term_note": "",
        "retention_years": 75,
        "is_active": "on",
    }


def test_excluded_codes_refused(copy_hr, client):
    client.force_login(copy_hr)
    response = client.post(reverse("admin:hr_edo_documenttype_add"), _type_form("work_book"))
    assert response.status_code == 200
    assert "IS §1.7" in str(response.context["adminform"].form.errors["code"])
    assert not DocumentType.objects.filter(code="work_book").exists()
    response = client.post(reverse("admin:hr_edo_documenttype_add"), _type_form("new_type"))
    assert response.status_code == 302
    assert DocumentType.objects.filter(code="new_type").exists()


def _rows(make_edo_document, employee, n):
    return [make_edo_document(employee, type_number=1 + i % 5) for i in range(n)]


def test_changelist_query_budget(copy_hr, copy_employee, make_user, make_edo_document, client):
    client.force_login(copy_hr)
    url = reverse("admin:hr_edo_hrdocument_changelist")
    _rows(make_edo_document, copy_employee, 5)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    other = make_user("emp_many")
    _rows(make_edo_document, other, 25)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 30
    assert len(many) <= len(few) + 2, [q["sql"] for q in many.captured_queries]
    assert len(many) <= 30


def test_overdue_filter_and_search(copy_hr, copy_employee, make_edo_document, client):
    late = make_edo_document(copy_employee, status=HrDocument.Status.SENT)
    late.due_at = timezone.now() - dt.timedelta(days=1)
    late.save()
    make_edo_document(copy_employee, status=HrDocument.Status.ACQUAINTED)
    client.force_login(copy_hr)
    url = reverse("admin:hr_edo_hrdocument_changelist")
    response = client.get(url, {"overdue": "yes"})
    assert list(response.context["cl"].result_list) == [late]
    response = client.get(url, {"q": "Асанов"})
    assert response.context["cl"].result_count == 2
    response = client.get(url, {"employee__department__id__exact": "1"})
    assert response.status_code == 200


def test_actions_remind_and_export(
    copy_hr, copy_employee, make_edo_document, client, django_capture_on_commit_callbacks
):
    from django.core import mail

    sent = make_edo_document(copy_employee, status=HrDocument.Status.SENT)
    done = make_edo_document(copy_employee)
    client.force_login(copy_hr)
    url = reverse("admin:hr_edo_hrdocument_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url, {"action": "remind_now", "_selected_action": [sent.pk, done.pk]}, follow=True
        )
    assert [m.to for m in mail.outbox] == [[copy_employee.email]]
    response = client.post(url, {"action": "export_selected", "_selected_action": [done.pk]})
    assert response["Content-Type"] == "application/zip"
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("manifest.json"))
    assert [d["id"] for d in manifest["documents"]] == [done.pk]


def test_copy_request_admin_lists(copy_hr, copy_employee, client):
    from hr_edo.services.copies import copy_request_create

    copy_request_create(employee=copy_employee, form="paper", description="x")
    client.force_login(copy_hr)
    response = client.get(reverse("admin:hr_edo_copyrequest_changelist"), {"overdue": "no"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
