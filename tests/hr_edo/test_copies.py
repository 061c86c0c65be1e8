"""Copy requests (EDO 2.1.6): 3 working days, electronic copy with signatures and a
verification report, paper copy handed over by whom and when; access rules."""

import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuthEvent
from hr_edo.models import CopyRequest
from hr_edo.services.copies import (
    copy_issue_electronic,
    copy_mark_handed_over,
    copy_request_create,
    copy_requests_sweep,
)
from signatures.selectors import document_visible_to
from signatures.services.documents import document_read
from tests.hr_edo.conftest import bishkek


@pytest.fixture(autouse=True)
def _english_texts(english_ui):
    """These tests read the English texts of pages and messages."""


pytestmark = pytest.mark.django_db


def test_deadline_three_working_days_across_may_holidays(copy_employee, make_edo_document):
    doc = make_edo_document(copy_employee)
    request = copy_request_create(
        employee=copy_employee, form="electronic", documents=[doc], now=bishkek(2025, 4, 30, 10)
    )
    due = timezone.localtime(request.due_at)
    assert (due.date().isoformat(), due.hour, due.minute) == ("2025-05-14", 23, 59)


def test_cannot_request_someone_elses_document(copy_employee, make_user, make_edo_document):
    other = make_user("emp_other")
    with pytest.raises(ValidationError):
        copy_request_create(
            employee=copy_employee, form="paper", documents=[make_edo_document(other)]
        )
    with pytest.raises(ValidationError):
        copy_request_create(employee=copy_employee, form="paper")


def _attachments(pdf_bytes: bytes) -> dict[str, bytes]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf_bytes))
    names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    out = {}
    for i in range(0, len(names), 2):
        spec = names[i + 1]
        out[str(names[i])] = spec["/EF"]["/F"].data
    return out


def test_electronic_copy_issued(
    copy_employee, copy_hr, make_edo_document, django_capture_on_commit_callbacks
):
    doc = make_edo_document(copy_employee)
    request = copy_request_create(employee=copy_employee, form="electronic", documents=[doc])
    with django_capture_on_commit_callbacks(execute=True):
        request = copy_issue_electronic(copy_hr, request)
    assert request.status == CopyRequest.Status.ISSUED
    assert request.handled_by == copy_hr and request.handled_at is not None
    issued = request.issued_document
    assert issued.content_type == "application/pdf"
    assert document_visible_to(user=copy_employee, document=issued)
    files = _attachments(document_read(issued))
    stem = f"{doc.pk:06d}-{doc.type.code}"
    assert files[f"{stem}.pdf"] == document_read(doc.pdf)
    assert files[f"{stem}-verification.pdf"].startswith(b"%PDF")
    assert [m.to for m in mail.outbox] == [[copy_employee.email]]
    event = AuthEvent.objects.get(action=AuthEvent.Action.COPY_ISSUE)
    assert event.user_id == copy_hr.pk and event.details["documents"] == [doc.pk]
    # Handled once only.
    with pytest.raises(ValidationError):
        copy_issue_electronic(copy_hr, request)


def test_employee_cannot_issue(copy_employee, make_edo_document):
    doc = make_edo_document(copy_employee)
    request = copy_request_create(employee=copy_employee, form="electronic", documents=[doc])
    with pytest.raises(PermissionDenied):
        copy_issue_electronic(copy_employee, request)


def test_paper_copy_handed_over_records_who_and_when(copy_employee, copy_hr, client):
    request = copy_request_create(
        employee=copy_employee, form="paper", description="Приказ о приёме на работу"
    )
    client.force_login(copy_hr)
    response = client.post(
        reverse("hr_edo:copy_hand_over", args=[request.pk]), {"note": "3 pages, certified"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == CopyRequest.Status.HANDED_OVER
    assert request.handled_by == copy_hr
    assert abs((timezone.now() - request.handled_at).total_seconds()) < 60
    assert request.note == "3 pages, certified"
    with pytest.raises(ValidationError):
        copy_mark_handed_over(copy_hr, request, "again")


def test_employee_form_creates_request(copy_employee, make_edo_document, client):
    doc = make_edo_document(copy_employee)
    client.force_login(copy_employee)
    page = client.get(reverse("hr_edo:copy_request_new"))
    assert page.status_code == 200
    response = client.post(
        reverse("hr_edo:copy_request_new"), {"documents": [doc.pk], "form": "electronic"}
    )
    request = CopyRequest.objects.get(employee=copy_employee)
    assert response.url == reverse("hr_edo:copy_request_detail", args=[request.pk])
    assert list(request.documents.all()) == [doc]
    assert client.get(response.url).status_code == 200
    assert client.get(reverse("hr_edo:copy_request_mine")).status_code == 200


def test_queue_shows_overdue_and_is_hr_only(copy_employee, copy_hr, client):
    overdue = copy_request_create(
        employee=copy_employee, form="paper", description="x", now=bishkek(2025, 4, 30, 10)
    )
    client.force_login(copy_employee)
    assert client.get(reverse("hr_edo:copy_queue")).status_code == 403
    client.force_login(copy_hr)
    page = client.get(reverse("hr_edo:copy_queue"))
    assert page.status_code == 200
    assert b'data-testid="overdue"' in page.content
    assert page.context["rows"][0]["item"] == overdue


def test_other_employees_request_is_404(copy_employee, make_user, client):
    request = copy_request_create(employee=copy_employee, form="paper", description="x")
    client.force_login(make_user("emp_stranger"))
    assert client.get(reverse("hr_edo:copy_request_detail", args=[request.pk])).status_code == 404
    assert client.post(reverse("hr_edo:copy_issue", args=[request.pk])).status_code == 403


def test_sweep_reminds_and_escalates_once(
    copy_employee, copy_hr, make_user, django_capture_on_commit_callbacks
):
    from accounts import roles

    make_user("hr_head_g", roles=[roles.HR_HEAD])
    copy_request_create(
        employee=copy_employee, form="paper", description="x", now=bishkek(2025, 4, 30, 10)
    )
    now = bishkek(2025, 5, 15, 9)
    with django_capture_on_commit_callbacks(execute=True):
        assert copy_requests_sweep(now) == {"reminded": 1, "escalated": 1}
        assert copy_requests_sweep(now) == {"reminded": 0, "escalated": 0}
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["hr_aizada@kstu.kg", "hr_head_g@kstu.kg"]
