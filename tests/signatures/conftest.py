"""Shared fixtures of the signatures tests (several modules add theirs here: keep it additive)."""

import pytest


@pytest.fixture
def accept_agreement(db):
    """``accept_agreement(user)``: the user accepts the agreement on electronic interaction in
    force (version 1 comes with the migrations; created here when a test emptied the table)."""
    from accounts.models import AgreementVersion
    from accounts.services.agreement import agreement_accept, agreement_cache_clear

    def _accept(user):
        version = AgreementVersion.objects.order_by("-version").first()
        if version is None:
            version = AgreementVersion.objects.create(
                version=1, text_ky="Макулдашуу", text_ru="Соглашение", text_en="Agreement"
            )
            agreement_cache_clear()
        return agreement_accept(user=user, version=version)

    return _accept


@pytest.fixture
def make_document(db):
    """``make_document(title=..., content=..., actor=...)``: stored through the service."""
    from signatures.services.documents import document_create

    def _make(
        title="Приказ № 1",
        content=b"%PDF-1.4 test document\n",
        content_type="application/pdf",
        actor=None,
        owner_ref="",
    ):
        return document_create(
            title=title,
            content=content,
            content_type=content_type,
            actor=actor,
            owner_ref=owner_ref,
        )

    return _make


# --------------------------------------------------------------------------- university CA
# (tests/signatures/pki.py makes free-standing test PKI; these fixtures set up the real CA code.)

# ``university_ca`` (the real CA made by ``ca_initialize``) is in tests/conftest.py: the
# browser journeys use it too.


@pytest.fixture
def issue_certificate(university_ca, make_user):
    """``issue_certificate(user, key=None, key_type="ec") -> (private_key, IssuedCertificate)``:
    a real certificate of the university CA for ``user``, issued by an IT-department actor
    through ``certificate_issue`` (the key pair is made here unless given)."""
    from signatures.services.ca import certificate_issue
    from tests.signatures import pki

    issuer = {}

    def _issue(user, key=None, key_type="ec"):
        if "actor" not in issuer:
            issuer["actor"] = make_user("ca_issuer", roles=["it_department"])
        key = key or pki.make_key(key_type)
        issued = certificate_issue(actor=issuer["actor"], user=user, csr_pem=pki.make_csr(key))
        return key, issued

    return _issue


# --------------------------------------------------------------------------- enhanced / verify


@pytest.fixture
def add_trust_anchor(db):
    """``add_trust_anchor(cert, *, qualified=False, kind="university", active=True, crl_url="")``
    registers a test root (or intermediate) in the trust list."""
    import hashlib

    from cryptography.hazmat.primitives import serialization

    from signatures.models import TrustAnchor
    from tests.signatures.pki import cert_pem

    def _add(cert, *, qualified=False, kind=None, active=True, crl_url="", name=None):
        der = cert.public_bytes(serialization.Encoding.DER)
        return TrustAnchor.objects.create(
            name=name or cert.subject.rfc4514_string()[:255],
            kind=kind
            or (TrustAnchor.Kind.ACCREDITED if qualified else TrustAnchor.Kind.UNIVERSITY),
            certificate_pem=cert_pem(cert),
            fingerprint_sha256=hashlib.sha256(der).hexdigest(),
            subject=cert.subject.rfc4514_string()[:500],
            not_after=cert.not_valid_after_utc,
            is_qualified=qualified,
            is_active=active,
            crl_url=crl_url,
        )

    return _add


@pytest.fixture
def sign_detached():
    """``sign_detached(key, cert, data, extra_certs=())`` -> DER of a detached CMS (CAdES-BES
    shape: signed attributes with contentType, signingTime = now, messageDigest)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

    def _sign(key, cert, data, extra_certs=()):
        builder = (
            pkcs7.PKCS7SignatureBuilder().set_data(data).add_signer(cert, key, hashes.SHA256())
        )
        for extra in extra_certs:
            builder = builder.add_certificate(extra)
        return builder.sign(
            Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]
        )

    return _sign
