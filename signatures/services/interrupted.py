"""Interrupted PAdES signing: the server prepares the PDF, the signer's own device signs.

1. :func:`pades_prepare_external` — pyHanko adds a signature field to a copy of the PDF,
   reserves room for the CMS, digests the ``/ByteRange`` and formats the CMS signed
   attributes; all of it is kept in a :class:`PendingPdfSignature` (30 minutes). The caller
   hands ``bytes_to_sign`` (the DER of the signed attributes) to the external signer, which
   signs them with SHA-256 (ECDSA, or RSA PKCS#1 v1.5) — the standard CMS signature.
2. :func:`pades_complete_external` — the signature value comes back; pyHanko embeds the CMS
   in the reserved region; the result is verified (:func:`pades_verify`) before anything is
   saved, then stored as a NEW Document with one Signature row (method PAdES).

pyHanko's interrupted-signing API is asynchronous; :func:`_run` runs a coroutine to the end
whether or not an event loop is already running in this thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
from io import BytesIO

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from signatures.models import (
    Document,
    IssuedCertificate,
    PendingPdfSignature,
    Signature,
)
from signatures.services.documents import document_read, sha256_hex
from signatures.services.verification import (
    anchor_level,
    certificate_summary,
    chain_build,
    fingerprint,
)

PENDING_LIFETIME = dt.timedelta(minutes=30)
FIELD_PREFIX = "Signature"
MD_ALGORITHM = "sha256"


def _run(coro):
    """Run ``coro`` to completion; in a worker thread when a loop already runs here."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _placeholder_size(cert: x509.Certificate) -> int:
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return (key.key_size + 7) // 8
    if isinstance(key, ec.EllipticCurvePublicKey):
        # DER SEQUENCE of two INTEGERs, each at most one byte longer than the curve size
        size = (key.curve.key_size + 7) // 8 + 1
        return 2 * (size + 2) + 3
    raise ValidationError(_("This type of key cannot sign PDFs here."))


def _field_name(pdf_bytes: bytes) -> str:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
    taken = {sig.field_name for sig in reader.embedded_signatures}
    number = 1
    while f"{FIELD_PREFIX}-{number}" in taken:
        number += 1
    return f"{FIELD_PREFIX}-{number}"


def _signing_material(certificate_pem: str):
    """(cryptography leaf, asn1crypto leaf, pyHanko certificate registry with the chain,
    ChainResult)."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    leaf = x509.load_pem_x509_certificate(certificate_pem.encode())
    chain = chain_build(leaf, [])
    registry = SimpleCertificateStore()
    registry.register_multiple(
        [
            asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
            for cert in chain.chain[1:]
        ]
    )
    asn1_leaf = asn1_x509.Certificate.load(leaf.public_bytes(serialization.Encoding.DER))
    return leaf, asn1_leaf, registry, chain


def _check_certificate(*, signer, certificate: IssuedCertificate) -> None:
    if certificate is None or certificate.user_id != signer.pk:
        raise ValidationError(_("The signing certificate is not yours."))
    now = timezone.now()
    if (
        certificate.status != IssuedCertificate.Status.VALID
        or certificate.revoked_at is not None
        or not (certificate.not_before <= now <= certificate.not_after)
    ):
        raise ValidationError(_("The signing certificate is not valid now."))


@transaction.atomic
def pades_prepare_external(
    *, signer, document: Document, certificate: IssuedCertificate
) -> tuple[PendingPdfSignature, bytes]:
    """Prepare ``document`` (a PDF) for a signature by ``signer``'s own device.

    Returns the pending signing and the bytes the device must sign (the DER of the CMS signed
    attributes; the device hashes them with SHA-256 and signs)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from signatures.selectors import document_visible_to

    if signer is None or not signer.is_authenticated or not signer.is_active:
        raise PermissionDenied(_("Sign in to sign documents."))
    if not document_visible_to(user=signer, document=document):
        raise PermissionDenied(_("You may not sign this document."))
    _check_certificate(signer=signer, certificate=certificate)
    if document.content_type != "application/pdf":
        raise ValidationError(_("Only PDF documents can be signed this way."))
    content = document_read(document)
    if sha256_hex(content) != document.sha256:
        raise ValidationError(_("The stored document was changed; it cannot be signed."))
    leaf, asn1_leaf, registry, chain = _signing_material(certificate.certificate_pem)
    if chain.anchor is None:
        raise ValidationError(
            _("The signing certificate does not lead to a trusted certification centre.")
        )
    ext_signer = signers.ExternalSigner(
        signing_cert=asn1_leaf,
        cert_registry=registry,
        signature_value=_placeholder_size(leaf),
    )
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(
            field_name=_field_name(content),
            md_algorithm=MD_ALGORITHM,
            subfilter=fields.SigSeedSubFilter.PADES,
        ),
        signer=ext_signer,
    )
    writer = IncrementalPdfFileWriter(BytesIO(content), strict=False)
    prep_digest, _tbs, output = _run(pdf_signer.async_digest_doc_for_signing(writer))
    signed_attrs = _run(
        ext_signer.signed_attrs(prep_digest.document_digest, MD_ALGORITHM, use_pades=True)
    )
    bytes_to_sign = signed_attrs.dump()
    pending = PendingPdfSignature.objects.create(
        document=document,
        signer=signer,
        certificate=certificate,
        certificate_pem=certificate.certificate_pem,
        prepared_pdf=output.getvalue(),
        document_digest=prep_digest.document_digest.hex(),
        md_algorithm=MD_ALGORITHM,
        reserved_region_start=prep_digest.reserved_region_start,
        reserved_region_end=prep_digest.reserved_region_end,
        signed_attrs=bytes_to_sign,
        expires_at=timezone.now() + PENDING_LIFETIME,
    )
    return pending, bytes_to_sign


