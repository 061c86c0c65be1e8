"""The verification page, its PDF report and the verification API (C4)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from signatures.models import Signature, SignatureLevel
from tests.signatures.pki import make_leaf, make_root
from tests.signatures.test_enhanced import CONTENT, register_issued, store_cms

SHOTS = Path("/tmp/shots")  # noqa: S108 - where screenshots of the run are looked at


@pytest.fixture
def signed_order(make_user, make_document, add_trust_anchor, sign_detached):
    """An order signed by an employee under the university root and by the rector under a
    qualified root; the document belongs to the HR officer."""
    hr = make_user("hr", first_name="Гүлнара", last_name="Осмонова")
    employee = make_user("aibek", first_name="Айбек", last_name="Үсөнбаев")
    rector = make_user("rector_user", first_name="Ңурлан", last_name="Төрөбеков")
    document = make_document(
        title="Буйрук № 17 — Үсөнбаев", content=CONTENT, content_type="text/plain", actor=hr
    )
    ca_key, ca = make_root("KSTU University CA")
    add_trust_anchor(ca, name="КМТУ күбөлүк борбору")
    key, cert = make_leaf(ca_key, ca, "Айбек Үсөнбаев", email="aibek@kstu.kg")
    issued = register_issued(employee, cert, issued_by=hr)
    store_cms(document, employee, sign_detached(key, cert, CONTENT), cert, issued=issued)
    q_key, q_root = make_root("Accredited Centre KG", qualified=True)
    add_trust_anchor(q_root, qualified=True, name="Аккредиттелген борбор")
    r_key, r_cert = make_leaf(q_key, q_root, "Ңурлан Төрөбеков", email="rector@kstu.kg")
    store_cms(
        document,
        rector,
        sign_detached(r_key, r_cert, CONTENT),
        r_cert,
        level=SignatureLevel.ENHANCED_QUALIFIED,
    )
    return document


def test_anyone_with_the_code_sees_the_verdicts_but_not_the_document(client, signed_order):
    url = reverse("signatures:verify_document", args=[signed_order.verification_code])

    response = client.get(url)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Айбек Үсөнбаев" in body and "Ңурлан Төрөбеков" in body
    assert body.count('data-indication="TOTAL-PASSED"') == 3  # two signatures + overall
    assert 'data-testid="document-download"' not in body
    assert reverse("signatures:document_download", args=[signed_order.pk]) not in body
    assert "<svg" in body  # the QR code
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    )


def test_the_documents_owner_gets_the_download_link_on_the_code_page(client, signed_order):
    client.force_login(signed_order.created_by)
    response = client.get(
        reverse("signatures:verify_document", args=[signed_order.verification_code])
    )
    assert 'data-testid="document-download"' in response.content.decode()


def test_an_unknown_code_is_not_found(client, db):
    assert client.get(reverse("signatures:verify_document", args=["nope"])).status_code == 404


def test_a_changed_document_shows_hash_failure_on_the_page(client, signed_order):
    with open(signed_order.file.path, "ab") as handle:
        handle.write(b"x")
    response = client.get(
        reverse("signatures:verify_document", args=[signed_order.verification_code])
    )
    body = response.content.decode()
    assert 'data-sub-indication="HASH_FAILURE"' in body
    assert 'data-testid="overall" data-indication="TOTAL-FAILED"' in body


def test_the_pdf_report_is_a_real_pdf_with_the_signers_and_kyrgyz_letters(client, signed_order):
    response = client.get(
        reverse("signatures:verify_report_pdf", args=[signed_order.verification_code])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    assert len(PdfFileReader(BytesIO(pdf)).root["/Pages"]["/Kids"]) >= 1
    if shutil.which("pdftotext") is None:  # poppler-utils (installed by .ci/run)
        pytest.skip("pdftotext is not installed")
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / "verification-report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,  # noqa: S607
    ).stdout
    assert "Айбек Үсөнбаев" in text
    assert "Ңурлан Төрөбеков" in text
    assert "TOTAL-PASSED" in text
    assert all(letter in text.lower() for letter in "ңөү")
    if shutil.which("pdftoppm"):
        subprocess.run(  # noqa: S603
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(path),  # noqa: S607
                str(SHOTS / "verification-report"),
            ],
            check=True,
        )


# --------------------------------------------------------------------------- upload page


def test_the_upload_page_needs_a_login(client, db):
    response = client.get(reverse("signatures:verify"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_an_uploaded_document_and_p7s_are_verified_without_being_stored(
    client, make_user, add_trust_anchor, sign_detached
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from signatures.models import Document

    ca_key, ca = make_root("KSTU University CA")
    add_trust_anchor(ca)
    key, cert = make_leaf(ca_key, ca, "Айбек Үсөнбаев")
    client.force_login(make_user("checker"))

    response = client.post(
        reverse("signatures:verify"),
        {
            "document": SimpleUploadedFile("order.txt", CONTENT),
            "signature": SimpleUploadedFile("order.txt.p7s", sign_detached(key, cert, CONTENT)),
        },
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-indication="TOTAL-PASSED"' in body
    assert "Айбек Үсөнбаев" in body
    assert Document.objects.count() == 0 and Signature.objects.count() == 0


def test_opening_a_document_by_number_needs_the_right_to_see_it(client, make_user, signed_order):
    client.force_login(make_user("outsider"))
    url = reverse("signatures:verify") + f"?document={signed_order.pk}"
    assert client.get(url).status_code == 404
    client.force_login(signed_order.created_by)
    response = client.get(url)
    assert response.status_code == 302
    assert signed_order.verification_code in response["Location"]


def test_the_employee_attaches_a_p7s_through_the_page(
    client, make_user, make_document, add_trust_anchor, sign_detached
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    hr = make_user("hr")
    employee = make_user("aibek")
    document = make_document(content=CONTENT, content_type="text/plain", actor=hr)
    ca_key, ca = make_root("KSTU University CA")
    add_trust_anchor(ca)
    key, cert = make_leaf(ca_key, ca, "Айбек Үсөнбаев")
    register_issued(employee, cert, issued_by=hr)
    url = reverse("signatures:document_attach_signature", args=[document.pk])

    client.force_login(employee)
    assert client.get(url).status_code == 404  # may not see the document yet
    from guardian.shortcuts import assign_perm

    assign_perm("signatures.view_document", employee, document)
    response = client.post(
        url, {"signature": SimpleUploadedFile("x.p7s", sign_detached(key, cert, CONTENT))}
    )

    assert response.status_code == 302
    signature = document.signatures.get()
    assert signature.level == SignatureLevel.ENHANCED_UNQUALIFIED
    assert signature.signer == employee


# --------------------------------------------------------------------------- API


def test_the_api_returns_the_report_for_a_code_to_anyone(client, signed_order):
    response = client.get(
        reverse("api-signatures-verify-code", args=[signed_order.verification_code])
    )

    assert response.status_code == 200
    data = response.json()
    assert data["indication"] == "TOTAL-PASSED"
    assert [s["indication"] for s in data["signatures"]] == ["TOTAL-PASSED", "TOTAL-PASSED"]
    assert [s["level"] for s in data["signatures"]] == [
        "enhanced_unqualified",
        "enhanced_qualified",
    ]
    assert data["signatures"][1]["trust_anchor"]["is_qualified"] is True
    assert data["signatures"][0]["signer"]["common_name"] == "Айбек Үсөнбаев"
    assert "file" not in data["document"] and "download" not in response.content.decode()


def test_the_api_verifies_an_upload_for_a_signed_in_user_only(
    client, make_user, add_trust_anchor, sign_detached
):
    ca_key, ca = make_root("Unknown CA")
    key, cert = make_leaf(ca_key, ca, "Айбек Үсөнбаев")
    from django.core.files.uploadedfile import SimpleUploadedFile

    def post():
        return client.post(
            reverse("api-signatures-verify"),
            {
                "document": SimpleUploadedFile("order.txt", CONTENT),
                "signature": SimpleUploadedFile("order.p7s", sign_detached(key, cert, CONTENT)),
            },
        )

    assert post().status_code in (401, 403)
    client.force_login(make_user("checker"))
    response = post()
    assert response.status_code == 200
    verdict = response.json()["signatures"][0]
    assert (verdict["indication"], verdict["sub_indication"]) == (
        "INDETERMINATE",
        "NO_CERTIFICATE_CHAIN_FOUND",
    )


def test_the_api_schema_describes_the_verification_endpoints(client, make_user):
    client.force_login(make_user("dev", is_superuser=True, is_staff=True))
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200
    assert b"/api/v1/signatures/verify/{code}/" in response.content


def test_the_signature_sheet_links_an_enhanced_row_to_its_verification_page(client, signed_order):
    client.force_login(signed_order.created_by)
    response = client.get(reverse("signatures:document_detail", args=[signed_order.pk]))
    assert response.status_code == 200
    code_url = reverse("signatures:verify_document", args=[signed_order.verification_code])
    assert f'data-testid="verdict-1" href="{code_url}"' in response.content.decode()
    assert 'data-indication="TOTAL-PASSED"' in response.content.decode()  # verdict on the sheet
