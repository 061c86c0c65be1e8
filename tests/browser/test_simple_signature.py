"""Browser journey: an employee signs a document with a simple signature (C1) and checks it.

Persona: Айбек, an employee who was given an order to sign. Texts are not asserted
(translations are still moving); data-testids and verdict codes are.
"""

import re

import pytest
from guardian.shortcuts import assign_perm
from playwright.sync_api import Page, expect

from accounts.models import AgreementVersion
from accounts.services.agreement import agreement_accept, agreement_cache_clear
from signatures.models import Signature
from signatures.services.documents import document_create

PASSWORD = "Str0ng#Pass"


@pytest.fixture
def signer_and_document(make_user):
    # Live-server tests may find the tables emptied: the agreement version is created if gone and
    # accepted by the signer; the document is stored through the service.
    aibek = make_user("emp_aibek", first_name="Айбек")
    version = AgreementVersion.objects.order_by("-version").first() or (
        AgreementVersion.objects.create(
            version=1, text_ky="Макулдашуу", text_ru="Соглашение", text_en="Agreement"
        )
    )
    agreement_cache_clear()
    agreement_accept(user=aibek, version=version)
    document = document_create(
        title="Приказ № 42 о командировке",
        content=b"%PDF-1.4 order 42\n",
        content_type="application/pdf",
    )
    assign_perm("signatures.view_document", aibek, document)
    return aibek, document


def _sign_in(page: Page, login: str, password: str) -> None:
    page.goto("/login/")
    page.locator("input[name=username]").fill(login)
    page.locator("input[name=password]").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("user-name")).to_be_visible()


def test_employee_signs_a_document_with_the_password_and_sees_a_passed_verdict(
    page: Page, signer_and_document
):
    aibek, document = signer_and_document
    _sign_in(page, "emp_aibek", PASSWORD)

    page.goto(f"/signatures/documents/{document.pk}/")
    expect(page.get_by_test_id("document-title")).to_have_text(document.title)
    expect(page.get_by_test_id("document-sha256")).to_have_text(document.sha256)
    expect(page.get_by_test_id("sheet-empty")).to_be_visible()
    expect(page.get_by_test_id("sign-password")).to_have_attribute("autocomplete", "off")

    page.get_by_test_id("sign-password").fill(PASSWORD)
    page.get_by_test_id("sign-password-submit").click()

    row = page.get_by_test_id("sheet-row-1")
    expect(row).to_be_visible()
    expect(row).to_have_attribute("data-level", "simple")
    expect(page.get_by_test_id("signer-1")).to_contain_text(aibek.get_full_name())
    expect(page.get_by_test_id("verdict-1")).to_have_attribute("data-indication", "TOTAL-PASSED")
    expect(page.get_by_test_id("already-signed")).to_be_visible()
    assert Signature.objects.get(document=document).signer_id == aibek.pk

    # The verification page belongs to the verification module; follow its link when present.
    link = page.get_by_test_id("verification-link")
    if link.count():
        link.click()
        expect(page).to_have_url(re.compile(re.escape(document.verification_code)))
        expect(page.locator("body")).to_contain_text("TOTAL-PASSED")
