"""A QR code on printed HR documents leads to the verification page of that document (C4).

Every page of an order, an application and the App. 2 application to join EDO carries a QR code
and the address of its verification page. The QR is read back from the rendered page (poppler +
zxing-cpp) as a phone would. An order is signed by the university inside the PDF (PAdES), which
makes a new version: the code printed on the first leads to the last.

Personas: Айда, an HR officer; Бакыт, the rector; Нурлан, an employee who joined EDO.
"""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from hr_edo.services.orders import order_sign_as_university, order_submit_for_signature
from hr_edo.services.participation import participation_join
from signatures.services.documents import document_read, verification_url_for_code
from tests.hr_edo.test_applications import GOOD, _submit
from tests.hr_edo.test_orders_support import (
    draft_order,
)
from tests.pdftools import pdf_page_count, pdf_page_png, pdf_qr_codes, pdf_text

SHOTS = Path(os.environ.get("KSTU_SHOTS_DIR") or Path(tempfile.gettempdir()) / "shots")

pytestmark = pytest.mark.django_db


def printed_code(content: bytes) -> str:
    """The verification code a person reads from the QR on every page; asserts they agree."""
    codes = {tuple(pdf_qr_codes(content, page)) for page in range(1, pdf_page_count(content) + 1)}
    assert len(codes) == 1, codes
    (urls,) = codes
    assert len(urls) == 1, urls
    path = urlsplit(urls[0]).path
    assert path.startswith("/signatures/verify/") and path.endswith("/")
    return path.rstrip("/").rsplit("/", 1)[-1]


def test_an_order_pdf_prints_the_qr_and_address_of_its_verification_page(hr, nurlan):
    order = draft_order(hr, nurlan)
    content = document_read(order.pdf)

    code = printed_code(content)
    assert code == order.pdf.verification_code
    SHOTS.mkdir(parents=True, exist_ok=True)  # the page as printed, to be looked at
    (SHOTS / "order-with-qr.png").write_bytes(pdf_page_png(content, dpi=70))
    text = " ".join(pdf_text(content).split())
    assert verification_url_for_code(code) in text
    # Нурлан reads Russian: the caption under the QR is in his language.
    with translation.override("ru"):
        caption = translation.gettext(
            "Electronic document. Scan the QR code or open the address to check its signatures:"
        )
    assert (
        caption
        != "Electronic document. Scan the QR code or open the address to check its signatures:"
    )
    assert " ".join(caption.split()) in text


def test_the_code_printed_before_the_university_signed_leads_to_the_signed_order(
    client, hr, nurlan, rector, org_key
):
    order = draft_order(hr, nurlan)
    first = order.pdf
    order_submit_for_signature(actor=hr, hr_document=order)
    order = order_sign_as_university(actor=rector, hr_document=order)
    signed = order.pdf
    assert signed.pk != first.pk

    # The signature is inside the PDF: the printed content, QR included, is unchanged.
    assert printed_code(document_read(signed)) == first.verification_code

    # Anyone (not signed in) who scans the paper lands on the signed version's report.
    response = client.get(urlsplit(verification_url_for_code(first.verification_code)).path)
    assert response.status_code == 302
    assert response["Location"].startswith(
        reverse("signatures:verify_document", args=[signed.verification_code])
    )
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert page.context["document"] == signed
    assert page.context["report"]["indication"] == "TOTAL-PASSED"
    body = page.content.decode()
    assert 'data-testid="followed-from"' in body
    assert 'data-testid="versions"' in body
    assert [v["verification_code"] for v in page.context["report"]["versions"]] == [
        first.verification_code,
        signed.verification_code,
    ]
    assert not page.context["may_download"]  # the verdict is public, the order is not
    # The PDF report of the signed version names the version the paper code belongs to.
    report = client.get(reverse("signatures:verify_report_pdf", args=[signed.verification_code]))
    report_text = " ".join(pdf_text(report.content).split())
    assert first.verification_code in report_text and signed.verification_code in report_text

    # The version the code belongs to is still reachable, and says it is not the last.
    earlier = client.get(
        reverse("signatures:verify_document", args=[first.verification_code]) + "?version=this"
    )
    assert earlier.status_code == 200
    assert earlier.context["document"] == first
    assert earlier.context["report"]["signatures"] == []
    assert [v["is_latest"] for v in earlier.context["report"]["versions"]] == [False, True]

    # The API follows the same way, unless asked for the exact version.
    api = client.get(reverse("api-signatures-verify-code", args=[first.verification_code]))
    assert api.status_code == 200
    assert api.json()["document"]["verification_code"] == signed.verification_code
    assert api.json()["indication"] == "TOTAL-PASSED"
    assert len(api.json()["versions"]) == 2
    exact = client.get(
        reverse("api-signatures-verify-code", args=[first.verification_code]), {"version": "this"}
    )
    assert exact.json()["document"]["verification_code"] == first.verification_code
    assert exact.json()["signatures"] == []


def test_a_forged_printed_parameter_shows_no_notice(client, hr, nurlan):
    order = draft_order(hr, nurlan)
    url = reverse("signatures:verify_document", args=[order.pdf.verification_code])
    page = client.get(url, {"printed": "not-a-version-of-this"})
    assert page.status_code == 200
    assert page.context["followed_from"] is None
    assert 'data-testid="versions"' not in page.content.decode()


def test_a_submitted_application_prints_the_qr_of_its_verification_page(registered_employee):
    document = _submit(registered_employee)
    assert printed_code(document_read(document.pdf)) == document.pdf.verification_code


def test_the_application_to_join_edo_prints_the_qr_of_its_verification_page(employee):
    from tests.hr_edo.test_participation import PASSWORD

    participation = participation_join(
        actor=employee, language="ky", method="password", secret=PASSWORD
    )
    content = document_read(participation.application)
    assert printed_code(content) == participation.application.verification_code
    text = pdf_text(content)
    assert "QR" in text and participation.application.verification_code in text


def test_a_preview_prints_no_code_because_it_is_not_a_document(client, registered_employee):
    client.force_login(registered_employee)
    response = client.post(
        reverse("hr_edo:application_new", args=["annual_leave_application"]),
        {**GOOD["annual_leave_application"], "action": "preview"},
    )
    assert response.status_code == 200
    assert pdf_qr_codes(response.content) == []
    assert "/signatures/verify/" not in pdf_text(response.content)
