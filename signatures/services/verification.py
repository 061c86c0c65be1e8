"""Verification of every signature on a document, with ETSI-style verdicts (C4, B8).

A verdict follows ETSI EN 319 102-1: the indication is TOTAL-PASSED, TOTAL-FAILED or
INDETERMINATE, with a sub-indication saying why (HASH_FAILURE, SIG_CRYPTO_FAILURE, REVOKED,
EXPIRED, NOT_YET_VALID, NO_CERTIFICATE_CHAIN_FOUND, ...).

How an enhanced (CMS/PAdES) signature is judged — numbered as the code runs:

1. the cryptography: the CMS is checked over the document's *current* bytes by the registered
   verifier (:mod:`signatures.verifiers`); a wrong message digest is HASH_FAILURE, a wrong
   signature value SIG_CRYPTO_FAILURE; the bytes' SHA-256 must also equal both the hash recorded
   with the signature and the document's own;
2. the chain: from the signer's certificate through the certificates in the CMS up to an
   *active* :class:`~signatures.models.TrustAnchor`; none → INDETERMINATE
   NO_CERTIFICATE_CHAIN_FOUND. The level is derived from the anchor (qualified → enhanced
   qualified, otherwise enhanced unqualified), never taken from the record;
3. the time: a stored signature's ``signed_at`` is the server's proof that the signature existed
   then (a CAdES-BES ``signingTime`` is only the signer's claim, and a thief of the key can
   back-date it), so validity and revocation are judged at that moment; for an uploaded
   signature that was never stored only the claim exists (ETSI's *_NO_POE cases);
4. revocation: the university CA's own register (:class:`IssuedCertificate.revoked_at`) and the
   CRLs published for the chain (the certificate's distribution point or the anchor's CRL URL).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import asdict, dataclass, field
from io import BytesIO

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtensionOID, NameOID
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from signatures.models import Document, IssuedCertificate, Signature, SignatureLevel, TrustAnchor
from signatures.services.documents import document_read, sha256_hex
from signatures.verifiers import CmsFormatError, UnsupportedAlgorithm, verify_cms

logger = logging.getLogger(__name__)

TOTAL_PASSED = "TOTAL-PASSED"
TOTAL_FAILED = "TOTAL-FAILED"
INDETERMINATE = "INDETERMINATE"

INDICATION_LABELS = {
    TOTAL_PASSED: gettext_lazy("Valid"),
    TOTAL_FAILED: gettext_lazy("Invalid"),
    INDETERMINATE: gettext_lazy("Indeterminate"),
}

SUB_INDICATION_LABELS = {
    "HASH_FAILURE": gettext_lazy("The document was changed after signing."),
    "SIG_CRYPTO_FAILURE": gettext_lazy("The signature value does not verify."),
    "FORMAT_FAILURE": gettext_lazy("The signature file cannot be read."),
    "REVOKED": gettext_lazy("The certificate was revoked before the signing time."),
    "REVOKED_NO_POE": gettext_lazy(
        "The certificate is revoked and nothing proves the signature was made before that."
    ),
    "EXPIRED": gettext_lazy("The certificate had expired at the signing time."),
    "NOT_YET_VALID": gettext_lazy("The certificate was not yet valid at the signing time."),
    "OUT_OF_BOUNDS_NO_POE": gettext_lazy(
        "The certificate has expired and nothing proves the signature was made before that."
    ),
    "NO_CERTIFICATE_CHAIN_FOUND": gettext_lazy(
        "The certificate does not lead to a trusted certification centre."
    ),
    "CHAIN_CONSTRAINTS_FAILURE": gettext_lazy("The certificate chain is not valid."),
    "SIG_CONSTRAINTS_FAILURE": gettext_lazy(
        "The certificate may not be used for signing, or it is not the recorded one."
    ),
    "NO_SIGNING_CERTIFICATE_FOUND": gettext_lazy("The signer's certificate is missing."),
    "CRYPTO_CONSTRAINTS_FAILURE": gettext_lazy(
        "The signature algorithm is not supported by this system's verifiers."
    ),
    "TRY_LATER": gettext_lazy("The revocation list could not be obtained; try again later."),
    "SEAL_FAILURE": gettext_lazy("The record of the signature was altered."),
    "HANDWRITTEN": gettext_lazy("Handwritten signature — checked on paper."),
}

REVOCATION_LABELS = {
    "good": gettext_lazy("Not revoked"),
    "revoked": gettext_lazy("Revoked"),
    "unknown": gettext_lazy("Unknown"),
    "not_published": gettext_lazy("No revocation information published"),
    "not_applicable": gettext_lazy("Not applicable"),
}

MAX_CHAIN = 8
NAME_LABELS = {
    NameOID.EMAIL_ADDRESS: "E",
    NameOID.SERIAL_NUMBER: "SERIALNUMBER",
    NameOID.GIVEN_NAME: "G",
    NameOID.SURNAME: "SN",
}


# --------------------------------------------------------------------------- the verdict


@dataclass
class Verdict:
    indication: str
    sub_indication: str = ""
    position: int | None = None
    method: str = ""
    claimed_level: str = ""  # what the record says
    level: str = ""  # derived from the chain (enhanced) or the method (simple, handwritten)
    signer_name: str = ""
    signer: dict = field(default_factory=dict)
    certificate: dict | None = None
    chain: list[dict] = field(default_factory=list)
    trust_anchor: dict | None = None
    signing_time: dt.datetime | None = None  # claimed by the signer (CMS signingTime)
    recorded_at: dt.datetime | None = None  # the server's record (proof of existence)
    revocation: dict = field(default_factory=lambda: {"status": "not_applicable"})
    document_unchanged: bool | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.indication == TOTAL_PASSED

    @property
    def messages(self) -> list[str]:
        """What the signature sheet shows under a failed verdict."""
        head = [self.sub_indication_label] if self.sub_indication else []
        return head + list(self.notes)

    @property
    def indication_label(self) -> str:
        return str(INDICATION_LABELS.get(self.indication, self.indication))

    @property
    def sub_indication_label(self) -> str:
        return str(SUB_INDICATION_LABELS.get(self.sub_indication, self.sub_indication))

    @property
    def level_label(self) -> str:
        try:
            return str(SignatureLevel(self.level).label) if self.level else _("Not determined")
        except ValueError:
            return self.level

    @property
    def revocation_label(self) -> str:
        return str(REVOCATION_LABELS.get(self.revocation.get("status", ""), ""))

    def as_dict(self) -> dict:
        data = asdict(self)
        data.update(
            indication_label=self.indication_label,
            sub_indication_label=self.sub_indication_label if self.sub_indication else "",
            level_label=self.level_label,
            revocation_label=self.revocation_label,
        )
        return _jsonable(data)


def _jsonable(value):
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


# --------------------------------------------------------------------------- certificates


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(_der(cert)).hexdigest()


def _attr(name: x509.Name, oid) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def certificate_summary(cert: x509.Certificate) -> dict:
    email = _attr(cert.subject, NameOID.EMAIL_ADDRESS)
    if not email:
        try:
            san = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
            emails = san.value.get_values_for_type(x509.RFC822Name)
            email = emails[0] if emails else ""
        except x509.ExtensionNotFound:
            pass
    return {
        "subject": cert.subject.rfc4514_string(NAME_LABELS),
        "issuer": cert.issuer.rfc4514_string(NAME_LABELS),
        "common_name": _attr(cert.subject, NameOID.COMMON_NAME),
        "organization": _attr(cert.subject, NameOID.ORGANIZATION_NAME),
        "email": email,
        # The personal identification number sits in serialNumber or UID in Kyrgyz certificates.
        "subject_serial": _attr(cert.subject, NameOID.SERIAL_NUMBER),
        "uid": _attr(cert.subject, NameOID.USER_ID),
        "serial_number": format(cert.serial_number, "x"),
        "not_before": cert.not_valid_before_utc,
        "not_after": cert.not_valid_after_utc,
        "fingerprint_sha256": fingerprint(cert),
    }


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _may_sign(cert: x509.Certificate) -> bool:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return bool(usage.digital_signature or usage.content_commitment)


@dataclass
class ChainResult:
    chain: list[x509.Certificate]
    anchor: TrustAnchor | None
    problem: str = ""


def _anchor_certificates() -> tuple[dict[str, TrustAnchor], list[x509.Certificate]]:
    anchors: dict[str, TrustAnchor] = {}
    certs: list[x509.Certificate] = []
    for anchor in TrustAnchor.objects.filter(is_active=True):
        try:
            cert = x509.load_pem_x509_certificate(anchor.certificate_pem.encode())
        except ValueError:
            logger.warning("trust anchor %s has an unreadable certificate", anchor.pk)
            continue
        anchors[fingerprint(cert)] = anchor
        certs.append(cert)
    return anchors, certs


def chain_build(leaf: x509.Certificate, pool: list[x509.Certificate]) -> ChainResult:
    """The path from ``leaf`` to an active trust anchor, through ``pool`` (the CMS's certs)."""
    anchors, anchor_certs = _anchor_certificates()
    candidates = [*pool, *anchor_certs]
    chain = [leaf]
    current = leaf
    for _step in range(MAX_CHAIN):
        anchor = anchors.get(fingerprint(current))
        if anchor is not None:
            return ChainResult(chain, anchor)
        issuer = next(
            (
                cert
                for cert in candidates
                if cert.subject == current.issuer
                and fingerprint(cert) != fingerprint(current)
                and _issued_by(current, cert)
            ),
            None,
        )
        if issuer is None:
            return ChainResult(chain, None, "NO_CERTIFICATE_CHAIN_FOUND")
        if not _is_ca(issuer):
            return ChainResult(chain, None, "CHAIN_CONSTRAINTS_FAILURE")
        chain.append(issuer)
        current = issuer
    return ChainResult(chain, None, "CHAIN_CONSTRAINTS_FAILURE")


# --------------------------------------------------------------------------- revocation


def fetch_crl(url: str) -> bytes | None:
    """The DER of the CRL at ``url`` (cached for an hour); None when it cannot be fetched.

    Tests replace this function; production reaches the centres' published CRLs."""
    if not url.startswith(("http://", "https://")):
        return None
    key = "signatures:crl:" + hashlib.sha256(url.encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    import urllib.request

    try:
        # The scheme is limited to http(s) just above.
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
            body = response.read(10 * 1024 * 1024)
    except OSError:
        return None
    cache.set(key, body, 3600)
    return body


def _crl_urls(cert: x509.Certificate) -> list[str]:
    try:
        points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except x509.ExtensionNotFound:
        return []
    urls = []
    for point in points:
        for name in point.full_name or []:
            if isinstance(name, x509.UniformResourceIdentifier):
                urls.append(name.value)
    return urls


def _load_crl(body: bytes) -> x509.CertificateRevocationList | None:
    for loader in (x509.load_der_x509_crl, x509.load_pem_x509_crl):
        try:
            return loader(body)
        except ValueError:
            continue
    return None


def revocation_check(chain: ChainResult, *, issued: IssuedCertificate | None) -> dict:
    """``{"status": good|revoked|unknown|not_published, "revoked_at", "source"}`` for the
    signer's certificate and every intermediate of the chain."""
    if issued is not None and (
        issued.revoked_at or issued.status == IssuedCertificate.Status.REVOKED
    ):
        return {
            "status": "revoked",
            "revoked_at": issued.revoked_at,
            "reason": issued.revocation_reason,
            "source": _("University CA register"),
        }
    result = {"status": "not_published", "revoked_at": None, "source": ""}
    if issued is not None:
        result = {"status": "good", "revoked_at": None, "source": _("University CA register")}
    # Each certificate below the anchor, checked against its issuer's CRL.
    for index, cert in enumerate(chain.chain):
        if chain.anchor is not None and index == len(chain.chain) - 1:
            break  # the anchor itself is trusted as configured
        if index == 0 and issued is not None:
            continue  # our own register is authoritative for the university's certificates
        issuer = chain.chain[index + 1] if index + 1 < len(chain.chain) else None
        urls = _crl_urls(cert)
        if (
            not urls
            and chain.anchor is not None
            and chain.anchor.crl_url
            and index + 1 == len(chain.chain) - 1
        ):
            urls = [chain.anchor.crl_url]
        if not urls or issuer is None:
            continue
        crl = None
        for url in urls:
            body = fetch_crl(url)
            loaded = _load_crl(body) if body else None
            if loaded is not None and loaded.is_signature_valid(issuer.public_key()):
                crl = loaded
                break
        if crl is None:
            return {"status": "unknown", "revoked_at": None, "source": urls[0]}
        entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if entry is not None:
            return {
                "status": "revoked",
                "revoked_at": entry.revocation_date_utc,
                "source": urls[0],
            }
        if result["status"] != "good" or index == 0:
            result = {"status": "good", "revoked_at": None, "source": urls[0]}
    return result


# --------------------------------------------------------------------------- enhanced


def _issued_certificate_for(cert: x509.Certificate) -> IssuedCertificate | None:
    return IssuedCertificate.objects.filter(fingerprint_sha256=fingerprint(cert)).first()


def cms_evaluate(
    cms_der: bytes,
    content: bytes,
    *,
    recorded_at: dt.datetime | None = None,
    at: dt.datetime | None = None,
    verdict: Verdict | None = None,
) -> tuple[Verdict, x509.Certificate | None]:
    """The verdict on a detached CMS over ``content``; ``recorded_at`` is the server's proof
    of existence (a stored signature's ``signed_at``), None for an upload never stored."""
    now = at or timezone.now()
    verdict = verdict or Verdict(indication=INDETERMINATE)
    verdict.recorded_at = recorded_at
    # 1. Cryptography.
    try:
        check = verify_cms(cms_der, content)
    except CmsFormatError:
        verdict.indication, verdict.sub_indication = TOTAL_FAILED, "FORMAT_FAILURE"
        return verdict, None
    except UnsupportedAlgorithm as exc:
        verdict.indication, verdict.sub_indication = INDETERMINATE, "CRYPTO_CONSTRAINTS_FAILURE"
        verdict.notes.append(str(exc))
        return verdict, None
    verdict.signing_time = check.signing_time
    if check.signer_certificate is None:
        verdict.indication, verdict.sub_indication = INDETERMINATE, "NO_SIGNING_CERTIFICATE_FOUND"
        return verdict, None
    leaf = x509.load_der_x509_certificate(check.signer_certificate.dump())
    pool = [x509.load_der_x509_certificate(cert.dump()) for cert in check.certificates]
    summary = certificate_summary(leaf)
    verdict.certificate = summary
    verdict.signer = {
        key: summary[key]
        for key in ("common_name", "email", "subject_serial", "uid", "organization")
    }
    verdict.signer_name = verdict.signer_name or summary["common_name"]
    # 2. Chain (also for failed signatures: the report still says whose certificate it was).
    chain = chain_build(leaf, pool)
    verdict.chain = [certificate_summary(cert) for cert in chain.chain]
    if chain.anchor is not None:
        verdict.trust_anchor = {
            "name": chain.anchor.name,
            "kind": chain.anchor.kind,
            "kind_label": str(chain.anchor.get_kind_display()),
            "is_qualified": chain.anchor.is_qualified,
        }
        verdict.level = anchor_level(chain.anchor)
    issued = _issued_certificate_for(leaf)
    verdict.revocation = (
        revocation_check(chain, issued=issued)
        if chain.anchor
        else {"status": "unknown", "revoked_at": None, "source": ""}
    )
    if verdict.document_unchanged is None:
        verdict.document_unchanged = check.message_digest_ok
    if not check.message_digest_ok or verdict.document_unchanged is False:
        verdict.indication, verdict.sub_indication = TOTAL_FAILED, "HASH_FAILURE"
        verdict.document_unchanged = False
        return verdict, leaf
    if not check.signature_ok:
        verdict.indication, verdict.sub_indication = TOTAL_FAILED, "SIG_CRYPTO_FAILURE"
        return verdict, leaf
    if not _may_sign(leaf):
        verdict.indication, verdict.sub_indication = TOTAL_FAILED, "SIG_CONSTRAINTS_FAILURE"
        return verdict, leaf
    # 3. Time: the server's record when there is one, otherwise only the signer's claim.
    moment = recorded_at or check.signing_time or now
    proven = recorded_at is not None
    for cert in chain.chain[: len(chain.chain) - (1 if chain.anchor else 0)]:
        if moment > cert.not_valid_after_utc:
            verdict.indication, verdict.sub_indication = TOTAL_FAILED, "EXPIRED"
            return verdict, leaf
        if moment < cert.not_valid_before_utc:
            verdict.indication, verdict.sub_indication = TOTAL_FAILED, "NOT_YET_VALID"
            return verdict, leaf
        if not proven and now > cert.not_valid_after_utc:
            verdict.indication, verdict.sub_indication = INDETERMINATE, "OUT_OF_BOUNDS_NO_POE"
            return verdict, leaf
    if chain.anchor is None:
        verdict.indication, verdict.sub_indication = INDETERMINATE, chain.problem
        return verdict, leaf
    # 4. Revocation.
    revoked_at = verdict.revocation.get("revoked_at")
    if verdict.revocation["status"] == "revoked":
        if revoked_at is None or revoked_at <= moment:
            verdict.indication, verdict.sub_indication = TOTAL_FAILED, "REVOKED"
            return verdict, leaf
        if not proven:
            verdict.indication, verdict.sub_indication = INDETERMINATE, "REVOKED_NO_POE"
            return verdict, leaf
        verdict.notes.append(_("The certificate was revoked later; this signature predates it."))
    elif verdict.revocation["status"] == "unknown":
        verdict.indication, verdict.sub_indication = INDETERMINATE, "TRY_LATER"
        return verdict, leaf
    verdict.indication, verdict.sub_indication = TOTAL_PASSED, ""
    return verdict, leaf


def cms_verify(cms_der: bytes, content: bytes, *, at: dt.datetime | None = None) -> Verdict:
    """A verdict for an uploaded ``.p7s`` over uploaded bytes; nothing is stored."""
    verdict, _leaf = cms_evaluate(cms_der, content, at=at)
    verdict.method = Signature.Method.CMS
    return verdict


def _pades_cms_and_content(pdf_bytes: bytes, certificate_pem: str) -> tuple[bytes, bytes] | None:
    """The CMS and the ``/ByteRange``-covered bytes of the PDF signature made with
    ``certificate_pem`` (or the last signature when no certificate is given)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
    wanted = None
    if certificate_pem:
        wanted = fingerprint(x509.load_pem_x509_certificate(certificate_pem.encode()))
    found = None
    for embedded in reader.embedded_signatures:
        cert = x509.load_der_x509_certificate(embedded.signer_cert.dump())
        if wanted is None or fingerprint(cert) == wanted:
            found = embedded
    if found is None:
        return None
    start1, length1, start2, length2 = (int(value) for value in found.byte_range)
    covered = pdf_bytes[start1 : start1 + length1] + pdf_bytes[start2 : start2 + length2]
    return bytes(found.pkcs7_content), covered


# --------------------------------------------------------------------------- per signature


def _simple_verdict(signature: Signature, verdict: Verdict) -> Verdict:
    verdict.level = signature.level
    verdict.recorded_at = signature.signed_at
    verdict.signing_time = signature.signed_at
    try:
        from signatures.services.simple import simple_signature_verify
    except ImportError:
        verdict.indication, verdict.sub_indication = INDETERMINATE, ""
        verdict.notes.append(_("Simple signatures cannot be checked here yet."))
        return verdict
    result = simple_signature_verify(signature)
    verdict.indication = result.get("indication", INDETERMINATE)
    verdict.sub_indication = result.get("sub_indication", "") or ""
    verdict.document_unchanged = result.get("document_unchanged")
    if result.get("seal_ok") is False and not verdict.sub_indication:
        verdict.sub_indication = "SEAL_FAILURE"
    return verdict


def _handwritten_verdict(signature: Signature, verdict: Verdict) -> Verdict:
    verdict.level = SignatureLevel.HANDWRITTEN
    verdict.indication, verdict.sub_indication = INDETERMINATE, "HANDWRITTEN"
    verdict.signing_time = signature.signed_at
    verdict.recorded_at = signature.signed_at
    try:
        from signatures.services.simple import simple_signature_verify
    except ImportError:
        simple_signature_verify = None
    if simple_signature_verify is not None:
        result = simple_signature_verify(signature)
        if not result.get("seal_ok", True):
            verdict.indication, verdict.sub_indication = TOTAL_FAILED, "SEAL_FAILURE"
    if signature.registered_by_id:
        registered_by = signature.registered_by
        verdict.notes.append(
            _("Registered from a scan by %(name)s.")
            % {"name": registered_by.get_full_name() or registered_by.get_username()}
        )
    return verdict


def signature_verify(
    signature: Signature, *, at: dt.datetime | None = None, content: bytes | None = None
) -> Verdict:
    """The verdict on one stored signature (any level). ``content``: the document's bytes when
    the caller already read them."""
    signer = signature.signer
    verdict = Verdict(
        indication=INDETERMINATE,
        position=signature.position,
        method=signature.method,
        claimed_level=signature.level,
        signer_name=signature.signer_name
        or (signer.get_full_name() or signer.get_username() if signer else ""),
    )
    if signature.level == SignatureLevel.HANDWRITTEN or signature.method == Signature.Method.SCAN:
        return _handwritten_verdict(signature, verdict)
    if signature.level == SignatureLevel.SIMPLE:
        return _simple_verdict(signature, verdict)
    document = signature.document
    if content is None:
        try:
            content = document_read(document)
        except FileNotFoundError:
            content = b""
    current = sha256_hex(content)
    verdict.document_unchanged = current == signature.document_sha256 == document.sha256
    if signature.method == Signature.Method.PADES:
        extracted = _pades_cms_and_content(content, signature.certificate_pem)
        if extracted is None:
            verdict.indication, verdict.sub_indication = TOTAL_FAILED, "FORMAT_FAILURE"
            verdict.document_unchanged = False if not verdict.document_unchanged else None
            return verdict
        cms_der, covered = extracted
    else:
        cms_der, covered = bytes(signature.cms or b""), content
    verdict, leaf = cms_evaluate(
        cms_der, covered, recorded_at=signature.signed_at, at=at, verdict=verdict
    )
    if (
        verdict.passed
        and signature.certificate_pem
        and leaf is not None
        and fingerprint(x509.load_pem_x509_certificate(signature.certificate_pem.encode()))
        != fingerprint(leaf)
    ):
        verdict.indication, verdict.sub_indication = TOTAL_FAILED, "SIG_CONSTRAINTS_FAILURE"
    if verdict.level and verdict.level != signature.level:
        verdict.notes.append(
            _("The record claims %(claimed)s; the certificate chain gives %(derived)s.")
            % {"claimed": signature.get_level_display(), "derived": verdict.level_label}
        )
    return verdict


def document_verify(document: Document, *, at: dt.datetime | None = None) -> list[Verdict]:
    """Verdicts for every signature on the document's sheet, in sheet order (B8)."""
    signatures = list(
        document.signatures.select_related("signer", "registered_by", "certificate").order_by(
            "position"
        )
    )
    content = None
    if any(s.level not in (SignatureLevel.HANDWRITTEN, SignatureLevel.SIMPLE) for s in signatures):
        try:
            content = document_read(document)
        except FileNotFoundError:
            content = b""
    for signature in signatures:
        signature.document = document
    return [signature_verify(s, at=at, content=content) for s in signatures]


def document_report(document: Document, *, at: dt.datetime | None = None) -> dict:
    """The verification report of a document as plain data (page, PDF and API share it)."""
    verdicts = document_verify(document, at=at)
    try:
        unchanged = sha256_hex(document_read(document)) == document.sha256
    except FileNotFoundError:
        unchanged = False
    if not verdicts:
        overall = INDETERMINATE
    elif any(v.indication == TOTAL_FAILED for v in verdicts):
        overall = TOTAL_FAILED
    elif all(v.indication == TOTAL_PASSED for v in verdicts):
        overall = TOTAL_PASSED
    else:
        overall = INDETERMINATE
    return {
        "document": {
            "title": document.title,
            "verification_code": document.verification_code,
            "sha256": document.sha256,
            "size": document.size,
            "content_type": document.content_type,
            "created_at": document.created_at,
            "unchanged": unchanged,
        },
        "versions": document_versions_info(document),
        "verified_at": at or timezone.now(),
        "indication": overall,
        "indication_label": str(INDICATION_LABELS[overall]),
        "signatures": verdicts,
        "verification_url": verification_url(document),
    }


def anchor_level(anchor: TrustAnchor) -> str:
    """The level a chain to ``anchor`` gives: enhanced qualified for a qualified centre."""
    return (
        SignatureLevel.ENHANCED_QUALIFIED
        if anchor.is_qualified
        else SignatureLevel.ENHANCED_UNQUALIFIED
    )


def document_versions_info(document: Document) -> list[dict]:
    """The chain of versions of ``document`` (see ``document_versions``) as plain data."""
    from django.db.models import Count

    from signatures.services.documents import document_versions

    chain = document_versions(document)
    counts = dict(
        Document.objects.filter(pk__in=[d.pk for d in chain])
        .annotate(n=Count("signatures"))
        .values_list("pk", "n")
    )
    return [
        {
            "verification_code": version.verification_code,
            "verification_url": verification_url(version),
            "sha256": version.sha256,
            "created_at": version.created_at,
            "signature_count": counts.get(version.pk, 0),
            "is_this": version.pk == document.pk,
            "is_latest": index == len(chain) - 1,
        }
        for index, version in enumerate(chain)
    ]


def verification_url(document: Document) -> str:
    from signatures.services.documents import verification_url_for_code

    return verification_url_for_code(document.verification_code)
