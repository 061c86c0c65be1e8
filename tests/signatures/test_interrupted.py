"""Interrupted PAdES signing: the server prepares, the signer's device signs, pyHanko embeds."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from signatures.models import Document, PendingPdfSignature, Signature, SignatureLevel
from signatures.services.documents import document_read
from signatures.services.enhanced import pades_verify
from signatures.services.interrupted import pades_complete_external, pades_prepare_external
from signatures.services.verification import TOTAL_PASSED, signature_verify


@pytest.fixture(autouse=True)
def _english_texts(english_ui):
    """These tests read the English texts of messages."""


def _small_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>Буйрук № 17 — Ңурлан Үсөнбаев</p>").write_pdf()


def _device_sign(key, data: bytes) -> bytes:
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key.sign(data, ec.ECDSA(hashes.SHA256()))


@pytest.fixture
def employee(make_user):
    return make_user("employeeext")


@pytest.fixture
def pdf_document(make_document, employee):
    return make_document(title="Буйрук № 17", content=_small_pdf(), actor=employee, owner_ref="x-1")


@pytest.mark.parametrize("key_type", ["ec", "rsa"])
def test_an_external_signature_makes_a_pades_pdf_that_validates(
    issue_certificate, employee, pdf_document, key_type
):
    key, issued = issue_certificate(employee, key_type=key_type)

    pending, to_sign = pades_prepare_external(
        signer=employee, document=pdf_document, certificate=issued
    )
    assert bytes(pending.signed_attrs) == to_sign
    assert pending.expires_at > timezone.now()

    signature = pades_complete_external(
        signer=employee, pending=pending, signature_value=_device_sign(key, to_sign)
    )

    signed = signature.document
    assert signed.pk != pdf_document.pk
    assert signed.owner_ref == "x-1"
    assert signature.method == Signature.Method.PADES
    assert signature.level == SignatureLevel.ENHANCED_UNQUALIFIED
    assert signature.certificate == issued
    assert signature.document_sha256 == signed.sha256
    results = pades_verify(document_read(signed))
    assert len(results) == 1
    assert results[0]["intact"] and results[0]["valid"] and results[0]["trusted"]
    assert results[0]["verdict"].indication == TOTAL_PASSED
    assert results[0]["verdict"].level == SignatureLevel.ENHANCED_UNQUALIFIED
    verdict = signature_verify(signature)
    assert verdict.indication == TOTAL_PASSED, verdict
    assert verdict.level == SignatureLevel.ENHANCED_UNQUALIFIED
    pending.refresh_from_db()
    assert pending.completed_at is not None and pending.result == signed

    with pytest.raises(ValidationError, match="already completed"):
        pades_complete_external(
            signer=employee, pending=pending, signature_value=_device_sign(key, to_sign)
        )


def test_a_garbage_signature_value_is_refused_and_nothing_is_stored(
    issue_certificate, employee, pdf_document
):
    key, issued = issue_certificate(employee)
    pending, to_sign = pades_prepare_external(
        signer=employee, document=pdf_document, certificate=issued
    )
    documents = Document.objects.count()

    for value in (b"\x00" * 72, _device_sign(key, to_sign + b"x"), b"not a signature"):
        with pytest.raises(ValidationError):
            pades_complete_external(signer=employee, pending=pending, signature_value=value)

    assert Document.objects.count() == documents
    assert not Signature.objects.filter(method=Signature.Method.PADES).exists()
    pending.refresh_from_db()
    assert pending.completed_at is None


def test_someone_elses_certificate_is_refused(issue_certificate, make_user, employee, pdf_document):
    other = make_user("otherext")
    _key, issued = issue_certificate(other)

    with pytest.raises(ValidationError, match="not yours"):
        pades_prepare_external(signer=employee, document=pdf_document, certificate=issued)
    assert not PendingPdfSignature.objects.exists()


def test_another_user_cannot_complete_the_signing(
    issue_certificate, make_user, employee, pdf_document
):
    key, issued = issue_certificate(employee)
    pending, to_sign = pades_prepare_external(
        signer=employee, document=pdf_document, certificate=issued
    )

    with pytest.raises(PermissionDenied):
        pades_complete_external(
            signer=make_user("intruderext"),
            pending=pending,
            signature_value=_device_sign(key, to_sign),
        )


def test_an_outsider_cannot_prepare(issue_certificate, make_user, pdf_document):
    outsider = make_user("outsiderext")
    _key, issued = issue_certificate(outsider)

    with pytest.raises(PermissionDenied):
        pades_prepare_external(signer=outsider, document=pdf_document, certificate=issued)


def test_an_expired_pending_signing_is_refused(issue_certificate, employee, pdf_document):
    key, issued = issue_certificate(employee)
    pending, to_sign = pades_prepare_external(
        signer=employee, document=pdf_document, certificate=issued
    )
    PendingPdfSignature.objects.filter(pk=pending.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    with pytest.raises(ValidationError, match="expired"):
        pades_complete_external(
            signer=employee, pending=pending, signature_value=_device_sign(key, to_sign)
        )
    assert not Signature.objects.exists()


def test_only_pdfs_can_be_prepared(issue_certificate, employee, make_document):
    _key, issued = issue_certificate(employee)
    text = make_document(content=b"plain text", content_type="text/plain", actor=employee)

    with pytest.raises(ValidationError, match="Only PDF"):
        pades_prepare_external(signer=employee, document=text, certificate=issued)


def test_the_two_step_pages_sign_a_pdf_with_the_employees_own_key(
    client, issue_certificate, employee, pdf_document
):
    import base64

    from django.urls import reverse

    key, issued = issue_certificate(employee)
    client.force_login(employee)
    start = reverse("signatures:external_start", args=[pdf_document.pk])
    assert client.get(start).status_code == 200
    response = client.post(start, {"certificate": issued.pk})
    assert response.status_code == 302
    page = client.get(response.url)
    to_sign = base64.b64decode(page.context["to_sign_b64"])
    bad = client.post(response.url, {"signature_value": base64.b64encode(b"x" * 64).decode()})
    assert bad.status_code == 200 and bad.context["form"].errors  # refused, stays on the page
    done = client.post(
        response.url,
        {"signature_value": base64.b64encode(_device_sign(key, to_sign)).decode()},
    )
    assert done.status_code == 302
    signed = Signature.objects.get(method=Signature.Method.PADES, signer=employee)
    assert done.url == reverse("signatures:document_detail", args=[signed.document_id])


def test_another_user_cannot_open_someone_elses_pending_signature(
    client, issue_certificate, employee, pdf_document, make_user
):
    from django.urls import reverse

    _key, issued = issue_certificate(employee)
    pending, _to_sign = pades_prepare_external(
        signer=employee, document=pdf_document, certificate=issued
    )
    client.force_login(make_user("stranger"))
    assert client.get(reverse("signatures:external_complete", args=[pending.pk])).status_code == 404
