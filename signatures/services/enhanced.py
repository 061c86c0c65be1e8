"""Enhanced signatures: detached CMS (CAdES-BES) uploads and PAdES in PDFs (C2, C3).

- :func:`cms_signature_attach` — an employee signed the document's exact bytes with their own
  tool (a ``.p7s``); the signature is verified, tied to the employee's certificate and put on
  the sheet at the level its chain gives.
- :func:`pades_sign_as_organisation` — the university's qualified signature on an order
  (App. 1 #8–13), applied server-side with the organisation key from
  ``KSTU_ORG_SIGNING_P12_PATH`` / ``KSTU_ORG_SIGNING_P12_PASSPHRASE`` (never in the database),
  embedded as PAdES so the downloaded PDF verifies in any PDF reader. Who may apply it: a
  holder of ``signatures.add_signature`` who is a superuser or has the rector's or a vice
  rector's role (the officials who sign orders).
- :func:`pades_verify` — pyHanko's validation of every signature in a PDF against the trust
  list, plus this system's own verdict on each.

Interrupted signing (an external signer signs the hash of a prepared PDF) is not implemented
yet: it needs the prepared PDF kept between two requests (pyHanko's
``PdfSigner.digest_doc_for_signing`` → ``PdfTBSDocument.finish_signing``).
"""

from __future__ import annotations

from io import BytesIO

from cryptography import x509
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from signatures.models import Document, IssuedCertificate, Signature, TrustAnchor
from signatures.services.documents import (
    document_create,
    document_read,
    request_meta,
    sha256_hex,
    signature_audit,
    signature_next_position,
)
from signatures.services.verification import (
    TOTAL_PASSED,
    Verdict,
    _pades_cms_and_content,
    anchor_level,
    certificate_summary,
    chain_build,
    cms_evaluate,
    fingerprint,
)

ORG_SIGNATORY_ROLES = ("rector", "vice_rector")
PADES_FIELD_PREFIX = "KSTU-Seal"


def _certificate_belongs_to(*, signer, leaf: x509.Certificate, verdict: Verdict):
    """The IssuedCertificate when it is the signer's own university certificate; True for an
    accredited centre's certificate naming the signer's e-mail; None otherwise."""
    issued = IssuedCertificate.objects.filter(fingerprint_sha256=fingerprint(leaf)).first()
    if issued is not None:
        return issued if issued.user_id == signer.pk else None
    anchor = verdict.trust_anchor or {}
    if anchor.get("kind") == TrustAnchor.Kind.ACCREDITED:
        email = (verdict.signer.get("email") or "").strip().lower()
        known = {
            (value or "").strip().lower()
            for value in (signer.email, getattr(signer, "personal_email", ""))
        } - {""}
        if email and email in known:
            return True
    return None


@transaction.atomic
def cms_signature_attach(*, signer, document: Document, cms_der: bytes, request=None) -> Signature:
    """Put the signer's detached CMS over ``document`` on its sheet.

    1. The signer must be an active account that may see the document.
    2. The CMS must verify over the document's exact stored bytes (TOTAL-PASSED at this
       moment, which becomes the signature's proof of existence).
    3. The certificate must be the signer's: a certificate the university CA issued to them
       (same fingerprint) or an accredited centre's certificate with their e-mail.
    4. The level is the one the chain gives; the row and an audit event are written.
    """
    from signatures.selectors import document_visible_to

    if signer is None or not signer.is_authenticated or not signer.is_active:
        raise PermissionDenied(_("Sign in to sign documents."))
    if not document_visible_to(user=signer, document=document):
        raise PermissionDenied(_("You may not sign this document."))
    if not cms_der or len(cms_der) > 1024 * 1024:
        raise ValidationError(_("Upload the signature file (.p7s)."))
    document = Document.objects.select_for_update().get(pk=document.pk)
    content = document_read(document)
    if sha256_hex(content) != document.sha256:
        raise ValidationError(_("The stored document was changed; it cannot be signed."))
    verdict, leaf = cms_evaluate(cms_der, content)
    if not verdict.passed or leaf is None:
        raise ValidationError(
            _("The signature does not verify: %(reason)s")
            % {"reason": verdict.sub_indication_label or verdict.indication_label}
        )
    owner = _certificate_belongs_to(signer=signer, leaf=leaf, verdict=verdict)
    if owner is None:
        raise ValidationError(_("The signing certificate is not yours."))
    from cryptography.hazmat.primitives import serialization

    ip, agent = request_meta(request)
    signature = Signature.objects.create(
        document=document,
        position=signature_next_position(document),
        level=verdict.level,
        method=Signature.Method.CMS,
        signer=signer,
        signer_name=(signer.get_full_name() or signer.get_username())[:255],
        document_sha256=document.sha256,
        ip_address=ip,
        user_agent=agent,
        cms=cms_der,
        certificate=owner if isinstance(owner, IssuedCertificate) else None,
        certificate_pem=leaf.public_bytes(serialization.Encoding.PEM).decode(),
    )
    signature_audit(
        signature,
        actor=signer,
        request=request,
        certificate_sha256=fingerprint(leaf),
        trust_anchor=(verdict.trust_anchor or {}).get("name", ""),
    )
    return signature


# --------------------------------------------------------------------------- PAdES


def may_sign_as_organisation(actor) -> bool:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if not actor.has_perm("signatures.add_signature"):
        return False
    return actor.is_superuser or actor.groups.filter(name__in=ORG_SIGNATORY_ROLES).exists()


