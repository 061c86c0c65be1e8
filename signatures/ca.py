"""Low-level X.509 helpers of the university certification authority (C2, EDO 5.5).

Nothing here touches the database: the services in ``signatures.services.ca`` decide who may do
what and record it; this module only makes and reads keys, certificates, CSRs and CRLs with
``cryptography``. The CA key lives in a file (path and passphrase from the environment), never
in the database.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.utils.translation import gettext as _

UNIVERSITY_NAME = "I. Razzakov KSTU"
CA_COMMON_NAME = "KSTU Certification Authority"
CA_VALIDITY_DAYS = 3650
ALLOWED_CURVES = (ec.SECP256R1, ec.SECP384R1)
MIN_RSA_BITS = 2048
MAX_CSR_BYTES = 64 * 1024


class CAError(Exception):
    """A problem a person can act on (bad CSR, weak key, CA not set up); the message says so."""


# --------------------------------------------------------------------------- small readers


_PRINTABLE = re.compile(r"[A-Za-z0-9 '()+,\-./:=?]+")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def fingerprint_sha256(cert: x509.Certificate) -> str:
    """Lower-case hex SHA-256 of the DER certificate (what the models store)."""
    return cert.fingerprint(hashes.SHA256()).hex()


def serial_to_str(serial: int) -> str:
    """The form ``IssuedCertificate.serial_number`` stores: lower-case hex, no separators."""
    return format(serial, "x")


def serial_from_str(value: str) -> int:
    return int(value, 16)


def subject_string(name: x509.Name) -> str:
    return name.rfc4514_string()[:500]


def cert_to_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def cert_to_der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def load_certificate(data: str | bytes) -> x509.Certificate:
    """A certificate from PEM or DER; ``CAError`` when it is neither."""
    raw = data.encode() if isinstance(data, str) else data
    try:
        if b"-----BEGIN" in raw:
            return x509.load_pem_x509_certificate(raw.strip())
        return x509.load_der_x509_certificate(raw)
    except ValueError as exc:
        raise CAError(_("This is not an X.509 certificate in PEM or DER form.")) from exc


def load_csr(data: str | bytes) -> x509.CertificateSigningRequest:
    """A CSR from PEM or DER whose self-signature verifies; ``CAError`` otherwise."""
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > MAX_CSR_BYTES:
        raise CAError(_("The certificate request is too large."))
    try:
        if b"-----BEGIN" in raw:
            csr = x509.load_pem_x509_csr(raw.strip())
        else:
            csr = x509.load_der_x509_csr(raw)
    except ValueError as exc:
        raise CAError(_("This is not a certificate signing request (PKCS#10).")) from exc
    try:
        valid = csr.is_signature_valid
    except (UnsupportedAlgorithm, ValueError) as exc:
        raise CAError(_("The request is signed with an algorithm the CA does not accept.")) from exc
    if not valid:
        raise CAError(
            _("The request's signature does not verify: it was changed or made with another key.")
        )
    return csr


def check_public_key(public_key) -> None:
    """Accept EC P-256/P-384 and RSA of at least 2048 bits; refuse everything else."""
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        if isinstance(public_key.curve, ALLOWED_CURVES):
            return
        raise CAError(_("Only the elliptic curves P-256 and P-384 are accepted."))
    if isinstance(public_key, rsa.RSAPublicKey):
        if public_key.key_size >= MIN_RSA_BITS:
            return
        raise CAError(
            _("The RSA key is too short: at least %(bits)s bits are required.")
            % {"bits": MIN_RSA_BITS}
        )
    raise CAError(_("Only EC (P-256, P-384) and RSA keys are accepted."))


# --------------------------------------------------------------------------- keys


def generate_key(key_type: str = "ec"):
    """A new private key: ``ec`` (P-256), ``ec384`` (P-384) or ``rsa`` (3072 bits)."""
    if key_type in ("ec", "ec256"):
        return ec.generate_private_key(ec.SECP256R1())
    if key_type == "ec384":
        return ec.generate_private_key(ec.SECP384R1())
    if key_type == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=3072)
    raise CAError(_("Unknown key type: %(type)s.") % {"type": key_type})


def private_key_to_pem(key, passphrase: str | bytes | None) -> bytes:
    """PKCS#8 PEM, encrypted with the best available scheme when a passphrase is given."""
    if passphrase:
        secret = passphrase.encode() if isinstance(passphrase, str) else passphrase
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(secret)
        )
    else:
        encryption = serialization.NoEncryption()
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def write_private_file(path: Path, content: bytes, *, overwrite: bool = False) -> None:
    """Write ``content`` so that only the owner can read it (0600 from the first byte)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    fd = os.open(path, flags, 0o600)
    try:
        os.write(fd, content)
    finally:
        os.close(fd)
    os.chmod(path, 0o600)  # an existing file keeps its old mode under O_TRUNC


# --------------------------------------------------------------------------- the CA itself


def ca_name() -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KG"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, UNIVERSITY_NAME),
            x509.NameAttribute(NameOID.COMMON_NAME, CA_COMMON_NAME),
        ]
    )


def build_ca_certificate(key, *, days: int = CA_VALIDITY_DAYS) -> x509.Certificate:
    """Self-signed: CA:TRUE with path length 0 (it issues only end-entity certificates)."""
    now = utcnow()
    name = ca_name()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(random_serial())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def ca_paths() -> tuple[Path, Path]:
    return Path(settings.KSTU_CA_CERT_PATH), Path(settings.KSTU_CA_KEY_PATH)


def load_ca_certificate() -> x509.Certificate:
    cert_path, _key_path = ca_paths()
    try:
        return load_certificate(cert_path.read_bytes())
    except FileNotFoundError as exc:
        raise CAError(_("The university CA is not set up yet (run “manage.py ca_init”).")) from exc


def load_ca() -> tuple[object, x509.Certificate]:
    """The CA's private key and certificate from the configured files."""
    cert = load_ca_certificate()
    _cert_path, key_path = ca_paths()
    passphrase = settings.KSTU_CA_KEY_PASSPHRASE or None
    try:
        key = serialization.load_pem_private_key(
            key_path.read_bytes(), password=passphrase.encode() if passphrase else None
        )
    except FileNotFoundError as exc:
        raise CAError(_("The university CA's key file is missing.")) from exc
    except (ValueError, TypeError) as exc:
        raise CAError(
            _("The university CA's key cannot be opened: check KSTU_CA_KEY_PASSPHRASE.")
        ) from exc
    if key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) != cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ):
        raise CAError(_("The university CA's key does not match its certificate."))
    return key, cert


