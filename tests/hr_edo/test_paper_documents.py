"""Issue 8 item 5 (EDO 4.1–4.3, B8): paper documents registered afterwards by HR."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.hr_edo.conftest import minimal_pdf

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _post(client, employee, *, scan, type_number=8, **extra):
    from hr_edo.models import DocumentType

    data = {
        "type": DocumentType.objects.get(number=type_number).pk,
        "employee": employee.pk,
        "number": "17-к",
        "document_date": "2025-05-05",
        "scan": scan,
        "delivery": "courier",
        "employee_signed_on": "2025-05-06",
        "official_name": "Ректор Р. Р.",
        "official_signed_on": "2025-05-05",
    }
    data.update(extra)
    return client.post(reverse("hr_edo:paper_new"), data)


def _scan(content=None, name="scan.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content or minimal_pdf("paper"), content_type=content_type)


def test_hr_registers_a_paper_order_that_shows_in_the_employee_archive(
    english_ui, hr_officer, employee
):
    from hr_edo.models import HrDocument
    from signatures.models import Signature, SignatureLevel

    english_ui.force_login(hr_officer)
    assert english_ui.get(reverse("hr_edo:paper_new")).status_code == 200
    response = _post(english_ui, employee, scan=_scan())
    assert response.status_code == 302, response.content.decode()[:3000]
    doc = HrDocument.objects.get()
    assert response["Location"] == reverse("hr_edo:paper_detail", args=[doc.pk])
    assert doc.on_paper is True
    assert doc.status == HrDocument.Status.ACQUAINTED
    assert doc.data["delivery"] == "courier"
    assert doc.number == "17-к" and doc.document_date == dt.date(2025, 5, 5)
    assert doc.pdf.content_type == "application/pdf"
    assert timezone.localtime(doc.acquainted_at).date() == dt.date(2025, 5, 6)
    signatures = list(Signature.objects.filter(document=doc.pdf).order_by("position"))
    assert [s.level for s in signatures] == [SignatureLevel.HANDWRITTEN] * 2
    assert [s.signer_id for s in signatures] == [employee.pk, None]
    assert signatures[1].signer_name == "Ректор Р. Р."
    assert all(s.scan_id and s.scan_id != doc.pdf_id for s in signatures)
    detail = english_ui.get(response["Location"]).content.decode()
    assert "By courier" in detail

    english_ui.force_login(employee)
    archive = english_ui.get(reverse("hr_edo:inbox")).content.decode()
    assert reverse("hr_edo:inbox_detail", args=[doc.pk]) in archive
    page = english_ui.get(reverse("hr_edo:inbox_detail", args=[doc.pk])).content.decode()
    assert 'data-level="handwritten"' in page
    # The scan is served only by the permission-checked download view, as an attachment.
    download = english_ui.get(reverse("signatures:document_download", args=[doc.pdf_id]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_an_application_on_paper_is_accepted_and_a_png_scan_is_allowed(
    client, hr_officer, employee
):
    from hr_edo.models import HrDocument

    client.force_login(hr_officer)
    response = _post(
        client,
        employee,
        type_number=1,
        scan=_scan(PNG, name="scan.png", content_type="image/png"),
        official_name="",
        official_signed_on="",
        delivery="by_hand",
    )
    assert response.status_code == 302
    doc = HrDocument.objects.get()
    assert doc.status == HrDocument.Status.ACCEPTED
    assert doc.pdf.content_type == "image/png"
    assert doc.data["delivery"] == "by_hand"


def test_registration_is_forbidden_for_employees(client, employee, make_user):
    other = make_user("someone")
    client.force_login(employee)
    assert client.get(reverse("hr_edo:paper_new")).status_code == 403
    assert _post(client, other, scan=_scan()).status_code == 403


def test_a_scan_of_the_wrong_type_is_refused(english_ui, hr_officer, employee):
    from hr_edo.models import HrDocument

    english_ui.force_login(hr_officer)
    # Declared as a PDF, but the bytes are HTML: the first bytes decide.
    response = _post(english_ui, employee, scan=_scan(b"<html><script>alert(1)</script></html>"))
    assert response.status_code == 200
    assert "The scan must be a PDF, PNG or JPEG file." in response.content.decode()
    assert not HrDocument.objects.exists()


def test_a_scan_of_the_wrong_type_is_refused_in_kyrgyz(client, hr_officer, employee):
    from django.utils import translation

    from hr_edo.services.paper import scan_content_type

    client.force_login(hr_officer)
    response = _post(client, employee, scan=_scan(b"GIF89a..."))
    assert response.status_code == 200
    with translation.override("ky"):
        try:
            scan_content_type(b"GIF89a")
        except Exception as error:  # noqa: BLE001 - the message is what we compare
            message = error.messages[0]
    assert message in response.content.decode()


def test_a_too_large_scan_is_refused(english_ui, hr_officer, employee, settings):
    from hr_edo.models import HrDocument

    settings.SIGNATURE_MAX_UPLOAD_BYTES = 100
    english_ui.force_login(hr_officer)
    response = _post(english_ui, employee, scan=_scan(minimal_pdf("x" * 200)))
    assert response.status_code == 200
    assert "The scan is too large" in response.content.decode()
    assert not HrDocument.objects.exists()


def test_an_excluded_kind_is_refused(english_ui, hr_officer, employee):
    from hr_edo.models import DocumentType, HrDocument

    DocumentType.objects.create(
        number=99,
        code="work_book",
        name_ky="Эмгек китепчеси",
        name_ru="Трудовая книжка",
        name_en="Work book",
        kind=DocumentType.Kind.ORDER,
    )
    english_ui.force_login(hr_officer)
    response = _post(english_ui, employee, scan=_scan(), type_number=99)
    assert response.status_code == 200
    assert "never handled in HR EDO" in response.content.decode()
    assert not HrDocument.objects.exists()


def test_at_least_one_handwritten_signature_is_required(english_ui, hr_officer, employee):
    english_ui.force_login(hr_officer)
    response = _post(
        english_ui,
        employee,
        scan=_scan(),
        employee_signed_on="",
        official_name="",
        official_signed_on="",
    )
    assert response.status_code == 200
    assert "Give at least one handwritten signature" in response.content.decode()


def test_the_sheet_mixes_handwritten_and_electronic_signatures(english_ui, hr_officer, employee):
    from hr_edo.models import DocumentType
    from hr_edo.services.paper import HandSigner, paper_register
    from signatures.services.simple import simple_sign

    doc = paper_register(
        actor=hr_officer,
        type=DocumentType.objects.get(number=8),
        employee=employee,
        number="5",
        document_date=dt.date(2025, 5, 5),
        scan_content=minimal_pdf("mixed"),
        signers=[HandSigner(signer_name="Ректор Р. Р.", signed_on=dt.date(2025, 5, 5))],
        delivery="post",
    )
    simple_sign(signer=employee, document=doc.pdf, method="password", secret="Str0ng#Pass")

    english_ui.force_login(employee)
    page = english_ui.get(reverse("hr_edo:inbox_detail", args=[doc.pk])).content.decode()
    first = page.index('data-testid="sheet-row-1" data-level="handwritten"')
    second = page.index('data-testid="sheet-row-2" data-level="simple"')
    assert first < second
    assert "Ректор Р. Р." in page and "Асанов Айбек Өмүрбекович" in page


def test_another_employee_cannot_download_the_scan(client, hr_officer, employee, make_user):
    from hr_edo.models import DocumentType
    from hr_edo.services.paper import HandSigner, paper_register

    doc = paper_register(
        actor=hr_officer,
        type=DocumentType.objects.get(number=8),
        employee=employee,
        number="6",
        document_date=dt.date(2025, 5, 5),
        scan_content=minimal_pdf("private"),
        signers=[HandSigner(signer=employee, signed_on=dt.date(2025, 5, 6))],
        delivery="by_hand",
    )
    client.force_login(make_user("stranger"))
    assert client.get(reverse("signatures:document_download", args=[doc.pdf_id])).status_code == 404
