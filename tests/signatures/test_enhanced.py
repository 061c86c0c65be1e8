"""Enhanced signatures with real keys: detached CMS round trips, verdicts, PAdES (C2–C4)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from audit.models import AuthEvent
from signatures.models import IssuedCertificate, Signature, SignatureLevel
from signatures.services.enhanced import cms_signature_attach
from signatures.services.verification import (
    INDETERMINATE,
    TOTAL_FAILED,
    TOTAL_PASSED,
    cms_verify,
    document_verify,
    signature_verify,
)
from tests.signatures.pki import cert_pem, make_intermediate, make_leaf, make_root


@pytest.fixture(autouse=True)
def _english_texts(english_ui):
    """These tests read the English texts of messages."""


CONTENT = "Буйрук № 17: Үсөнбаев Ңурлан кызматка кабыл алынсын.\n".encode()
NOW = dt.datetime.now(dt.UTC)


def register_issued(user, cert, *, issued_by, revoked_at=None) -> IssuedCertificate:
    der = cert.public_bytes(serialization.Encoding.DER)
    return IssuedCertificate.objects.create(
        user=user,
        serial_number=format(cert.serial_number, "x"),
        subject=cert.subject.rfc4514_string(),
        certificate_pem=cert_pem(cert),
        fingerprint_sha256=hashlib.sha256(der).hexdigest(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        status=IssuedCertificate.Status.REVOKED if revoked_at else IssuedCertificate.Status.VALID,
        revoked_at=revoked_at,
        issued_by=issued_by,
    )


def store_cms(
    document,
    signer,
    cms,
    cert,
    *,
    level=SignatureLevel.ENHANCED_UNQUALIFIED,
    signed_at=None,
    issued=None,
) -> Signature:
    """A stored enhanced signature as an older record would have it (bypassing the attach
    checks, which refuse what these tests need to verify)."""
    return Signature.objects.create(
        document=document,
        position=document.signatures.count() + 1,
        level=level,
        method=Signature.Method.CMS,
        signer=signer,
        document_sha256=document.sha256,
        cms=cms,
        certificate=issued,
        certificate_pem=cert_pem(cert),
        signed_at=signed_at or timezone.now(),
    )


@pytest.fixture
def university(add_trust_anchor):
    key, cert = make_root("KSTU University CA")
    anchor = add_trust_anchor(cert, qualified=False)
    return key, cert, anchor


@pytest.fixture
def employee(make_user):
    return make_user("aibek", first_name="Айбек", last_name="Үсөнбаев", email="aibek@kstu.kg")


@pytest.fixture
def hr_officer(make_user):
    return make_user("hr")


@pytest.fixture
def order(make_document, hr_officer):
    return make_document(
        title="Буйрук № 17", content=CONTENT, content_type="text/plain", actor=hr_officer
    )


def _employee_cert(university, employee, **kwargs):
    ca_key, ca_cert, _anchor = university
    return make_leaf(ca_key, ca_cert, "Айбек Үсөнбаев", email=employee.email, **kwargs)


# --------------------------------------------------------------------------- round trips


def test_employee_cms_under_the_university_root_passes_as_enhanced_unqualified(
    university, employee, hr_officer, order, sign_detached, settings
):
    key, cert = _employee_cert(university, employee)
    issued = register_issued(employee, cert, issued_by=hr_officer)
    order.signatures.model  # noqa: B018
    settings.KSTU_REQUIRE_AGREEMENT = False
    from guardian.shortcuts import assign_perm

    assign_perm("signatures.view_document", employee, order)
    signature = cms_signature_attach(
        signer=employee, document=order, cms_der=sign_detached(key, cert, CONTENT)
    )

    assert signature.level == SignatureLevel.ENHANCED_UNQUALIFIED
    assert signature.method == Signature.Method.CMS
    assert signature.certificate == issued
    assert signature.document_sha256 == order.sha256
    verdict = signature_verify(signature)
    assert verdict.indication == TOTAL_PASSED, verdict
    assert verdict.level == SignatureLevel.ENHANCED_UNQUALIFIED
    assert verdict.signer["common_name"] == "Айбек Үсөнбаев"
    assert verdict.signer["email"] == "aibek@kstu.kg"
    assert verdict.trust_anchor["name"] == university[2].name
    assert [link["common_name"] for link in verdict.chain] == [
        "Айбек Үсөнбаев",
        "KSTU University CA",
    ]
    assert verdict.document_unchanged is True
    assert verdict.revocation["status"] == "good"
    assert AuthEvent.objects.filter(
        action=AuthEvent.Action.SIGNATURE,
        user_id=employee.pk,
        details__signature_id=signature.pk,
    ).exists()


def test_a_chain_ending_at_a_qualified_anchor_gives_enhanced_qualified(
    add_trust_anchor, employee, order, sign_detached
):
    root_key, root = make_root("Accredited Centre KG", qualified=True)
    add_trust_anchor(root, qualified=True)
    mid_key, mid = make_intermediate(root_key, root, "Accredited Centre KG Issuing CA")
    key, cert = make_leaf(mid_key, mid, "Айбек Үсөнбаев", email=employee.email)
    cms = sign_detached(key, cert, CONTENT, extra_certs=[mid])

    # The record claims "unqualified": the verdict derives the level from the chain.
    signature = store_cms(order, employee, cms, cert, level=SignatureLevel.ENHANCED_UNQUALIFIED)
    verdict = signature_verify(signature)

    assert verdict.indication == TOTAL_PASSED, verdict
    assert verdict.level == SignatureLevel.ENHANCED_QUALIFIED
    assert verdict.trust_anchor["is_qualified"] is True
    assert len(verdict.chain) == 3
    assert any("claims" in note for note in verdict.notes)


def test_accredited_certificate_with_the_users_email_can_be_attached(
    add_trust_anchor, employee, order, sign_detached
):
    from guardian.shortcuts import assign_perm

    root_key, root = make_root("Accredited Centre KG", qualified=True)
    add_trust_anchor(root, qualified=True)
    key, cert = make_leaf(root_key, root, "Айбек Үсөнбаев", email="AIBEK@kstu.kg")
    assign_perm("signatures.view_document", employee, order)

    signature = cms_signature_attach(
        signer=employee, document=order, cms_der=sign_detached(key, cert, CONTENT)
    )

    assert signature.level == SignatureLevel.ENHANCED_QUALIFIED
    assert signature.certificate is None


def test_someone_elses_certificate_cannot_be_attached(
    university, employee, hr_officer, order, sign_detached, make_user
):
    from guardian.shortcuts import assign_perm

    other = make_user("other")
    key, cert = _employee_cert(university, employee)
    register_issued(employee, cert, issued_by=hr_officer)
    assign_perm("signatures.view_document", other, order)

    with pytest.raises(ValidationError, match="not yours"):
        cms_signature_attach(
            signer=other, document=order, cms_der=sign_detached(key, cert, CONTENT)
        )
    assert not order.signatures.exists()


def test_a_cms_over_other_bytes_cannot_be_attached(
    university, employee, hr_officer, order, sign_detached
):
    from guardian.shortcuts import assign_perm

    key, cert = _employee_cert(university, employee)
    register_issued(employee, cert, issued_by=hr_officer)
    assign_perm("signatures.view_document", employee, order)

    with pytest.raises(ValidationError):
        cms_signature_attach(
            signer=employee, document=order, cms_der=sign_detached(key, cert, CONTENT + b"!")
        )


def test_an_outsider_who_cannot_see_the_document_cannot_attach(
    university, employee, hr_officer, order, sign_detached
):
    key, cert = _employee_cert(university, employee)
    register_issued(employee, cert, issued_by=hr_officer)
    with pytest.raises(PermissionDenied):
        cms_signature_attach(
            signer=employee, document=order, cms_der=sign_detached(key, cert, CONTENT)
        )


# --------------------------------------------------------------------------- failures


def test_one_changed_byte_of_the_document_fails_with_hash_failure(
    university, employee, order, sign_detached
):
    key, cert = _employee_cert(university, employee)
    signature = store_cms(order, employee, sign_detached(key, cert, CONTENT), cert)
    changed = bytearray(CONTENT)
    changed[3] ^= 0x01
    with open(order.file.path, "wb") as handle:
        handle.write(bytes(changed))

    verdict = signature_verify(signature)

    assert (verdict.indication, verdict.sub_indication) == (TOTAL_FAILED, "HASH_FAILURE")
    assert verdict.document_unchanged is False
    # The uploaded pair (never stored) gives the same answer.
    upload = cms_verify(bytes(signature.cms), bytes(changed))
    assert (upload.indication, upload.sub_indication) == (TOTAL_FAILED, "HASH_FAILURE")


def test_a_tampered_signature_value_fails_with_sig_crypto_failure(university, employee):
    key, cert = make_leaf(university[0], university[1], "Айбек")
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

    other_key, _ = make_leaf(university[0], university[1], "Someone")
    # Signed with another key, but naming this certificate as the signer.
    cms = (
        pkcs7.PKCS7SignatureBuilder().set_data(CONTENT).add_signer(cert, other_key, hashes.SHA256())
    )
    try:
        der = cms.sign(
            Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]
        )
    except ValueError:  # cryptography refuses a key that does not match the certificate
        der = (
            pkcs7.PKCS7SignatureBuilder()
            .set_data(CONTENT)
            .add_signer(cert, key, hashes.SHA256())
            .sign(Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])
        )
        der = der[:-10] + bytes(b ^ 0xFF for b in der[-10:])
    verdict = cms_verify(der, CONTENT)
    assert verdict.indication == TOTAL_FAILED
    assert verdict.sub_indication in ("SIG_CRYPTO_FAILURE", "FORMAT_FAILURE")


def test_garbage_instead_of_a_p7s_is_a_format_failure():
    verdict = cms_verify(b"not a signature at all", CONTENT)
    assert (verdict.indication, verdict.sub_indication) == (TOTAL_FAILED, "FORMAT_FAILURE")


def test_a_certificate_expired_before_signing_gives_expired(
    university, employee, order, sign_detached
):
    start = NOW - dt.timedelta(days=400)
    key, cert = _employee_cert(
        university, employee, not_before=start, not_after=NOW - dt.timedelta(days=1)
    )
    signature = store_cms(order, employee, sign_detached(key, cert, CONTENT), cert)

    verdict = signature_verify(signature)

    assert (verdict.indication, verdict.sub_indication) == (TOTAL_FAILED, "EXPIRED")
    assert verdict.signer["common_name"] == "Айбек Үсөнбаев"


def test_a_certificate_not_yet_valid_at_signing_gives_not_yet_valid(
    university, employee, order, sign_detached
):
    key, cert = _employee_cert(university, employee, not_before=NOW + dt.timedelta(days=2))
    signature = store_cms(order, employee, sign_detached(key, cert, CONTENT), cert)

    verdict = signature_verify(signature)

    assert (verdict.indication, verdict.sub_indication) == (TOTAL_FAILED, "NOT_YET_VALID")


def test_a_root_missing_from_the_trust_list_gives_no_certificate_chain_found(
    employee, order, sign_detached, add_trust_anchor
):
    root_key, root = make_root("Unknown CA")
    key, cert = make_leaf(root_key, root, "Айбек Үсөнбаев")
    signature = store_cms(
        order, employee, sign_detached(key, cert, CONTENT, extra_certs=[root]), cert
    )

    verdict = signature_verify(signature)
    assert (verdict.indication, verdict.sub_indication) == (
        INDETERMINATE,
        "NO_CERTIFICATE_CHAIN_FOUND",
    )
    assert verdict.level == ""
    assert verdict.trust_anchor is None

    # A disabled anchor is no anchor either.
    add_trust_anchor(root, active=False)
    assert signature_verify(signature).sub_indication == "NO_CERTIFICATE_CHAIN_FOUND"


def test_a_signature_after_revocation_is_revoked_and_one_before_stays_valid(
    university, employee, hr_officer, make_document, sign_detached
):
    key, cert = _employee_cert(university, employee, not_before=NOW - dt.timedelta(days=1))
    issued = register_issued(employee, cert, issued_by=hr_officer)
    early_doc = make_document(title="early", content=CONTENT, content_type="text/plain")
    late_doc = make_document(title="late", content=CONTENT + b"2", content_type="text/plain")
    before = store_cms(
        early_doc,
        employee,
        sign_detached(key, cert, CONTENT),
        cert,
        signed_at=NOW - dt.timedelta(hours=2),
        issued=issued,
    )
    after = store_cms(
        late_doc, employee, sign_detached(key, cert, CONTENT + b"2"), cert, issued=issued
    )
    issued.status = IssuedCertificate.Status.REVOKED
    issued.revoked_at = NOW - dt.timedelta(hours=1)
    issued.revocation_reason = "key_compromise"
    issued.save()

    late = signature_verify(after)
    early = signature_verify(before)

    assert (late.indication, late.sub_indication) == (TOTAL_FAILED, "REVOKED")
    assert late.revocation["status"] == "revoked"
    assert early.indication == TOTAL_PASSED, early
    # Uploaded again (never stored), the same CMS has only its claimed signing time — now,
    # after the revocation.
    upload = cms_verify(bytes(before.cms), CONTENT)
    assert (upload.indication, upload.sub_indication) == (TOTAL_FAILED, "REVOKED")


def test_a_certificate_in_the_anchors_crl_is_revoked(
    add_trust_anchor, employee, order, sign_detached, monkeypatch
):
    from signatures.services import verification
    from tests.signatures.pki import crl_der, make_crl

    root_key, root = make_root("Accredited Centre KG", qualified=True)
    add_trust_anchor(root, qualified=True, crl_url="http://crl.example.kg/root.crl")
    key, cert = make_leaf(root_key, root, "Айбек Үсөнбаев")
    signature = store_cms(order, employee, sign_detached(key, cert, CONTENT), cert)
    crl = make_crl(root_key, root, [(cert, NOW - dt.timedelta(days=1))])
    monkeypatch.setattr(verification, "fetch_crl", lambda url: crl_der(crl))

    verdict = signature_verify(signature)

    assert (verdict.indication, verdict.sub_indication) == (TOTAL_FAILED, "REVOKED")

    monkeypatch.setattr(verification, "fetch_crl", lambda url: crl_der(make_crl(root_key, root)))
    verdict = signature_verify(signature)
    assert verdict.indication == TOTAL_PASSED
    assert verdict.revocation["status"] == "good"

    monkeypatch.setattr(verification, "fetch_crl", lambda url: None)
    verdict = signature_verify(signature)
    assert (verdict.indication, verdict.sub_indication) == (INDETERMINATE, "TRY_LATER")


def test_document_verify_lists_every_signature_of_the_sheet_in_order(
    university, employee, hr_officer, order, sign_detached, make_document
):
    from signatures.services.simple import seal_compute

    handwritten = Signature(
        document=order,
        position=1,
        level=SignatureLevel.HANDWRITTEN,
        method=Signature.Method.SCAN,
        signer_name="Асанов Бакыт",
        signed_at=NOW - dt.timedelta(days=1),
        document_sha256=order.sha256,
        scan=make_document(title="scan", content=b"\x89PNG", content_type="image/png"),
        registered_by=hr_officer,
    )
    handwritten.seal = seal_compute(handwritten)
    handwritten.save()
    key, cert = _employee_cert(university, employee)
    store_cms(order, employee, sign_detached(key, cert, CONTENT), cert)

    verdicts = document_verify(order)

    assert [v.position for v in verdicts] == [1, 2]
    assert (verdicts[0].indication, verdicts[0].sub_indication) == (INDETERMINATE, "HANDWRITTEN")
    assert verdicts[0].signer_name == "Асанов Бакыт"
    assert verdicts[0].recorded_at == handwritten.signed_at
    assert verdicts[1].indication == TOTAL_PASSED


# --------------------------------------------------------------------------- PAdES


def _small_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>Буйрук № 17 — Ңурлан Үсөнбаев</p>").write_pdf()


@pytest.fixture
def org_key_file(tmp_path, settings, add_trust_anchor):
    """The organisation's PKCS#12 under a qualified test root, configured like production."""
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    root_key, root = make_root("Accredited Centre KG", qualified=True, key_type="rsa")
    add_trust_anchor(root, qualified=True)
    key, cert = make_leaf(root_key, root, "KSTU", key_type="rsa", extra_name=[])
    path = tmp_path / "org.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"kstu", key, cert, [root], BestAvailableEncryption(b"s3cret")
        )
    )
    settings.KSTU_ORG_SIGNING_P12_PATH = str(path)
    settings.KSTU_ORG_SIGNING_P12_PASSPHRASE = "s3cret"
    return cert


