"""Pages and admin of the university CA: an allowed and a forbidden test for each.

Personas: ``it_officer`` (digital-infrastructure service, works in the admin), ``employee``
(holds a certificate), ``stranger`` (another employee without rights)."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from django.urls import reverse
from django.utils import timezone

from signatures.models import IssuedCertificate, KeyCompromiseReport, TrustAnchor
from tests.signatures import pki

pytestmark = pytest.mark.django_db


@pytest.fixture
def it_officer(make_user):
    return make_user("it_officer", roles=["it_department"], is_staff=True)


@pytest.fixture
def employee(make_user):
    return make_user("aidai", first_name="Айдай", last_name="Токтогулова")


@pytest.fixture
def stranger(make_user):
    return make_user("stranger")


@pytest.fixture
def certificate(issue_certificate, employee):
    return issue_certificate(employee)[1]


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


# --------------------------------------------------------------------------- my certificates


def test_employee_sees_only_their_own_certificates(
    client, employee, stranger, certificate, issue_certificate
):
    _key, other = issue_certificate(stranger)
    client.force_login(employee)
    response = client.get(reverse("signatures:certificates"))
    assert response.status_code == 200
    body = response.content.decode()
    assert certificate.serial_number in body
    assert other.serial_number not in body
    assert reverse("signatures:certificate_compromise", args=[certificate.pk]) in body
    assert reverse("signatures:certificate_issue") not in body


def test_certificates_page_needs_a_sign_in(client):
    response = client.get(reverse("signatures:certificates"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_holder_downloads_their_certificate(client, employee, certificate):
    client.force_login(employee)
    response = client.get(reverse("signatures:certificate_download", args=[certificate.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert x509.load_pem_x509_certificate(response.content).serial_number == int(
        certificate.serial_number, 16
    )


def test_another_employee_cannot_download_my_certificate(client, stranger, certificate):
    client.force_login(stranger)
    response = client.get(reverse("signatures:certificate_download", args=[certificate.pk]))
    assert response.status_code == 403


def test_the_it_department_downloads_any_certificate(client, it_officer, certificate):
    client.force_login(it_officer)
    response = client.get(reverse("signatures:certificate_download", args=[certificate.pk]))
    assert response.status_code == 200


# --------------------------------------------------------------------------- issuing


def test_it_department_issues_from_a_pasted_csr(client, it_officer, employee, university_ca):
    client.force_login(it_officer)
    assert client.get(reverse("signatures:certificate_issue")).status_code == 200
    response = client.post(
        reverse("signatures:certificate_issue"),
        {"login": "aidai", "csr_text": pki.make_csr(pki.make_key())},
    )
    assert response.status_code == 200
    issued = IssuedCertificate.objects.get(user=employee)
    assert issued.serial_number in response.content.decode()
    assert issued.issued_by == it_officer


def test_it_department_sees_a_clear_error_for_a_tampered_csr(
    client, it_officer, employee, university_ca, english_ui
):
    client.force_login(it_officer)
    response = client.post(
        reverse("signatures:certificate_issue"),
        {"login": "aidai", "csr_text": pki.tamper_csr(pki.make_csr(pki.make_key()))},
    )
    assert response.status_code == 200
    assert "signature does not verify" in response.content.decode()
    assert not IssuedCertificate.objects.exists()


def test_an_employee_cannot_open_the_issuing_page(client, employee, university_ca):
    client.force_login(employee)
    assert client.get(reverse("signatures:certificate_issue")).status_code == 403
    response = client.post(
        reverse("signatures:certificate_issue"),
        {"login": "aidai", "csr_text": pki.make_csr(pki.make_key())},
    )
    assert response.status_code == 403
    assert not IssuedCertificate.objects.exists()


# --------------------------------------------------------------------------- key compromise


def test_holder_reports_compromise_and_the_certificate_is_revoked(client, employee, certificate):
    client.force_login(employee)
    url = reverse("signatures:certificate_compromise", args=[certificate.pk])
    assert client.get(url).status_code == 200
    # The form takes minutes; the certificate has been valid since a minute before issuing.
    since = timezone.now().replace(second=0, microsecond=0)
    response = client.post(url, {"compromised_since": _local(since), "description": "lost"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    assert certificate.revoked_at == since
    assert KeyCompromiseReport.objects.get().description == "lost"


def test_holder_gets_a_clear_error_for_a_future_time(client, employee, certificate, english_ui):
    client.force_login(employee)
    url = reverse("signatures:certificate_compromise", args=[certificate.pk])
    future = timezone.now() + dt.timedelta(days=1)
    response = client.post(url, {"compromised_since": _local(future)})
    assert response.status_code == 200
    assert "cannot start in the future" in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == "valid"


def test_another_employee_cannot_open_or_post_the_compromise_page_for_my_certificate(
    client, stranger, certificate
):
    client.force_login(stranger)
    url = reverse("signatures:certificate_compromise", args=[certificate.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"compromised_since": _local(timezone.now())})
    assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == "valid"
    assert not KeyCompromiseReport.objects.exists()


# --------------------------------------------------------------------------- admin


def test_it_department_revokes_from_the_admin_with_a_reason(
    client, it_officer, certificate, employee
):
    client.force_login(it_officer)
    url = reverse("admin:signatures_issuedcertificate_changelist")
    data = {"action": "revoke_selected", "_selected_action": [certificate.pk]}
    page = client.post(url, data)
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    response = client.post(url, {**data, "apply": "1", "reason": "cessationOfOperation"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    assert certificate.revocation_reason == "cessationOfOperation"


def test_issued_certificates_are_read_only_in_the_admin(client, it_officer, certificate):
    client.force_login(it_officer)
    change = reverse("admin:signatures_issuedcertificate_change", args=[certificate.pk])
    client.post(change, {"status": "revoked"})
    certificate.refresh_from_db()
    assert certificate.status == "valid"
    assert client.get(reverse("admin:signatures_issuedcertificate_add")).status_code == 403


def test_issued_certificate_changelist_query_budget(
    client, it_officer, issue_certificate, make_user, django_assert_max_num_queries
):
    for n in range(8):
        issue_certificate(make_user(f"holder{n}"))
    client.force_login(it_officer)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("admin:signatures_issuedcertificate_changelist"))
    assert response.status_code == 200


def test_a_non_staff_employee_cannot_revoke_in_the_admin(client, employee, certificate):
    client.force_login(employee)
    url = reverse("admin:signatures_issuedcertificate_changelist")
    response = client.post(
        url,
        {
            "action": "revoke_selected",
            "_selected_action": [certificate.pk],
            "apply": "1",
            "reason": "superseded",
        },
    )
    assert response.status_code == 302 and "login" in response["Location"]
    certificate.refresh_from_db()
    assert certificate.status == "valid"


def test_it_department_adds_an_accredited_qualified_root_by_pasting_pem(client, it_officer):
    _key, root = pki.make_root("Kyrgyz Accredited CC", qualified=True)
    client.force_login(it_officer)
    response = client.post(
        reverse("admin:signatures_trustanchor_add"),
        {
            "name": "Accredited centre (example)",
            "kind": "accredited",
            "certificate_pem": pki.cert_pem(root),
            "is_qualified": "on",
            "is_active": "on",
            "crl_url": "",
            "notes": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    anchor = TrustAnchor.objects.get(kind="accredited")
    assert anchor.is_qualified
    assert anchor.fingerprint_sha256 == root.fingerprint(pki.hashes.SHA256()).hex()
    assert "Kyrgyz Accredited CC" in anchor.subject
    assert anchor.not_after == root.not_valid_after_utc


def test_a_leaf_certificate_is_refused_as_a_trust_anchor(client, it_officer):
    key, root = pki.make_root("Some CA")
    _leaf_key, leaf = pki.make_leaf(key, root, "Somebody")
    client.force_login(it_officer)
    response = client.post(
        reverse("admin:signatures_trustanchor_add"),
        {"name": "Leaf", "kind": "accredited", "certificate_pem": pki.cert_pem(leaf)},
    )
    assert response.status_code == 200
    assert not TrustAnchor.objects.exists()


def test_an_employee_cannot_add_trust_anchors(client, make_user):
    _key, root = pki.make_root("Rogue CA")
    rogue = make_user("rogue", is_staff=True)
    client.force_login(rogue)
    response = client.post(
        reverse("admin:signatures_trustanchor_add"),
        {"name": "Rogue", "kind": "accredited", "certificate_pem": pki.cert_pem(root)},
    )
    assert response.status_code == 403
    assert not TrustAnchor.objects.exists()