@transaction.atomic
def pades_complete_external(
    *, signer, pending: PendingPdfSignature, signature_value: bytes, request=None
) -> Signature:
    """Embed the external ``signature_value`` and store the signed PDF as a new Document.

    Refused (nothing stored) when the pending signing is not the signer's, expired, already
    completed, or when the resulting signature does not verify."""
    from asn1crypto import cms
    from pyhanko.sign import signers
    from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
    from pyhanko.sign.signers.pdf_signer import PdfTBSDocument

    from signatures.services.enhanced import pades_verify, pades_version_store

    pending = PendingPdfSignature.objects.select_for_update().get(pk=pending.pk)
    if signer is None or not signer.is_authenticated or pending.signer_id != signer.pk:
        raise PermissionDenied(_("This signing was not started by you."))
    if pending.completed_at is not None:
        raise ValidationError(_("This signing is already completed."))
    if pending.expires_at <= timezone.now():
        raise ValidationError(_("This signing has expired; start again."))
    if pending.certificate is not None:
        _check_certificate(signer=signer, certificate=pending.certificate)
    signature_value = bytes(signature_value or b"")
    if not signature_value or len(signature_value) > 2048:
        raise ValidationError(_("The signature value is missing or malformed."))
    leaf, asn1_leaf, registry, chain = _signing_material(pending.certificate_pem)
    if chain.anchor is None:
        raise ValidationError(
            _("The signing certificate does not lead to a trusted certification centre.")
        )
    ext_signer = signers.ExternalSigner(
        signing_cert=asn1_leaf, cert_registry=registry, signature_value=signature_value
    )
    sig_cms = _run(
        ext_signer.async_sign_prescribed_attributes(
            pending.md_algorithm, signed_attrs=cms.CMSAttributes.load(bytes(pending.signed_attrs))
        )
    )
    output = BytesIO(bytes(pending.prepared_pdf))
    prepared = PreparedByteRangeDigest(
        document_digest=bytes.fromhex(pending.document_digest),
        reserved_region_start=pending.reserved_region_start,
        reserved_region_end=pending.reserved_region_end,
    )
    try:
        PdfTBSDocument.finish_signing(output, prepared_digest=prepared, signature_cms=sig_cms)
    except Exception as exc:  # pyHanko: the CMS does not fit the reserved region, etc.
        raise ValidationError(_("The signature value is missing or malformed.")) from exc
    signed = output.getvalue()
    wanted = fingerprint(leaf)
    mine = [
        item
        for item in pades_verify(signed)
        if ((item["verdict"].certificate or {}).get("fingerprint_sha256") == wanted)
    ]
    if not mine or not (mine[-1]["intact"] and mine[-1]["valid"] and mine[-1]["verdict"].passed):
        raise ValidationError(_("The signature does not verify."))
    verdict = mine[-1]["verdict"]
    summary = certificate_summary(leaf)
    signature = pades_version_store(
        original=pending.document,
        signed=signed,
        signer=signer,
        signer_name=signer.get_full_name() or summary["common_name"] or signer.get_username(),
        leaf=leaf,
        trust_anchor=chain.anchor,
        level=verdict.level or anchor_level(chain.anchor),
        request=request,
        certificate=pending.certificate,
        interrupted=True,
    )
    pending.completed_at = timezone.now()
    pending.result = signature.document
    pending.save(update_fields=["completed_at", "result"])
    return signature


def pending_browser_key_fingerprint(pending: PendingPdfSignature) -> str:
    """SHA-256 of the certificate's SubjectPublicKeyInfo: how the page finds the key among
    those kept in this browser (``static/js/browser-keys.js``). Only EC P-256 keys are made
    there, so other certificates get no browser button."""
    from signatures import ca
    from signatures.services.ca_requests import public_key_fingerprint

    pem = pending.certificate_pem or (
        pending.certificate.certificate_pem if pending.certificate_id else ""
    )
    if not pem:
        return ""
    public_key = ca.load_certificate(pem).public_key()
    if (
        not isinstance(public_key, ec.EllipticCurvePublicKey)
        or public_key.curve.name != "secp256r1"
    ):
        return ""
    return public_key_fingerprint(public_key)