def test_the_university_pades_signature_validates_with_pyhanko_against_the_trust_list(
    org_key_file, make_user, make_document
):
    from signatures.services.documents import document_read
    from signatures.services.enhanced import pades_sign_as_organisation, pades_verify

    rector = make_user("rector_user", is_superuser=True)
    original = make_document(title="Буйрук № 17", content=_small_pdf(), actor=rector)

    signed = pades_sign_as_organisation(actor=rector, document=original)

    assert signed.pk != original.pk
    signature = signed.signatures.get()
    assert signature.method == Signature.Method.PADES
    assert signature.level == SignatureLevel.ENHANCED_QUALIFIED
    results = pades_verify(document_read(signed))
    assert len(results) == 1
    assert results[0]["intact"] and results[0]["valid"] and results[0]["trusted"]
    assert results[0]["bottom_line"] is True
    assert results[0]["verdict"].indication == TOTAL_PASSED
    assert results[0]["verdict"].level == SignatureLevel.ENHANCED_QUALIFIED
    verdict = signature_verify(signature)
    assert verdict.indication == TOTAL_PASSED, verdict
    assert verdict.level == SignatureLevel.ENHANCED_QUALIFIED


def test_a_pades_pdf_changed_after_signing_fails(org_key_file, make_user, make_document):
    from signatures.services.enhanced import pades_sign_as_organisation

    rector = make_user("rector_user", is_superuser=True)
    signed = pades_sign_as_organisation(
        actor=rector, document=make_document(content=_small_pdf(), actor=rector)
    )
    path = signed.file.path
    data = bytearray(open(path, "rb").read())  # noqa: SIM115
    index = data.index(b"/Type /Page") if b"/Type /Page" in data else 200
    data[index + 1] ^= 0x01
    with open(path, "wb") as handle:
        handle.write(bytes(data))

    verdict = signature_verify(signed.signatures.get())

    assert verdict.indication == TOTAL_FAILED
    assert verdict.document_unchanged is False


