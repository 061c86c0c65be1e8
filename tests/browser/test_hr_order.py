"""Browser journey: an employee signs an order from "My documents" (B4) and sees it move to the
archive.

Persona: Нурлан, an employee who joined EDO and received an order for his annual leave, already
signed by the university. Texts are not asserted (translations are still moving); data-testids
and statuses are.
"""

import threading

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from hr_edo.models import HrDocument
from hr_edo.services.orders import order_sign_as_university, order_submit_for_signature
from tests.hr_edo.test_orders_support import (
    PASSWORD,
    draft_order,
    install_org_key,
    make_participant,
)


@pytest.fixture
def sent_order(make_user, settings, tmp_path):
    # Live-server tests find the tables emptied: types, groups and the agreement are recreated
    # by the helpers; the HR officer and the rector are superusers to need no role rows.
    nurlan = make_user("emp_nurlan", first_name="Нурлан", last_name="Үсөнбаев")
    make_participant(nurlan)
    hr = make_user("hr_aida", is_superuser=True)
    rector = make_user("rector_bakyt", is_superuser=True)
    install_org_key(settings, tmp_path)
    order = draft_order(hr, nurlan, number="42-к")
    order_submit_for_signature(actor=hr, hr_document=order)
    # pyHanko signs with asyncio.run(), which refuses to run inside Playwright's event loop in
    # this thread: the university's signature is applied from a helper thread.
    result = {}

    def sign():
        try:
            result["order"] = order_sign_as_university(actor=rector, hr_document=order)
        except Exception as exc:  # noqa: BLE001 - re-raised below
            result["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=sign)
    thread.start()
    thread.join(timeout=60)
    if "error" in result:
        raise result["error"]
    return result["order"]


def _sign_in(page: Page, login: str, password: str) -> None:
    page.goto("/login/")
    page.locator("input[name=username]").fill(login)
    page.locator("input[name=password]").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("user-name")).to_be_visible()


def test_employee_signs_an_order_from_the_inbox_and_it_moves_to_the_archive(page: Page, sent_order):
    _sign_in(page, "emp_nurlan", PASSWORD)
    page.goto("/hr/my/")
    row = page.get_by_test_id(f"awaiting-{sent_order.pk}")
    expect(row).to_be_visible()
    expect(row).to_contain_text(sent_order.due_at.astimezone().strftime("%Y-%m-%d"))
    row.get_by_role("link").click()

    expect(page.get_by_test_id("inbox-status")).to_have_attribute("data-status", "sent")
    expect(page.get_by_test_id("pdf-link")).to_be_visible()
    expect(page.get_by_test_id("sheet-row-1")).to_have_attribute("data-level", "enhanced_qualified")
    page.get_by_test_id("acknowledge-password").fill(PASSWORD)
    page.get_by_test_id("acknowledge-submit").click()

    expect(page).to_have_url(f"{page.url.split('/hr/')[0]}/hr/my/")
    expect(page.get_by_test_id("awaiting-empty")).to_be_visible()
    expect(page.get_by_test_id(f"archive-{sent_order.pk}")).to_be_visible()
    sent_order.refresh_from_db()
    assert sent_order.status == HrDocument.Status.ACQUAINTED

    page.get_by_test_id(f"archive-{sent_order.pk}").get_by_role("link").click()
    expect(page.get_by_test_id("inbox-status")).to_have_attribute("data-status", "acquainted")
    expect(page.get_by_test_id("sheet-row-2")).to_have_attribute("data-level", "simple")


def test_a_phone_scanning_the_printed_qr_reaches_the_signed_orders_report(
    phone_page: Page, sent_order
):
    """The QR printed on the order (read from the rendered page) is opened on a phone by
    someone who is not signed in: the last version's report, with the note and the versions."""
    import os
    import tempfile
    from pathlib import Path
    from urllib.parse import urlsplit

    from signatures.models import Document
    from signatures.services.documents import document_read
    from tests.pdftools import pdf_qr_codes

    (printed_url,) = pdf_qr_codes(document_read(sent_order.pdf))
    first = Document.objects.get(pk=sent_order.pdf.derived_from_id)
    assert urlsplit(printed_url).path.endswith(f"/{first.verification_code}/")

    phone = phone_page
    phone.goto(urlsplit(printed_url).path)
    expect(phone.get_by_test_id("overall")).to_have_attribute("data-indication", "TOTAL-PASSED")
    expect(phone.get_by_test_id("followed-from")).to_contain_text(first.verification_code)
    expect(phone.get_by_test_id("versions").locator("tbody tr")).to_have_count(2)
    expect(phone.get_by_test_id("document-download")).to_have_count(0)
    shots = Path(os.environ.get("KSTU_SHOTS_DIR") or Path(tempfile.gettempdir()) / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(shots / "order-verification-phone.png"), full_page=True)

    phone.get_by_test_id("followed-from").get_by_role("link").click()
    expect(phone.get_by_test_id("overall")).to_have_attribute("data-indication", "INDETERMINATE")
