"""The university CA: ca_init, issuing from a CSR, the CRL, revocation and key compromise.

Personas: an IT-department employee (issues and revokes), an employee holding a certificate,
a colleague from the same university without rights."""

from __future__ import annotations

import datetime as dt
import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuthEvent
from signatures import ca
from signatures.models import IssuedCertificate, KeyCompromiseReport, SigningCode, TrustAnchor
from signatures.services.ca import (
    certificate_issue,
    certificate_revoke,
    key_compromise_report,
)
from tests.signatures import pki


@pytest.fixture(autouse=True)
def _english_texts(english_ui):
    """These tests read the English texts of messages."""


pytestmark = pytest.mark.django_db


@pytest.fixture
def it_officer(make_user):
    return make_user("it_officer", roles=["it_department"])


@pytest.fixture
def department(db):
    from accounts.models import Department

    return Department.objects.create(
        kind=Department.Kind.CHAIR,
        name_ky="Программалык камсыздоо",
        name_ru="Программное обеспечение",
        name_en="Software engineering",
        registration_code="IT-PO-01",
    )


@pytest.fixture
def employee(make_user, department):
    return make_user(
        "aidai",
        first_name="Айдай",
        last_name="Токтогулова",
        patronymic="Бакытовна",
        email="aidai@kstu.kg",
        department=department,
    )


def _load(issued: IssuedCertificate) -> x509.Certificate:
    return x509.load_pem_x509_certificate(issued.certificate_pem.encode())


