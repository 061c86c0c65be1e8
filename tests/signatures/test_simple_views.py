"""The document page, signing with a password or a code, download and upload: allowed and
forbidden for each view.

Personas: Гүлнара, an HR officer who stores documents; Айбек, an employee who must sign;
Нурлан, an employee of another department who must not even learn that the document exists.
"""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from guardian.shortcuts import assign_perm

from signatures.models import Document, Signature, SignatureLevel, SigningCode
from signatures.services.simple import handwritten_register, simple_sign

pytestmark = pytest.mark.django_db

PASSWORD = "Str0ng#Pass"


@pytest.fixture
def gulnara(make_user):
    from django.contrib.auth.models import Permission

    user = make_user("hr_gulnara", first_name="Гүлнара")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="signatures", codename__in=["add_document", "add_signature"]
        )
    )
    return user


@pytest.fixture
def document(make_document, gulnara):
    return make_document(title="Приказ о командировке", actor=gulnara)


@pytest.fixture
def aibek(make_user, document, accept_agreement):
    user = make_user("emp_aibek", first_name="Айбек")
    assign_perm("signatures.view_document", user, document)
    accept_agreement(user)
    return user


@pytest.fixture
def nurlan(make_user, accept_agreement):
    user = make_user("emp_nurlan", first_name="Нурлан")
    accept_agreement(user)
    return user


def _detail(document):
    return reverse("signatures:document_detail", args=[document.pk])


def _download(document):
    return reverse("signatures:document_download", args=[document.pk])


def _sign(document):
    return reverse("signatures:document_sign", args=[document.pk])


def _send_code(document):
    return reverse("signatures:document_send_code", args=[document.pk])


# --------------------------------------------------------------------------- document page


def test_signer_sees_the_document_page_with_hash_download_and_sign_form(client, aibek, document):
    client.force_login(aibek)

    response = client.get(_detail(document))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Приказ о командировке" in html
    assert document.sha256 in html
    assert _download(document) in html
    assert 'data-testid="sign-password-form"' in html
    assert re.search(r'<input[^>]*type="password"[^>]*autocomplete="off"', html) or re.search(
        r'<input[^>]*autocomplete="off"[^>]*type="password"', html
    )
    assert "no-store" in response["Cache-Control"]


def test_creator_sees_the_document_page(client, gulnara, document):
    client.force_login(gulnara)

    assert client.get(_detail(document)).status_code == 200


def test_another_employee_gets_404_on_the_document_page(client, nurlan, document):
    client.force_login(nurlan)

    assert client.get(_detail(document)).status_code == 404
    assert client.get(_detail(document).replace(str(document.pk), "999999")).status_code == 404


def test_anonymous_visitor_is_sent_to_login(client, document):
    response = client.get(_detail(document))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_page_asks_to_accept_the_agreement_instead_of_offering_to_sign(client, make_user, document):
    bolot = make_user("emp_bolot")
    assign_perm("signatures.view_document", bolot, document)
    client.force_login(bolot)

    html = client.get(_detail(document)).content.decode()

    assert 'data-testid="agreement-missing"' in html
    assert 'data-testid="sign-password-form"' not in html


# --------------------------------------------------------------------------- signing


def test_signing_with_the_password_puts_the_signer_on_the_sheet_with_a_passed_verdict(
    client, english_ui, aibek, document
):
    client.force_login(aibek)

    response = client.post(
        _sign(document),
        {"method": "password", "password": PASSWORD},
        HTTP_USER_AGENT="Chromium test",
        follow=True,
    )

    assert response.status_code == 200
    signature = Signature.objects.get()
    assert signature.signer == aibek
    assert signature.user_agent == "Chromium test"
    html = response.content.decode()
    assert 'data-testid="sheet-row-1"' in html
    assert 'data-indication="TOTAL-PASSED"' in html
    assert 'data-testid="already-signed"' in html


def test_wrong_password_on_the_page_shows_an_error_and_signs_nothing(
    client, english_ui, aibek, document
):
    client.force_login(aibek)

    response = client.post(_sign(document), {"method": "password", "password": "Wrong#Guess1"})

    assert response.status_code == 400
    assert "The password is wrong." in response.content.decode()
    assert not Signature.objects.exists()


def test_another_employee_cannot_sign_through_the_page(client, nurlan, document):
    client.force_login(nurlan)

    response = client.post(_sign(document), {"method": "password", "password": PASSWORD})

    assert response.status_code == 404
    assert not Signature.objects.exists()


def test_sign_view_accepts_only_post(client, aibek, document):
    client.force_login(aibek)

    assert client.get(_sign(document)).status_code == 405


def test_signing_with_a_code_from_the_page(
    client, english_ui, aibek, document, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(aibek)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_send_code(document), follow=True)
    assert 'data-testid="sign-code-form"' in response.content.decode()
    code = re.search(r"\b(\d{6})\b", mailoutbox[0].body).group(1)

    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    refused = client.post(_sign(document), {"method": "otp", "code": wrong})
    assert refused.status_code == 400
    assert "The code is wrong." in refused.content.decode()

    response = client.post(_sign(document), {"method": "otp", "code": code})
    assert response.status_code == 302
    assert Signature.objects.get().method == Signature.Method.ONE_TIME_CODE


def test_another_employee_cannot_ask_for_a_code(client, nurlan, document, mailoutbox):
    client.force_login(nurlan)

    assert client.post(_send_code(document)).status_code == 404
    assert not SigningCode.objects.exists()
    assert mailoutbox == []