def _org_signer():
    from pyhanko.sign import signers

    path = settings.KSTU_ORG_SIGNING_P12_PATH
    if not path:
        raise ImproperlyConfigured("KSTU_ORG_SIGNING_P12_PATH is not set")
    passphrase = settings.KSTU_ORG_SIGNING_P12_PASSPHRASE
    signer = signers.SimpleSigner.load_pkcs12(
        pfx_file=path, passphrase=passphrase.encode() if passphrase else None
    )
    if signer is None:
        raise ImproperlyConfigured("The organisation's PKCS#12 file cannot be read")
    return signer


def _field_name(pdf_bytes: bytes) -> str:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
    taken = {sig.field_name for sig in reader.embedded_signatures}
    number = 1
    while f"{PADES_FIELD_PREFIX}-{number}" in taken:
        number += 1
    return f"{PADES_FIELD_PREFIX}-{number}"


@transaction.atomic
def pades_sign_as_organisation(*, actor, document: Document, request=None) -> Document:
    """Sign the PDF ``document`` with the organisation's key; return the NEW signed Document.

    1. The actor must be allowed (:func:`may_sign_as_organisation`), the document a PDF whose
       stored bytes are intact.
    2. The organisation's certificate must lead to an active trust anchor; its level
       (qualified or not) comes from that anchor.
    3. pyHanko embeds a PAdES signature (incremental update, a new signature field); the result
       is stored as a new Document with one Signature row (method PAdES) and an audit event.
       The original document and its sheet stay as they were.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    if not may_sign_as_organisation(actor):
        raise PermissionDenied(_("You may not sign on behalf of the university."))
    if document.content_type != "application/pdf":
        raise ValidationError(_("Only PDF documents can carry the university's signature."))
    content = document_read(document)
    if sha256_hex(content) != document.sha256:
        raise ValidationError(_("The stored document was changed; it cannot be signed."))
    signer = _org_signer()
    cert = x509.load_der_x509_certificate(signer.signing_cert.dump())
    pool = [x509.load_der_x509_certificate(c.dump()) for c in signer.cert_registry]
    chain = chain_build(cert, pool)
    if chain.anchor is None:
        raise ValidationError(
            _("The organisation's certificate does not lead to a trusted certification centre.")
        )
    level = anchor_level(chain.anchor)
    writer = IncrementalPdfFileWriter(BytesIO(content), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=_field_name(content),
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=_("Signed on behalf of the university"),
    )
    signed = signers.sign_pdf(writer, meta, signer=signer).getvalue()
    summary = certificate_summary(cert)
    signature = pades_version_store(
        original=document,
        signed=signed,
        signer=actor,
        signer_name=summary["organization"] or summary["common_name"],
        leaf=cert,
        trust_anchor=chain.anchor,
        level=level,
        request=request,
    )
    return signature.document


def pades_version_store(
    *,
    original: Document,
    signed: bytes,
    signer,
    signer_name: str,
    leaf: x509.Certificate,
    trust_anchor: TrustAnchor,
    level: str,
    request=None,
    certificate: IssuedCertificate | None = None,
    **details,
) -> Signature:
    """Keep a PDF signed inside (PAdES) as the next version of ``original`` — its printed
    code leads here — with the Signature record of that signature and its audit event."""
    from cryptography.hazmat.primitives import serialization

    new_document = document_create(
        title=original.title,
        content=signed,
        content_type="application/pdf",
        actor=signer,
        owner_ref=original.owner_ref,
        derived_from=original,
    )
    ip, agent = request_meta(request)
    signature = Signature.objects.create(
        document=new_document,
        position=1,
        level=level,
        method=Signature.Method.PADES,
        signer=signer,
        signer_name=signer_name[:255],
        document_sha256=new_document.sha256,
        ip_address=ip,
        user_agent=agent,
        certificate=certificate,
        certificate_pem=leaf.public_bytes(serialization.Encoding.PEM).decode(),
    )
    signature_audit(
        signature,
        actor=signer,
        request=request,
        signed_from_document_id=original.pk,
        certificate_sha256=fingerprint(leaf),
        trust_anchor=trust_anchor.name,
        **details,
    )
    return signature


def _validation_context():
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator import ValidationContext

    roots = []
    for anchor in TrustAnchor.objects.filter(is_active=True):
        data = anchor.certificate_pem.encode()
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        roots.append(asn1_x509.Certificate.load(data))
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")


def pades_verify(pdf_bytes: bytes) -> list[dict]:
    """Every signature embedded in a PDF, validated by pyHanko against the active trust list.

    Each item: ``field_name``, pyHanko's ``intact`` / ``valid`` / ``trusted`` / ``bottom_line``
    / ``coverage`` / ``summary``, and ``verdict`` — this system's :class:`Verdict` on the same
    CMS (chain, level, revocation from the university register and CRLs)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature

    reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
    results = []
    for embedded in reader.embedded_signatures:
        status = validate_pdf_signature(embedded, signer_validation_context=_validation_context())
        cert = x509.load_der_x509_certificate(embedded.signer_cert.dump())
        from cryptography.hazmat.primitives import serialization

        pem = cert.public_bytes(serialization.Encoding.PEM).decode()
        extracted = _pades_cms_and_content(pdf_bytes, pem)
        verdict = Verdict(indication=TOTAL_PASSED, method=Signature.Method.PADES)
        if extracted is not None:
            verdict, _leaf = cms_evaluate(*extracted, verdict=verdict)
        if verdict.passed and not (status.intact and status.valid):
            verdict.indication, verdict.sub_indication = "TOTAL-FAILED", "HASH_FAILURE"
        coverage = getattr(status, "coverage", None)
        results.append(
            {
                "field_name": embedded.field_name,
                "intact": bool(status.intact),
                "valid": bool(status.valid),
                "trusted": bool(status.trusted),
                "bottom_line": bool(status.bottom_line),
                "coverage": coverage.name if coverage is not None else "",
                "summary": status.summary(),
                "signing_time": status.signer_reported_dt,
                "verdict": verdict,
            }
        )
    return results
