"""Certificate requests (C2, EDO 5.5): an employee sends a CSR for a key they hold (made in the
browser or with their own tool); the digital-infrastructure service issues or refuses it.

Personas: Айдай, an employee; Нурбек, of the digital-infrastructure service; Бекзат, a student.
"""

from __future__ import annotations

import re

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from signatures.models import CertificateRequest
from signatures.services.ca_requests import (
    certificate_request_issue,
    certificate_request_reject,
    certificate_request_submit,
    public_key_fingerprint,
)
from tests.signatures import pki

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_texts(english_ui):
    """These tests read the English texts of pages and messages."""


@pytest.fixture
def aidai(make_user):
    return make_user("aidai", first_name="Айдай", last_name="Токтогулова", preferred_language="ru")


@pytest.fixture
def nurbek(make_user):
    return make_user("nurbek", roles=["it_department"], preferred_language="en")


@pytest.fixture
def student(make_user):
    return make_user("bekzat", kind="student")


def _submit(user, key=None, origin="browser"):
    key = key or ec.generate_private_key(ec.SECP256R1())
    return key, certificate_request_submit(
        user=user, csr_pem=pki.make_csr(key, "Somebody Else"), origin=origin
    )


def test_an_employee_requests_and_the_service_issues_with_the_accounts_identity(
    aidai, nurbek, university_ca, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        key, cert_request = _submit(aidai)
    assert cert_request.status == CertificateRequest.Status.PENDING
    assert cert_request.key_description == "EC P-256"
    assert cert_request.key_fingerprint == public_key_fingerprint(key.public_key())
    assert [m.to for m in mailoutbox] == [["nurbek@kstu.kg"]]
    assert reverse("signatures:certificate_issue") in mailoutbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        cert_request = certificate_request_issue(actor=nurbek, request_id=cert_request.pk)

    assert cert_request.status == CertificateRequest.Status.ISSUED
    assert cert_request.handled_by == nurbek
    cert = x509.load_pem_x509_certificate(cert_request.certificate.certificate_pem.encode())
    # The key is the employee's; the name is the account's, not what the request said.
    assert public_key_fingerprint(cert.public_key()) == cert_request.key_fingerprint
    names = [a.value for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    assert names == [aidai.get_full_name()] and "Somebody Else" not in names
    assert cert_request.certificate.user == aidai
    assert mailoutbox[-1].to == ["aidai@kstu.kg"]
    with translation.override("ru"):
        assert cert_request.certificate.serial_number in mailoutbox[-1].body


def test_a_new_request_replaces_one_still_waiting_without_mailing_the_service_again(
    aidai, nurbek, university_ca, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _key, first = _submit(aidai)
        _key, second = _submit(aidai, origin="tool")
    assert len(mailoutbox) == 1
    first.refresh_from_db()
    assert first.status == CertificateRequest.Status.WITHDRAWN
    assert second.status == CertificateRequest.Status.PENDING
    assert second.origin == "tool"


def test_a_request_with_a_broken_signature_is_refused_and_nothing_is_kept(aidai, university_ca):
    key = ec.generate_private_key(ec.SECP256R1())
    pem = pki.make_csr(key)
    body = "".join(pem.strip().splitlines()[1:-1])
    tampered = body[:40] + ("A" if body[40] != "A" else "B") + body[41:]
    with pytest.raises(ValidationError):
        certificate_request_submit(
            user=aidai,
            csr_pem=f"-----BEGIN CERTIFICATE REQUEST-----\n{tampered}\n"
            "-----END CERTIFICATE REQUEST-----\n",
            origin="tool",
        )
    with pytest.raises(ValidationError, match="P-256 and P-384"):
        certificate_request_submit(
            user=aidai,
            csr_pem=pki.make_csr(ec.generate_private_key(ec.SECP521R1())),
            origin="tool",
        )
    assert not CertificateRequest.objects.exists()


def test_a_key_that_already_has_a_certificate_is_refused(aidai, nurbek, university_ca):
    key, cert_request = _submit(aidai)
    certificate_request_issue(actor=nurbek, request_id=cert_request.pk)
    with pytest.raises(ValidationError, match="already issued for this key"):
        _submit(aidai, key=key)


def test_students_do_not_request_certificates(student, university_ca):
    with pytest.raises(PermissionDenied):
        _submit(student)


def test_only_the_service_issues_or_refuses(aidai, make_user, university_ca):
    _key, cert_request = _submit(aidai)
    colleague = make_user("colleague")
    with pytest.raises(PermissionDenied):
        certificate_request_issue(actor=colleague, request_id=cert_request.pk)
    with pytest.raises(PermissionDenied):
        certificate_request_issue(actor=aidai, request_id=cert_request.pk)
    with pytest.raises(PermissionDenied):
        certificate_request_reject(actor=colleague, request_id=cert_request.pk, reason="no")
    cert_request.refresh_from_db()
    assert cert_request.status == CertificateRequest.Status.PENDING


def test_a_refusal_needs_a_reason_which_the_employee_reads(
    client, aidai, nurbek, university_ca, mailoutbox, django_capture_on_commit_callbacks
):
    _key, cert_request = _submit(aidai)
    with pytest.raises(ValidationError):
        certificate_request_reject(actor=nurbek, request_id=cert_request.pk, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        certificate_request_reject(
            actor=nurbek, request_id=cert_request.pk, reason="Your unit is not recorded"
        )
    assert mailoutbox[-1].to == ["aidai@kstu.kg"]
    assert "Your unit is not recorded" in mailoutbox[-1].body
    with pytest.raises(ValidationError, match="already been handled"):
        certificate_request_issue(actor=nurbek, request_id=cert_request.pk)

    client.force_login(aidai)
    page = client.get(reverse("signatures:certificate_request"))
    assert "Your unit is not recorded" in page.content.decode()


# --------------------------------------------------------------------------- pages


def test_the_request_page_sends_a_pasted_csr(client, aidai, university_ca):
    client.force_login(aidai)
    page = client.get(reverse("signatures:certificate_request"))
    assert page.status_code == 200
    assert b"data-browser-key-request" in page.content
    assert b"js/browser-keys.js" in page.content

    key = ec.generate_private_key(ec.SECP384R1())
    response = client.post(
        reverse("signatures:certificate_request"),
        {"csr_text": pki.make_csr(key), "origin": "tool"},
        follow=True,
    )
    assert response.status_code == 200
    cert_request = CertificateRequest.objects.get(user=aidai)
    assert cert_request.key_description == "EC P-384" and cert_request.origin == "tool"
    assert 'data-status="pending"' in response.content.decode()


def test_the_request_page_keeps_the_input_and_explains_a_bad_request(client, aidai, university_ca):
    client.force_login(aidai)
    response = client.post(
        reverse("signatures:certificate_request"), {"csr_text": "hello", "origin": "tool"}
    )
    assert response.status_code == 200
    assert "This is not a certificate signing request" in response.content.decode()
    assert "hello</textarea>" in response.content.decode()
    empty = client.post(reverse("signatures:certificate_request"), {"origin": "tool"})
    assert "Make a key in this browser, or paste the request" in empty.content.decode()
    assert not CertificateRequest.objects.exists()


def test_the_request_page_is_forbidden_to_students(client, student):
    client.force_login(student)
    assert client.get(reverse("signatures:certificate_request")).status_code == 403


def test_the_service_sees_waiting_requests_and_issues_from_the_page(
    client, aidai, nurbek, university_ca
):
    _key, cert_request = _submit(aidai)
    client.force_login(nurbek)
    page = client.get(reverse("signatures:certificate_issue"))
    assert page.status_code == 200
    assert f'data-testid="pending-{cert_request.pk}"' in page.content.decode()

    response = client.post(reverse("signatures:certificate_request_issue", args=[cert_request.pk]))
    assert response.status_code == 302
    cert_request.refresh_from_db()
    assert cert_request.status == CertificateRequest.Status.ISSUED
    assert (
        b"No requests are waiting." in client.get(reverse("signatures:certificate_issue")).content
    )


def test_the_service_refuses_from_the_page_and_a_missing_reason_loses_nothing(
    client, aidai, nurbek, university_ca
):
    _key, cert_request = _submit(aidai)
    client.force_login(nurbek)
    url = reverse("signatures:certificate_request_reject", args=[cert_request.pk])
    page = client.post(url, {"reason": ""}, follow=True)
    assert "Give the reason for the refusal" in page.content.decode()
    cert_request.refresh_from_db()
    assert cert_request.status == CertificateRequest.Status.PENDING
    client.post(url, {"reason": "Wrong unit"})
    cert_request.refresh_from_db()
    assert cert_request.status == CertificateRequest.Status.REJECTED


def test_other_employees_cannot_issue_or_refuse_from_the_pages(client, aidai, university_ca):
    _key, cert_request = _submit(aidai)
    client.force_login(aidai)
    assert client.get(reverse("signatures:certificate_issue")).status_code == 403
    assert (
        client.post(
            reverse("signatures:certificate_request_issue", args=[cert_request.pk])
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("signatures:certificate_request_reject", args=[cert_request.pk]),
            {"reason": "x"},
        ).status_code
        == 403
    )
    cert_request.refresh_from_db()
    assert cert_request.status == CertificateRequest.Status.PENDING


def test_the_waiting_requests_page_has_a_query_budget(
    client, make_user, nurbek, university_ca, django_assert_max_num_queries
):
    for n in range(12):
        _submit(make_user(f"emp{n}"))
    client.force_login(nurbek)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("signatures:certificate_issue"))
    assert len(re.findall(r'data-testid="pending-\d+"', page.content.decode())) == 12