# --------------------------------------------------------------------------- issuing


def random_serial() -> int:
    """A random positive 128-bit serial number (RFC 5280: at most 20 octets, unpredictable)."""
    return secrets.randbits(127) | (1 << 126)


def employee_name(*, full_name: str, login: str, email: str, department_code: str) -> x509.Name:
    """The subject the CA sets from the user's record — never the one in the CSR."""
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "KG"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, UNIVERSITY_NAME),
    ]
    if department_code:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, department_code))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, (full_name or login)[:64]))
    # serialNumber is a PrintableString (no "_" or "@"): only logins that fit go there; the
    # login itself is always in UID, which takes any text.
    if _PRINTABLE.fullmatch(login[:64]):
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, login[:64]))
    attrs.append(x509.NameAttribute(NameOID.USER_ID, login))
    if email:
        attrs.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    return x509.Name(attrs)


def build_end_entity_certificate(
    *,
    ca_key,
    ca_cert: x509.Certificate,
    public_key,
    subject: x509.Name,
    days: int,
    crl_url: str,
    ca_issuers_url: str,
    email: str = "",
    serial: int | None = None,
) -> x509.Certificate:
    """An employee's signing certificate: digitalSignature + nonRepudiation (critical),
    emailProtection, the CRL distribution point and the CA certificate's address."""
    check_public_key(public_key)
    now = utcnow()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(public_key)
        .serial_number(serial or random_serial())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(min(now + dt.timedelta(days=days), ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
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
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),
            critical=False,
        )
        .add_extension(
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
        .add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        x509.oid.AuthorityInformationAccessOID.CA_ISSUERS,
                        x509.UniformResourceIdentifier(ca_issuers_url),
                    )
                ]
            ),
            critical=False,
        )
    )
    if email:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False
        )
    return builder.sign(ca_key, hashes.SHA256())


# --------------------------------------------------------------------------- revocation lists


def build_crl(
    *,
    ca_key,
    ca_cert: x509.Certificate,
    entries: list[tuple[int, dt.datetime, str]],
    next_update_in: dt.timedelta = dt.timedelta(days=1),
    crl_number: int | None = None,
) -> x509.CertificateRevocationList:
    """A CRL of ``(serial, revoked_at, reason)``; ``reason`` is an RFC 5280 reason name as in
    ``x509.ReasonFlags`` (``keyCompromise``, ``superseded``…) or empty."""
    now = utcnow()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now)
        .next_update(now + next_update_in)
        .add_extension(x509.CRLNumber(crl_number or int(now.timestamp())), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),
            critical=False,
        )
    )
    for serial, revoked_at, reason in entries:
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(revoked_at.astimezone(dt.UTC))
        )
        if reason and reason != x509.ReasonFlags.unspecified.value:
            entry = entry.add_extension(x509.CRLReason(x509.ReasonFlags(reason)), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    return builder.sign(ca_key, hashes.SHA256())