def _crl(client) -> x509.CertificateRevocationList:
    response = client.get(reverse("signatures:crl"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pkix-crl"
    return x509.load_der_x509_crl(response.content)


# --------------------------------------------------------------------------- ca_init


def test_ca_init_writes_an_encrypted_key_and_a_self_signed_ca_certificate(settings, tmp_path, db):
    settings.KSTU_CA_CERT_PATH = str(tmp_path / "ca.crt")
    settings.KSTU_CA_KEY_PATH = str(tmp_path / "private" / "ca.key")
    settings.KSTU_CA_KEY_PASSPHRASE = "s3cret passphrase"

    call_command("ca_init")

    key_bytes = (tmp_path / "private" / "ca.key").read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in key_bytes
    assert stat.S_IMODE((tmp_path / "private" / "ca.key").stat().st_mode) == 0o600
    with pytest.raises(TypeError):  # no password: refuses to open
        serialization.load_pem_private_key(key_bytes, password=None)
    key = serialization.load_pem_private_key(key_bytes, password=b"s3cret passphrase")

    cert = x509.load_pem_x509_certificate((tmp_path / "ca.crt").read_bytes())
    cert.verify_directly_issued_by(cert)
    assert cert.public_key().public_numbers() == key.public_key().public_numbers()
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
        "KSTU Certification Authority"
    )
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == (
        "I. Razzakov KSTU"
    )
    assert cert.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "KG"
    constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca and constraints.value.path_length == 0
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign and not usage.digital_signature

    anchor = TrustAnchor.objects.get()
    assert anchor.kind == TrustAnchor.Kind.UNIVERSITY
    assert anchor.is_qualified is False
    assert anchor.fingerprint_sha256 == ca.fingerprint_sha256(cert)


def test_ca_init_refuses_to_overwrite_existing_files_without_force(university_ca):
    before = university_ca.key_path.read_bytes()
    with pytest.raises(CommandError, match="--force"):
        call_command("ca_init")
    assert university_ca.key_path.read_bytes() == before

    call_command("ca_init", "--force")
    assert university_ca.key_path.read_bytes() != before
    assert TrustAnchor.objects.filter(kind=TrustAnchor.Kind.UNIVERSITY).count() == 2


def test_ca_init_refuses_an_unencrypted_key_in_production(settings, tmp_path, db):
    settings.DEBUG = False
    settings.KSTU_CA_CERT_PATH = str(tmp_path / "ca.crt")
    settings.KSTU_CA_KEY_PATH = str(tmp_path / "ca.key")
    settings.KSTU_CA_KEY_PASSPHRASE = ""
    with pytest.raises(CommandError, match="KSTU_CA_KEY_PASSPHRASE"):
        call_command("ca_init")
    assert not (tmp_path / "ca.key").exists()

    call_command("ca_init", "--insecure-dev")
    assert b"BEGIN PRIVATE KEY" in (tmp_path / "ca.key").read_bytes()


# --------------------------------------------------------------------------- issuing


def test_certificate_from_a_real_csr_chains_to_the_ca_with_the_subject_from_the_user_record(
    university_ca, it_officer, employee
):
    key = pki.make_key("ec")
    csr = pki.make_csr(key, common_name="Rector Himself")  # the CSR's name is ignored

    issued = certificate_issue(actor=it_officer, user=employee, csr_pem=csr)

    cert = _load(issued)
    cert.verify_directly_issued_by(university_ca.cert)
    pki.verify_signed_by(cert, university_ca.cert)
    assert cert.public_key().public_numbers() == key.public_key().public_numbers()
    subject = cert.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
        "Токтогулова Айдай Бакытовна"
    )
    assert subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == "aidai"
    assert subject.get_attributes_for_oid(NameOID.USER_ID)[0].value == "aidai"
    assert subject.get_attributes_for_oid(NameOID.EMAIL_ADDRESS)[0].value == "aidai@kstu.kg"
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value == "IT-PO-01"
    assert "Rector" not in subject.rfc4514_string()

    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.content_commitment  # nonRepudiation
    assert usage.value.digital_signature
    assert not usage.value.key_cert_sign
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in eku
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert points[0].full_name[0].value.endswith("/signatures/crl.crl")
    assert 120 <= cert.serial_number.bit_length() <= 128

    assert issued.serial_number == ca.serial_to_str(cert.serial_number)
    assert issued.fingerprint_sha256 == ca.fingerprint_sha256(cert)
    assert issued.not_before == cert.not_valid_before_utc
    assert issued.not_after == cert.not_valid_after_utc
    assert (issued.not_after - issued.not_before).days == pytest.approx(730, abs=1)
    assert issued.status == IssuedCertificate.Status.VALID
    assert issued.issued_by == it_officer
    event = AuthEvent.objects.get(details__event="certificate_issued")
    assert event.user_id == it_officer.pk and event.target_id == str(issued.pk)
    assert event.action == AuthEvent.Action.CERTIFICATE_ISSUE


def test_an_rsa_csr_is_accepted_and_a_renewal_gives_a_second_certificate(
    university_ca, it_officer, employee
):
    certificate_issue(actor=it_officer, user=employee, csr_pem=pki.make_csr(pki.make_key("rsa")))
    certificate_issue(actor=it_officer, user=employee, csr_pem=pki.make_csr(pki.make_key("ec384")))
    assert employee.certificates.filter(status="valid").count() == 2


def test_an_employee_without_the_it_role_cannot_issue_certificates(
    university_ca, make_user, employee
):
    colleague = make_user("colleague")
    with pytest.raises(PermissionDenied):
        certificate_issue(actor=colleague, user=colleague, csr_pem=pki.make_csr(pki.make_key()))
    assert not IssuedCertificate.objects.exists()


def test_a_csr_with_a_bad_signature_is_refused(university_ca, it_officer, employee):
    tampered = pki.tamper_csr(pki.make_csr(pki.make_key()))
    with pytest.raises(ValidationError, match="signature does not verify"):
        certificate_issue(actor=it_officer, user=employee, csr_pem=tampered)
    assert not IssuedCertificate.objects.exists()


