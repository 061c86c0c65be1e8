"""Test PKI made with real keys: roots, intermediates, leaves, CSRs and CRLs.

Stable API (other signature tests rely on it):

- ``make_root(name, qualified=False, *, key_type="ec", days=3650, not_before=None)``
  -> ``(key, cert)``: a self-signed CA (basicConstraints CA:TRUE, keyCertSign + cRLSign).
  ``qualified`` only adds an ``O=... (qualified)`` marker to the subject; whether an anchor is
  qualified lives in ``TrustAnchor.is_qualified``.
- ``make_intermediate(issuer_key, issuer_cert, name, *, path_length=0, not_before=None,
  not_after=None, key_type="ec")`` -> ``(key, cert)``.
- ``make_leaf(issuer_key, issuer_cert, common_name, not_before=None, not_after=None, *,
  non_repudiation=True, digital_signature=True, key_type="ec", key=None, email=None,
  serial=None, crl_url=None, extra_name=())`` -> ``(key, cert)``.
- ``make_crl(issuer_key, issuer_cert, revoked=(), *, last_update=None, next_update=None)``
  -> ``x509.CertificateRevocationList``; ``revoked`` is a list of ``(serial, when)`` or
  ``(serial, when, x509.ReasonFlags)``; ``serial`` may be an int or a certificate.
- ``make_key(key_type="ec")`` -> private key (``"ec"`` P-256, ``"ec384"`` P-384,
  ``"rsa"`` 2048, ``"rsa1024"`` weak RSA for refusal tests).
- ``make_csr(key, common_name="anything")`` -> PEM ``str``;
  ``tamper_csr(csr_pem)`` -> PEM ``str`` whose signature no longer verifies.
- ``cert_pem(cert)`` / ``key_pem(key)`` -> ``str``; ``crl_der(crl)`` -> ``bytes``.
- ``verify_signed_by(cert_or_crl, issuer_cert)`` -> None or raises (InvalidSignature).
"""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

UTC = dt.UTC


def _now() -> dt.datetime:
    return dt.datetime.now(UTC).replace(microsecond=0)


def make_key(key_type: str = "ec"):
    if key_type in ("ec", "ec256"):
        return ec.generate_private_key(ec.SECP256R1())
    if key_type == "ec384":
        return ec.generate_private_key(ec.SECP384R1())
    if key_type == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if key_type == "rsa1024":
        return rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 — weak on purpose
    raise ValueError(key_type)


def _name(common_name: str, organization: str | None = None, extra=()) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "KG")]
    if organization:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    attrs.extend(extra)
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


def _ski_aki(builder, public_key, issuer_cert=None):
    builder = builder.add_extension(
        x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False
    )
    if issuer_cert is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_cert.public_key()),
            critical=False,
        )
    return builder


def _ca_usage():
    return x509.KeyUsage(
        digital_signature=False,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def make_root(
    name: str,
    qualified: bool = False,
    *,
    key_type: str = "ec",
    days: int = 3650,
    not_before: dt.datetime | None = None,
):
    key = make_key(key_type)
    start = not_before or (_now() - dt.timedelta(days=1))
    subject = _name(name, f"{name} (qualified)" if qualified else name)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_ca_usage(), critical=True)
    )
    builder = _ski_aki(builder, key.public_key())
    return key, builder.sign(key, hashes.SHA256())


def make_intermediate(
    issuer_key,
    issuer_cert,
    name: str,
    *,
    path_length: int | None = 0,
    not_before=None,
    not_after=None,
    key_type: str = "ec",
):
    key = make_key(key_type)
    start = not_before or (_now() - dt.timedelta(days=1))
    end = not_after or (start + dt.timedelta(days=1825))
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(name, name))
        .issuer_name(issuer_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(_ca_usage(), critical=True)
    )
    builder = _ski_aki(builder, key.public_key(), issuer_cert)
    return key, builder.sign(issuer_key, hashes.SHA256())


def make_leaf(
    issuer_key,
    issuer_cert,
    common_name: str,
    not_before=None,
    not_after=None,
    *,
    non_repudiation: bool = True,
    digital_signature: bool = True,
    key_type: str = "ec",
    key=None,
    email: str | None = None,
    serial: int | None = None,
    crl_url: str | None = None,
    extra_name=(),
):
    key = key or make_key(key_type)
    start = not_before or (_now() - dt.timedelta(hours=1))
    end = not_after or (start + dt.timedelta(days=365))
    extra = list(extra_name)
    if email:
        extra.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, None, extra))
        .issuer_name(issuer_cert.subject)
        .public_key(key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=digital_signature,
                content_commitment=non_repudiation,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
    )
    if crl_url:
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(crl_url)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    builder = _ski_aki(builder, key.public_key(), issuer_cert)
    return key, builder.sign(issuer_key, hashes.SHA256())


def make_crl(issuer_key, issuer_cert, revoked=(), *, last_update=None, next_update=None):
    last = last_update or (_now() - dt.timedelta(minutes=1))
    nxt = next_update or (last + dt.timedelta(days=1))
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer_cert.subject)
        .last_update(last)
        .next_update(nxt)
    )
    for item in revoked:
        serial, when, *rest = item
        if isinstance(serial, x509.Certificate):
            serial = serial.serial_number
        entry = x509.RevokedCertificateBuilder().serial_number(int(serial)).revocation_date(when)
        if rest and rest[0] is not None:
            entry = entry.add_extension(x509.CRLReason(rest[0]), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    return builder.sign(issuer_key, hashes.SHA256())


def make_csr(key, common_name: str = "anything") -> str:
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .sign(key, hashes.SHA256())
    )
    return csr.public_bytes(serialization.Encoding.PEM).decode()


def tamper_csr(csr_pem: str) -> str:
    """The same CSR with one byte of its signature flipped."""
    der = bytearray(
        x509.load_pem_x509_csr(csr_pem.encode()).public_bytes(serialization.Encoding.DER)
    )
    der[-3] ^= 0x01
    import base64
    import textwrap

    body = "\n".join(textwrap.wrap(base64.b64encode(bytes(der)).decode(), 64))
    return f"-----BEGIN CERTIFICATE REQUEST-----\n{body}\n-----END CERTIFICATE REQUEST-----\n"


def cert_pem(cert) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def key_pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def crl_der(crl) -> bytes:
    return crl.public_bytes(serialization.Encoding.DER)


def verify_signed_by(obj, issuer_cert) -> None:
    """Raise ``cryptography.exceptions.InvalidSignature`` unless ``obj`` (certificate or CRL)
    was signed by ``issuer_cert``'s key."""
    public_key = issuer_cert.public_key()
    if isinstance(obj, x509.CertificateRevocationList):
        if not obj.is_signature_valid(public_key):
            from cryptography.exceptions import InvalidSignature

            raise InvalidSignature("CRL signature does not verify")
        return
    if isinstance(public_key, rsa.RSAPublicKey):
        public_key.verify(
            obj.signature,
            obj.tbs_certificate_bytes,
            padding.PKCS1v15(),
            obj.signature_hash_algorithm,
        )
    elif isinstance(public_key, ec.EllipticCurvePublicKey):
        public_key.verify(
            obj.signature, obj.tbs_certificate_bytes, ec.ECDSA(obj.signature_hash_algorithm)
        )
    else:  # pragma: no cover
        obj.verify_directly_issued_by(issuer_cert)
