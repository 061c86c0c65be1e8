"""Cryptographic checks of detached CMS signatures, behind a small pluggable interface.

A :class:`Verifier` answers two questions about a CMS (PKCS #7 ``SignedData``) signature over
some content: which certificate signed it, and whether the maths holds (the ``messageDigest``
signed attribute equals the content's digest, and the signature over the signed attributes is
valid for the signer's public key). It does **not** decide trust, revocation or the level: that
is :mod:`signatures.services.verification`, which works on the :class:`CmsCheck` it gets back.

The registry holds verifiers in order; the first whose :meth:`Verifier.supports` accepts the
signer's certificate does the check. :class:`DefaultVerifier` handles RSA (PKCS #1 v1.5 and
PSS) and ECDSA with SHA-2, using asn1crypto to parse and ``cryptography`` to verify.

Kyrgyz qualified certificates may use GOST algorithms (GOST R 34.10-2012 signatures with
GOST R 34.11-2012 "Streebog" digests), which neither ``cryptography`` nor OpenSSL's default
provider implement. A GOST-capable verifier (for example one wrapping a certified CSP, or
``pygost``) is added later without touching the verification service::

    from signatures.verifiers import Verifier, register_verifier

    class GostVerifier(Verifier):
        def supports(self, cert): return cert.public_key.algorithm.startswith("gost")
        def verify_cms(self, cms_der, content): ...

    register_verifier(GostVerifier(), first=True)   # e.g. in an AppConfig.ready()
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

# asn1crypto builds its OID name maps on first use: the modules that register extra CMS
# attribute types (timestamps, signing-certificate-v2, CAdES attributes) must be imported before
# anything parses a CMS, or pyHanko later fails on names the cached map does not know.
import pyhanko.sign.ades.cades_asn1  # noqa: F401
import pyhanko.sign.general  # noqa: F401
from asn1crypto import cms as asn1_cms
from asn1crypto import tsp  # noqa: F401
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key

HASHES = {
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
    "sha3_256": hashes.SHA3_256,
    "sha3_384": hashes.SHA3_384,
    "sha3_512": hashes.SHA3_512,
}


class CmsFormatError(ValueError):
    """The bytes are not a CMS SignedData structure we can read."""


class UnsupportedAlgorithm(ValueError):
    """No registered verifier handles the signer's algorithm (e.g. GOST without a plug-in)."""


@dataclass
class CmsCheck:
    """What a verifier found in one CMS signature (the first SignerInfo)."""

    signer_certificate: asn1_x509.Certificate | None
    certificates: list[asn1_x509.Certificate] = field(default_factory=list)
    signing_time: datetime | None = None  # claimed by the signer (signed attribute)
    digest_algorithm: str = ""
    signature_algorithm: str = ""
    message_digest_ok: bool = False
    signature_ok: bool = False
    content_embedded: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.signer_certificate is not None and self.message_digest_ok and self.signature_ok


class Verifier:
    """Interface: check the cryptography of a detached CMS signature over ``content``."""

    name = "abstract"

    def supports(self, cert: asn1_x509.Certificate) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def verify_cms(self, cms_der: bytes, content: bytes) -> CmsCheck:  # pragma: no cover
        raise NotImplementedError


def parse_signed_data(cms_der: bytes) -> asn1_cms.SignedData:
    """The SignedData of a DER (or PEM-armoured) CMS ContentInfo; CmsFormatError otherwise."""
    data = cms_der.strip() if cms_der[:1] == b"-" else cms_der
    if data.startswith(b"-----BEGIN"):
        from asn1crypto import pem

        _, _, data = pem.unarmor(data)
    try:
        info = asn1_cms.ContentInfo.load(data)
        if info["content_type"].native != "signed_data":
            raise CmsFormatError("not a SignedData")
        signed_data = info["content"]
        signed_data.native  # noqa: B018 - force a full parse so broken DER fails here
    except CmsFormatError:
        raise
    except Exception as exc:  # asn1crypto raises several types on malformed input
        raise CmsFormatError(str(exc)) from exc
    return signed_data


def embedded_certificates(signed_data: asn1_cms.SignedData) -> list[asn1_x509.Certificate]:
    certs = []
    for choice in signed_data["certificates"] or []:
        if choice.name == "certificate":
            certs.append(choice.chosen)
    return certs


def find_signer_certificate(
    signer_info: asn1_cms.SignerInfo, certs: list[asn1_x509.Certificate]
) -> asn1_x509.Certificate | None:
    sid = signer_info["sid"]
    for cert in certs:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                cert.serial_number == wanted["serial_number"].native
                and cert.issuer == wanted["issuer"]
            ):
                return cert
        elif sid.name == "subject_key_identifier":
            if cert.key_identifier == sid.chosen.native:
                return cert
    return None


def _signed_attr(signed_attrs, name: str):
    for attr in signed_attrs or []:
        if attr["type"].native == name:
            values = attr["values"]
            return values[0] if len(values) else None
    return None