def test_a_csr_with_a_weak_key_is_refused(university_ca, it_officer, employee):
    weak = pki.make_csr(pki.make_key("rsa1024"))
    with pytest.raises(ValidationError, match="too short"):
        certificate_issue(actor=it_officer, user=employee, csr_pem=weak)
    assert not IssuedCertificate.objects.exists()


def test_garbage_instead_of_a_csr_is_refused(university_ca, it_officer, employee):
    with pytest.raises(ValidationError, match="not a certificate signing request"):
        certificate_issue(actor=it_officer, user=employee, csr_pem="hello")


def test_ca_issue_command_writes_the_private_key_locally_and_issues(
    university_ca, it_officer, employee, tmp_path
):
    out = tmp_path / "aidai.key"
    call_command("ca_issue", "--user", "aidai", "--out", str(out), "--issued-by", "it_officer")

    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    key = serialization.load_pem_private_key(out.read_bytes(), password=None)
    issued = IssuedCertificate.objects.get(user=employee)
    cert = _load(issued)
    assert cert.public_key().public_numbers() == key.public_key().public_numbers()
    assert (tmp_path / "aidai.crt").read_text() == issued.certificate_pem
    cert.verify_directly_issued_by(university_ca.cert)


# --------------------------------------------------------------------------- CRL and revocation


def test_the_crl_lists_a_revoked_certificate_and_verifies_with_the_ca_key(
    university_ca, it_officer, employee, issue_certificate, client
):
    _key, kept = issue_certificate(employee)
    _key, revoked = issue_certificate(employee)
    assert _crl(client).is_signature_valid(university_ca.cert.public_key())  # cached, empty

    when = timezone.now() - dt.timedelta(hours=2)
    certificate_revoke(actor=it_officer, certificate=revoked, reason="superseded", revoked_at=when)

    crl = _crl(client)
    assert crl.is_signature_valid(university_ca.cert.public_key())
    pki.verify_signed_by(crl, university_ca.cert)
    assert crl.issuer == university_ca.cert.subject
    entry = crl.get_revoked_certificate_by_serial_number(_load(revoked).serial_number)
    assert entry is not None
    assert entry.revocation_date_utc == when.replace(microsecond=0)
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == (
        x509.ReasonFlags.superseded
    )
    assert crl.get_revoked_certificate_by_serial_number(_load(kept).serial_number) is None
    now = dt.datetime.now(dt.UTC)
    assert dt.timedelta(hours=23) < crl.next_update_utc - now <= dt.timedelta(days=1)
    revoked.refresh_from_db()
    assert revoked.status == "revoked" and revoked.revoked_at == when


def test_only_the_it_department_revokes(university_ca, make_user, employee, issue_certificate):
    _key, issued = issue_certificate(employee)
    with pytest.raises(PermissionDenied):
        certificate_revoke(actor=employee, certificate=issued, reason="superseded")
    issued.refresh_from_db()
    assert issued.status == "valid"