def test_code_request_without_corporate_email_shows_the_reason(client, english_ui, aibek, document):
    aibek.email = ""
    aibek.save()
    client.force_login(aibek)

    response = client.post(_send_code(document))

    assert response.status_code == 400
    assert "no corporate e-mail" in response.content.decode()


# --------------------------------------------------------------------------- mixed sheet


def test_page_shows_a_mixed_sheet_in_order_and_a_failed_verdict_for_an_edited_record(
    client, english_ui, gulnara, aibek, document, make_document
):
    scan = make_document(title="Скан", content=b"\x89PNG\r\n\x1a\nscan", content_type="image/png")
    handwritten_register(
        actor=gulnara,
        document=document,
        signer_name="Асанов Марат",
        signed_on=dt.date(2025, 3, 14),
        scan=scan,
    )
    signature = simple_sign(signer=aibek, document=document, method="password", secret=PASSWORD)
    Signature.objects.filter(pk=signature.pk).update(user_agent="forged")
    client.force_login(aibek)

    html = client.get(_detail(document)).content.decode()

    first, second = html.index('data-testid="sheet-row-1"'), html.index('data-testid="sheet-row-2"')
    assert first < second
    assert 'data-level="handwritten"' in html[first:second]
    assert 'data-indication="INDETERMINATE"' in html[first:second]
    assert "Асанов Марат" in html[first:second]
    assert _download(scan) in html[first:second]
    assert 'data-level="simple"' in html[second:]
    assert 'data-indication="TOTAL-FAILED"' in html[second:]
    assert "SIG_CRYPTO_FAILURE" in html[second:]


def test_signer_may_download_the_scan_of_a_handwritten_signature(
    client, gulnara, aibek, document, make_document
):
    scan = make_document(title="Скан", content=b"\x89PNG\r\n\x1a\nscan", content_type="image/png")
    handwritten_register(
        actor=gulnara,
        document=document,
        signer_name="Асанов",
        signed_on=dt.date(2025, 3, 14),
        scan=scan,
    )
    client.force_login(aibek)

    assert client.get(_download(scan)).status_code == 200


def test_document_page_query_count_does_not_grow_with_signatures(
    client, make_user, accept_agreement, aibek, document, django_assert_max_num_queries
):
    for index in range(8):
        signer = make_user(f"signer{index}")
        assign_perm("signatures.view_document", signer, document)
        accept_agreement(signer)
        simple_sign(signer=signer, document=document, method="password", secret=PASSWORD)
    client.force_login(aibek)

    with django_assert_max_num_queries(20):
        response = client.get(_detail(document))
    assert response.content.decode().count('data-indication="TOTAL-PASSED"') == 8


# --------------------------------------------------------------------------- download


def test_download_is_an_attachment_with_nosniff_and_the_stored_type(client, aibek, make_document):
    html_like = make_document(
        title="<script>notes</script>",
        content=b"<html><script>alert(1)</script>",
        content_type="text/plain",
    )
    assign_perm("signatures.view_document", aibek, html_like)
    client.force_login(aibek)

    response = client.get(_download(html_like))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "text/plain"
    assert b"".join(response.streaming_content) == b"<html><script>alert(1)</script>"


def test_pdf_download_is_also_an_attachment(client, aibek, document):
    client.force_login(aibek)

    response = client.get(_download(document))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")


def test_another_employee_gets_404_on_download(client, nurlan, document):
    client.force_login(nurlan)

    assert client.get(_download(document)).status_code == 404


# --------------------------------------------------------------------------- upload


def test_hr_officer_uploads_a_document_and_lands_on_its_page(client, gulnara):
    client.force_login(gulnara)

    response = client.post(
        reverse("signatures:document_new"),
        {"title": "Трудовой договор", "file": SimpleUploadedFile("dogovor.pdf", b"%PDF-1.7 body")},
    )

    document = Document.objects.get(title="Трудовой договор")
    assert response.status_code == 302
    assert response["Location"] == _detail(document)
    assert document.content_type == "application/pdf"
    assert document.created_by == gulnara


def test_employee_without_the_permission_cannot_upload(client, aibek):
    client.force_login(aibek)

    assert client.get(reverse("signatures:document_new")).status_code == 403
    response = client.post(
        reverse("signatures:document_new"),
        {"title": "x", "file": SimpleUploadedFile("x.pdf", b"%PDF-1.7 body")},
    )
    assert response.status_code == 403
    assert not Document.objects.filter(title="x").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<html></html>", "This type of file cannot be signed here."),
        ("fake.pdf", b"<html></html>", "The file's contents do not match its type."),
        ("big.pdf", b"%PDF-" + b"0" * 2048, "The file is too large"),
    ],
)
def test_upload_refuses_wrong_types_and_large_files_with_a_message(
    client, english_ui, gulnara, settings, name, content, message
):
    settings.SIGNATURE_MAX_UPLOAD_BYTES = 1024
    client.force_login(gulnara)

    response = client.post(
        reverse("signatures:document_new"),
        {"title": "Bad", "file": SimpleUploadedFile(name, content)},
    )

    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Document.objects.filter(title="Bad").exists()


def test_superuser_sees_every_document(client, make_user, document):
    root = make_user("root", is_superuser=True)
    client.force_login(root)

    assert client.get(_detail(document)).status_code == 200
    assert Signature.objects.filter(level=SignatureLevel.SIMPLE).count() == 0