def test_an_untrusted_pades_signature_is_not_trusted_by_pyhanko(
    org_key_file, make_user, make_document
):
    from signatures.models import TrustAnchor
    from signatures.services.documents import document_read
    from signatures.services.enhanced import pades_sign_as_organisation, pades_verify

    rector = make_user("rector_user", is_superuser=True)
    signed = pades_sign_as_organisation(
        actor=rector, document=make_document(content=_small_pdf(), actor=rector)
    )
    TrustAnchor.objects.update(is_active=False)

    result = pades_verify(document_read(signed))[0]

    assert result["intact"] is True
    assert result["trusted"] is False
    assert result["verdict"].sub_indication == "NO_CERTIFICATE_CHAIN_FOUND"


def test_only_authorised_officials_sign_as_the_organisation(org_key_file, make_user, make_document):
    from django.contrib.auth.models import Permission

    from signatures.services.enhanced import pades_sign_as_organisation

    clerk = make_user("clerk")
    document = make_document(content=_small_pdf())
    with pytest.raises(PermissionDenied):
        pades_sign_as_organisation(actor=clerk, document=document)
    clerk.user_permissions.add(Permission.objects.get(codename="add_signature"))
    clerk = type(clerk).objects.get(pk=clerk.pk)
    with pytest.raises(PermissionDenied):  # the permission alone is not enough
        pades_sign_as_organisation(actor=clerk, document=document)
