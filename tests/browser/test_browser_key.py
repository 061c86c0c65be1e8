"""Browser journey: an employee makes a signature key in the browser, the digital-infrastructure
service issues a certificate for it, and the employee signs a PDF inside (PAdES) with that key.

The key is made by WebCrypto and never leaves Chromium; the CSR the page builds by hand is parsed
and verified by the CA; the signature the page makes over the signed attributes is embedded by
pyHanko and verified. Persona: Айдай, an employee; Нурбек, of the digital-infrastructure service.
"""

import os
import re
import tempfile
from pathlib import Path

import pytest
from guardian.shortcuts import assign_perm
from playwright.sync_api import Page, expect

from signatures.models import CertificateRequest
from signatures.services.ca_requests import certificate_request_issue
from signatures.services.documents import document_create

PASSWORD = "Str0ng#Pass"
PIN = "ключ-2026"
SHOTS = Path(os.environ.get("KSTU_SHOTS_DIR") or Path(tempfile.gettempdir()) / "shots")


@pytest.fixture
def aidai_and_pdf(make_user, university_ca):
    from weasyprint import HTML

    aidai = make_user("emp_aidai", first_name="Айдай", last_name="Токтогулова")
    document = document_create(
        title="Отчёт о командировке",
        content=HTML(string="<p>Отчёт — Айдай Токтогулова, ң ө ү</p>").write_pdf(),
        content_type="application/pdf",
    )
    assign_perm("signatures.view_document", aidai, document)
    return aidai, document


def _sign_in(page: Page, login: str) -> None:
    page.goto("/login/")
    page.locator("input[name=username]").fill(login)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("user-name")).to_be_visible()


def test_a_key_made_in_the_browser_gets_a_certificate_and_signs_a_pdf(
    page: Page, aidai_and_pdf, make_user
):
    aidai, document = aidai_and_pdf
    nurbek = make_user("nurbek", roles=["it_department"])
    _sign_in(page, "emp_aidai")

    page.goto("/signatures/certificates/")
    page.get_by_test_id("certificate-request-link").click()
    # The key is sealed with a PIN: too short and mismatched PINs are refused in the page.
    page.get_by_test_id("browser-key-pin").fill("123")
    page.get_by_test_id("browser-key-pin2").fill("123")
    page.get_by_test_id("browser-key-make").click()
    status = page.get_by_test_id("browser-key-request").locator("[data-browser-key-status]")
    expect(status).to_have_class(re.compile("field-error"))
    assert not CertificateRequest.objects.exists()
    page.get_by_test_id("browser-key-pin").fill(PIN)
    page.get_by_test_id("browser-key-pin2").fill(PIN + "x")
    page.get_by_test_id("browser-key-make").click()
    expect(status).to_have_class(re.compile("field-error"))
    page.get_by_test_id("browser-key-pin2").fill(PIN)
    page.get_by_test_id("browser-key-make").click()
    expect(page.get_by_test_id("my-requests").locator('tr[data-status="pending"]')).to_have_count(1)
    cert_request = CertificateRequest.objects.get(user=aidai)
    assert cert_request.origin == "browser" and cert_request.key_description == "EC P-256"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "certificate-request.png"), full_page=True)

    certificate_request_issue(actor=nurbek, request_id=cert_request.pk)

    page.goto(f"/signatures/documents/{document.pk}/")
    page.get_by_test_id("sign-externally").click()
    page.get_by_test_id("external-prepare").click()
    expect(page.get_by_test_id("browser-key-use")).to_be_visible()
    # A wrong PIN does not unlock the key: nothing is sent, the page says so.
    page.get_by_test_id("browser-key-pin").fill("wrong-pin")
    page.get_by_test_id("browser-key-use").click()
    box = page.get_by_test_id("browser-key-sign")
    expect(box.locator("[data-browser-key-status]")).to_have_class(re.compile("field-error"))
    expect(page.get_by_test_id("browser-key-use")).to_be_enabled()
    assert "/external/" in page.url
    page.get_by_test_id("browser-key-pin").fill(PIN)
    page.screenshot(path=str(SHOTS / "sign-in-browser.png"), full_page=True)
    page.get_by_test_id("browser-key-use").click()

    row = page.get_by_test_id("sheet-row-1")
    expect(row).to_be_visible()
    expect(row).to_have_attribute("data-level", "enhanced_unqualified")
    expect(page.get_by_test_id("verdict-1")).to_have_attribute("data-indication", "TOTAL-PASSED")
    expect(page.get_by_test_id("signer-1")).to_contain_text("Айдай")


def test_a_browser_without_the_key_is_told_to_use_the_device_that_holds_it(
    page: Page, aidai_and_pdf, make_user
):
    from cryptography.hazmat.primitives.asymmetric import ec

    from signatures.services.ca_requests import certificate_request_submit
    from tests.signatures import pki

    aidai, document = aidai_and_pdf
    nurbek = make_user("nurbek", roles=["it_department"])
    key = ec.generate_private_key(ec.SECP256R1())  # made elsewhere, e.g. with OpenSSL
    cert_request = certificate_request_submit(user=aidai, csr_pem=pki.make_csr(key), origin="tool")
    certificate_request_issue(actor=nurbek, request_id=cert_request.pk)

    _sign_in(page, "emp_aidai")
    page.goto(f"/signatures/documents/{document.pk}/sign-externally/")
    page.get_by_test_id("external-prepare").click()
    box = page.get_by_test_id("browser-key-sign")
    expect(box.locator("[data-browser-key-status]")).not_to_be_empty()
    expect(page.get_by_test_id("browser-key-use")).to_be_hidden()
    expect(page.get_by_test_id("to-sign")).to_be_visible()


def test_the_service_issues_and_refuses_requests_from_its_queue_on_a_phone(
    phone_page: Page, aidai_and_pdf, make_user
):
    from cryptography.hazmat.primitives.asymmetric import ec

    from signatures.services.ca_requests import certificate_request_submit
    from tests.signatures import pki

    aidai, _document = aidai_and_pdf
    make_user("nurbek", roles=["it_department"])
    colleague = make_user("emp_colleague", first_name="Нуржан")
    first = certificate_request_submit(
        user=aidai, csr_pem=pki.make_csr(ec.generate_private_key(ec.SECP256R1())), origin="tool"
    )
    second = certificate_request_submit(
        user=colleague,
        csr_pem=pki.make_csr(ec.generate_private_key(ec.SECP384R1())),
        origin="tool",
    )

    _sign_in(phone_page, "nurbek")
    phone_page.goto("/signatures/certificates/issue/")
    expect(phone_page.get_by_test_id(f"pending-{first.pk}")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone_page.screenshot(path=str(SHOTS / "certificate-queue-phone.png"), full_page=True)

    phone_page.get_by_test_id(f"request-issue-{first.pk}").click()
    expect(phone_page.get_by_test_id(f"pending-{first.pk}")).to_have_count(0)
    phone_page.locator(f"#reason-{second.pk}").fill("Подразделение не указано")
    phone_page.get_by_test_id(f"request-reject-{second.pk}").click()
    expect(phone_page.get_by_test_id("no-pending")).to_be_visible()

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == CertificateRequest.Status.ISSUED and first.certificate is not None
    assert second.status == CertificateRequest.Status.REJECTED
    assert second.reject_reason == "Подразделение не указано"