class DefaultVerifier(Verifier):
    """RSA (PKCS #1 v1.5, PSS) and ECDSA signatures with SHA-2/SHA-3 digests."""

    name = "rsa-ecdsa"

    def supports(self, cert: asn1_x509.Certificate) -> bool:
        return cert.public_key.algorithm in ("rsa", "rsassa_pss", "ec")

    def verify_cms(self, cms_der: bytes, content: bytes) -> CmsCheck:
        signed_data = parse_signed_data(cms_der)
        certs = embedded_certificates(signed_data)
        infos = signed_data["signer_infos"]
        if not len(infos):
            raise CmsFormatError("no SignerInfo")
        signer_info = infos[0]
        signer_cert = find_signer_certificate(signer_info, certs)
        check = CmsCheck(signer_certificate=signer_cert, certificates=certs)
        check.digest_algorithm = signer_info["digest_algorithm"]["algorithm"].native
        check.signature_algorithm = signer_info["signature_algorithm"].signature_algo
        embedded = signed_data["encap_content_info"]["content"].native
        check.content_embedded = embedded is not None
        if embedded is not None and embedded != content:
            check.problems.append("embedded content differs from the document")
        if signer_cert is None:
            check.problems.append("the signer's certificate is not in the CMS")
            return check
        hash_cls = HASHES.get(check.digest_algorithm)
        if hash_cls is None:
            raise UnsupportedAlgorithm(check.digest_algorithm)
        digest = hashlib.new(hash_cls.name, content).digest()
        signed_attrs = signer_info["signed_attrs"]
        if signed_attrs is not None and len(signed_attrs):
            claimed = _signed_attr(signed_attrs, "message_digest")
            check.message_digest_ok = claimed is not None and claimed.native == digest
            when = _signed_attr(signed_attrs, "signing_time")
            check.signing_time = when.native if when is not None else None
            # RFC 5652 §5.4: the signature covers the DER of the attributes as a SET OF.
            to_verify = b"\x31" + signed_attrs.dump()[1:]
        else:
            check.message_digest_ok = True  # the signature itself covers the content
            to_verify = content
        check.signature_ok = self._verify_raw(
            signer_cert, signer_info, signer_info["signature"].native, to_verify, hash_cls
        )
        if not check.message_digest_ok:
            check.problems.append("message digest mismatch")
        if not check.signature_ok:
            check.problems.append("signature value does not verify")
        return check

    @staticmethod
    def _verify_raw(cert, signer_info, signature: bytes, data: bytes, hash_cls) -> bool:
        public_key = load_der_public_key(cert.public_key.dump())
        algo = signer_info["signature_algorithm"]
        try:
            if isinstance(public_key, rsa.RSAPublicKey):
                if algo["algorithm"].native == "rsassa_pss":
                    params = algo["parameters"]
                    pss_hash = HASHES[params["hash_algorithm"]["algorithm"].native]()
                    pad = padding.PSS(
                        mgf=padding.MGF1(pss_hash), salt_length=params["salt_length"].native
                    )
                    public_key.verify(signature, data, pad, pss_hash)
                else:
                    public_key.verify(signature, data, padding.PKCS1v15(), hash_cls())
            elif isinstance(public_key, ec.EllipticCurvePublicKey):
                public_key.verify(signature, data, ec.ECDSA(hash_cls()))
            else:
                return False
        except (InvalidSignature, ValueError, KeyError):
            return False
        return True


_REGISTRY: list[Verifier] = [DefaultVerifier()]


def register_verifier(verifier: Verifier, *, first: bool = False) -> None:
    """Add a verifier (e.g. GOST); ``first=True`` lets it take precedence."""
    if first:
        _REGISTRY.insert(0, verifier)
    else:
        _REGISTRY.append(verifier)


def registered_verifiers() -> list[Verifier]:
    return list(_REGISTRY)


def verify_cms(cms_der: bytes, content: bytes) -> CmsCheck:
    """Check ``cms_der`` over ``content`` with the first verifier that supports its signer.

    Raises CmsFormatError for unreadable input and UnsupportedAlgorithm when no registered
    verifier handles the signer's key (the caller reports that as INDETERMINATE)."""
    signed_data = parse_signed_data(cms_der)
    infos = signed_data["signer_infos"]
    if not len(infos):
        raise CmsFormatError("no SignerInfo")
    signer = find_signer_certificate(infos[0], embedded_certificates(signed_data))
    if signer is None:
        return CmsCheck(
            signer_certificate=None,
            certificates=embedded_certificates(signed_data),
            problems=["the signer's certificate is not in the CMS"],
        )
    for verifier in _REGISTRY:
        if verifier.supports(signer):
            return verifier.verify_cms(cms_der, content)
    raise UnsupportedAlgorithm(signer.public_key.algorithm)
