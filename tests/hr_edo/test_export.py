"""Export for authorities (EDO 2.1.4): the ZIP verified file by file, and audited."""

import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7
from django.urls import reverse
from django.utils import timezone

from audit.models import AuthEvent
from hr_edo.services.export import export_queryset, hr_documents_export
from signatures.models import Signature, SignatureLevel
from signatures.services.documents import document_read
from signatures.verifiers import verify_cms
from tests.signatures.pki import cert_pem, make_leaf, make_root


@pytest.fixture(autouse=True)
def _english_texts(english_ui):
    """These tests read the English texts of pages and messages."""


pytestmark = pytest.mark.django_db


def _attach_cms(doc, signer) -> bytes:
    root_key, root = make_root("Test CA")
    key, cert = make_leaf(root_key, root, "Signer")
    content = document_read(doc.pdf)
    der = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(content)
        .add_signer(cert, key, hashes.SHA256())
        .add_certificate(root)
        .sign(Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])
    )
    Signature.objects.create(
        document=doc.pdf,
        position=1,
        level=SignatureLevel.ENHANCED_UNQUALIFIED,
        method=Signature.Method.CMS,
        signer=signer,
        document_sha256=doc.pdf.sha256,
        cms=der,
        certificate_pem=cert_pem(cert),
        signed_at=timezone.now(),
    )
    return der


def _open(content: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(content))


def test_export_zip_contents_verify(copy_employee, copy_hr, make_edo_document, make_user):
    doc = make_edo_document(copy_employee, date=dt.date(2025, 2, 3))
    der = _attach_cms(doc, copy_employee)
    other = make_edo_document(make_user("emp_other"), date=dt.date(2025, 2, 4))
    content = hr_documents_export(
        actor=copy_hr,
        documents=export_queryset(employee=copy_employee),
        filters={"employee": copy_employee.username},
    )
    archive = _open(content)
    names = set(archive.namelist())
    folder = f"{doc.pk:06d}-{doc.type.code}"
    assert {
        f"{folder}/document.pdf",
        f"{folder}/signature-1.p7s",
        f"{folder}/verification.pdf",
        f"{folder}/audit-trail.csv",
        "manifest.json",
        "manifest.sha256",
    } == names
    assert not any(n.startswith(f"{other.pk:06d}-") for n in names)
    manifest = json.loads(archive.read("manifest.json"))
    assert [d["id"] for d in manifest["documents"]] == [doc.pk]
    assert {f["path"] for f in manifest["files"]} == names - {"manifest.json", "manifest.sha256"}
    for entry in manifest["files"]:
        assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"]
    lines = archive.read("manifest.sha256").decode().splitlines()
    assert len(lines) == len(manifest["files"])
    for line in lines:
        digest, path = line.split("  ", 1)
        assert hashlib.sha256(archive.read(path)).hexdigest() == digest
    pdf = archive.read(f"{folder}/document.pdf")
    assert pdf == document_read(doc.pdf)
    assert hashlib.sha256(pdf).hexdigest() == doc.pdf.sha256
    p7s = archive.read(f"{folder}/signature-1.p7s")
    assert p7s == der
    assert verify_cms(p7s, pdf).ok
    assert archive.read(f"{folder}/verification.pdf").startswith(b"%PDF")
    trail = archive.read(f"{folder}/audit-trail.csv").decode("utf-8-sig")
    assert "history" in trail and "signature" in trail


def test_export_is_audited(copy_employee, copy_hr, make_edo_document):
    make_edo_document(copy_employee)
    hr_documents_export(
        actor=copy_hr, documents=export_queryset(), filters={"type": None, "employee": None}
    )
    event = AuthEvent.objects.filter(user_id=copy_hr.pk).latest("pk")
    assert event.action == AuthEvent.Action.DOCUMENTS_EXPORT
    assert event.details["event"] == "hr_documents_exported"
    assert event.details["count"] == 1
    assert event.details["filters"] == {"type": None, "employee": None}


def test_export_view_filters_by_type_and_period(copy_employee, copy_hr, make_edo_document, client):
    first = make_edo_document(copy_employee, type_number=1, date=dt.date(2025, 1, 10))
    make_edo_document(copy_employee, type_number=1, date=dt.date(2024, 1, 10))
    make_edo_document(copy_employee, type_number=2, date=dt.date(2025, 1, 10))
    client.force_login(copy_hr)
    assert client.get(reverse("hr_edo:export")).status_code == 200
    response = client.post(
        reverse("hr_edo:export"),
        {
            "employee": copy_employee.pk,
            "document_type": first.type.pk,
            "date_from": "2025-01-01",
            "date_to": "2025-12-31",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    manifest = json.loads(_open(response.content).read("manifest.json"))
    assert [d["id"] for d in manifest["documents"]] == [first.pk]
    event = AuthEvent.objects.filter(details__event="hr_documents_exported").get()
    assert event.details["filters"]["date_from"] == "2025-01-01"
    assert event.details["count"] == 1


def test_employee_cannot_export(copy_employee, client):
    client.force_login(copy_employee)
    assert client.get(reverse("hr_edo:export")).status_code == 403
    assert client.post(reverse("hr_edo:export"), {}).status_code == 403