def test_the_crl_and_the_ca_certificate_are_public(university_ca, client):
    crl = _crl(client)
    assert list(crl) == []
    response = client.get(reverse("signatures:ca_certificate"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pkix-cert"
    assert x509.load_der_x509_certificate(response.content) == university_ca.cert


def test_the_crl_says_so_when_the_ca_is_not_set_up(settings, tmp_path, client, db):
    settings.KSTU_CA_CERT_PATH = str(tmp_path / "none.crt")
    settings.KSTU_CA_KEY_PATH = str(tmp_path / "none.key")
    assert client.get(reverse("signatures:crl")).status_code == 503
    assert client.get(reverse("signatures:ca_certificate")).status_code == 503


# --------------------------------------------------------------------------- key compromise


def _signing_code(user, document, **fields):
    return SigningCode.objects.create(
        user=user,
        document=document,
        code_hash="x",
        expires_at=timezone.now() + dt.timedelta(minutes=10),
        **fields,
    )


def test_key_compromise_revokes_from_the_reported_time_invalidates_codes_and_mails_it(
    university_ca,
    it_officer,
    employee,
    issue_certificate,
    make_user,
    make_document,
    client,
    django_capture_on_commit_callbacks,
):
    make_user("it_nomail", roles=["it_department"], email="")
    _key, issued = issue_certificate(employee)
    document = make_document()
    unused = _signing_code(employee, document)
    used = _signing_code(employee, document, used_at=timezone.now())
    others = _signing_code(it_officer, document)
    since = timezone.now() - dt.timedelta(seconds=1)  # the certificate is valid since a minute

    with django_capture_on_commit_callbacks(execute=True):
        report = key_compromise_report(
            user=employee,
            certificate=issued,
            compromised_since=since,
            description="Флешка с ключом потеряна",
        )

    issued.refresh_from_db()
    assert issued.status == IssuedCertificate.Status.REVOKED
    assert issued.revoked_at == since
    assert issued.revocation_reason == "keyCompromise"
    unused.refresh_from_db()
    used.refresh_from_db()
    others.refresh_from_db()
    assert unused.invalidated_at is not None
    assert used.invalidated_at is None and others.invalidated_at is None
    assert report.compromised_since == since and report.certificate == issued

    crl = _crl(client)
    entry = crl.get_revoked_certificate_by_serial_number(_load(issued).serial_number)
    assert entry.revocation_date_utc == since.astimezone(dt.UTC).replace(microsecond=0)
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == (
        x509.ReasonFlags.key_compromise
    )

    assert sorted(m.to[0] for m in mail.outbox) == ["ca_issuer@kstu.kg", "it_officer@kstu.kg"]
    assert issued.serial_number in mail.outbox[0].body
    assert "Флешка" in mail.outbox[0].body

    event = AuthEvent.objects.get(details__event="key_compromise")
    assert event.action == AuthEvent.Action.KEY_COMPROMISE
    assert event.user_id == employee.pk
    assert event.details["signing_codes_invalidated"] == 1


def test_compromise_time_in_the_future_or_before_the_certificate_is_refused(
    university_ca, employee, issue_certificate
):
    _key, issued = issue_certificate(employee)
    with pytest.raises(ValidationError, match="future"):
        key_compromise_report(
            user=employee,
            certificate=issued,
            compromised_since=timezone.now() + dt.timedelta(hours=1),
        )
    with pytest.raises(ValidationError, match="valid only from"):
        key_compromise_report(
            user=employee,
            certificate=issued,
            compromised_since=issued.not_before - dt.timedelta(days=3),
        )
    issued.refresh_from_db()
    assert issued.status == "valid"
    assert not KeyCompromiseReport.objects.exists()


def test_another_employee_cannot_report_compromise_of_my_certificate(
    university_ca, employee, make_user, issue_certificate
):
    _key, issued = issue_certificate(employee)
    stranger = make_user("stranger")
    with pytest.raises(PermissionDenied):
        key_compromise_report(user=stranger, certificate=issued, compromised_since=timezone.now())
    issued.refresh_from_db()
    assert issued.status == "valid"


def test_a_later_compromise_report_does_not_shorten_an_earlier_revocation(
    university_ca, it_officer, employee, issue_certificate
):
    _key, issued = issue_certificate(employee)
    early = timezone.now() - dt.timedelta(seconds=30)
    certificate_revoke(actor=it_officer, certificate=issued, reason="superseded", revoked_at=early)
    key_compromise_report(user=employee, certificate=issued, compromised_since=timezone.now())
    issued.refresh_from_db()
    assert issued.revoked_at == early


def test_a_login_with_an_underscore_still_gets_a_certificate(
    university_ca, issue_certificate, make_user
):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    user = make_user("emp_aibek")
    _key, issued = issue_certificate(user)
    subject = x509.load_pem_x509_certificate(issued.certificate_pem.encode()).subject
    assert subject.get_attributes_for_oid(NameOID.USER_ID)[0].value == "emp_aibek"
    assert not subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
