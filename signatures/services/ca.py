"""The university certification authority (C2, C5, B6; EDO 3.2.3, 5.5).

State changes: ``ca_initialize``, ``certificate_issue``, ``certificate_revoke``,
``key_compromise_report``. Reads: ``crl_der`` (cached), ``ca_certificate_der``,
``certificates_for_user``, ``certificate_get_for_holder``, ``certificate_get_for_viewer``.

Who: issuing and revoking is for the digital-infrastructure service (the ``it_department`` role
holds ``signatures.add_issuedcertificate`` / ``change_issuedcertificate``) or a superuser; a key
compromise is reported by the certificate's holder.
"""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AuthEvent
from audit.services import event_record
from kstu.mail import mail_user_on_commit, role_recipients
from kstu.net import client_ip
from signatures import ca
from signatures.models import IssuedCertificate, KeyCompromiseReport, SigningCode, TrustAnchor

IT_DEPARTMENT_ROLE = "it_department"
CRL_CACHE_KEY = "signatures:ca:crl:v1"
# Rebuilt on every revocation anyway; the timeout keeps the published CRL well before nextUpdate.
CRL_CACHE_SECONDS = 6 * 3600
CRL_NEXT_UPDATE = dt.timedelta(days=1)

REVOCATION_REASONS = [
    (x509.ReasonFlags.key_compromise.value, gettext_lazy("Key compromised or lost")),
    (x509.ReasonFlags.superseded.value, gettext_lazy("Superseded by a new certificate")),
    (x509.ReasonFlags.affiliation_changed.value, gettext_lazy("Holder's position changed")),
    (x509.ReasonFlags.cessation_of_operation.value, gettext_lazy("Holder left the university")),
    (x509.ReasonFlags.privilege_withdrawn.value, gettext_lazy("Right to sign withdrawn")),
    (x509.ReasonFlags.unspecified.value, gettext_lazy("Unspecified")),
]
_REASON_CODES = {code for code, _label in REVOCATION_REASONS}


# --------------------------------------------------------------------------- rights


def can_issue_certificates(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and (user.is_superuser or user.has_perm("signatures.add_issuedcertificate"))
    )


def can_revoke_certificates(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and (user.is_superuser or user.has_perm("signatures.change_issuedcertificate"))
    )


def can_view_certificates(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and (user.is_superuser or user.has_perm("signatures.view_issuedcertificate"))
    )


# --------------------------------------------------------------------------- reads


def certificates_for_user(*, user):
    return IssuedCertificate.objects.filter(user=user).order_by("-issued_at")


def certificate_get_for_holder(*, user, certificate_id: int) -> IssuedCertificate:
    """The user's own certificate: 404 when it does not exist, 403 when it is someone else's."""
    certificate = IssuedCertificate.objects.select_related("user").filter(pk=certificate_id).first()
    if certificate is None:
        raise Http404
    if certificate.user_id != user.pk:
        raise PermissionDenied(_("This is not your certificate."))
    return certificate


def certificate_get_for_viewer(*, user, certificate_id: int) -> IssuedCertificate:
    """The holder or the digital-infrastructure service may see (and download) a certificate."""
    certificate = IssuedCertificate.objects.select_related("user").filter(pk=certificate_id).first()
    if certificate is None:
        raise Http404
    if certificate.user_id != user.pk and not can_view_certificates(user):
        raise PermissionDenied(_("This is not your certificate."))
    return certificate


def absolute_url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def crl_url() -> str:
    return absolute_url("signatures:crl")


def ca_certificate_url() -> str:
    return absolute_url("signatures:ca_certificate")


def ca_certificate_der() -> bytes:
    return ca.cert_to_der(ca.load_ca_certificate())


def crl_rebuild() -> bytes:
    """Sign a fresh CRL from the revoked certificates and put it in the cache."""
    ca_key, ca_cert = ca.load_ca()
    issuer_fingerprint = ca.fingerprint_sha256(ca_cert)
    entries = []
    rows = IssuedCertificate.objects.filter(
        status=IssuedCertificate.Status.REVOKED, revoked_at__isnull=False
    ).values_list("serial_number", "revoked_at", "revocation_reason", "certificate_pem")
    for serial, revoked_at, reason, pem in rows.iterator():
        # Only what this CA key issued (after a CA re-key the old serials are not ours to list).
        issuer = ca.load_certificate(pem).issuer
        if issuer != ca_cert.subject:
            continue
        entries.append((ca.serial_from_str(serial), revoked_at, reason))
    crl = ca.build_crl(
        ca_key=ca_key, ca_cert=ca_cert, entries=entries, next_update_in=CRL_NEXT_UPDATE
    )
    der = crl.public_bytes(serialization.Encoding.DER)
    cache.set(CRL_CACHE_KEY, {"ca": issuer_fingerprint, "der": der}, CRL_CACHE_SECONDS)
    return der


def crl_der() -> bytes:
    """The current DER CRL (from the cache, rebuilt when missing or after a CA change)."""
    cached = cache.get(CRL_CACHE_KEY)
    if cached:
        try:
            current = ca.fingerprint_sha256(ca.load_ca_certificate())
        except ca.CAError:
            current = None
        if cached.get("ca") == current:
            return cached["der"]
    return crl_rebuild()


def _crl_changed() -> None:
    """Drop the cached CRL now (so nobody in this process serves the old one) and rebuild it
    once the revocation is committed."""
    cache.delete(CRL_CACHE_KEY)

    def _rebuild() -> None:
        try:
            crl_rebuild()
        except ca.CAError:  # the CA files are gone: the next request reports it
            cache.delete(CRL_CACHE_KEY)

    transaction.on_commit(_rebuild)


# --------------------------------------------------------------------------- setting up


@transaction.atomic
def ca_initialize(
    *, key_type: str = "ec", force: bool = False, insecure: bool = False, days: int | None = None
) -> TrustAnchor:
    """1. Refuse to overwrite the configured files unless ``force``.
    2. Refuse an unencrypted key unless DEBUG or ``insecure`` (a development machine).
    3. Make the key and the self-signed CA certificate; write the key 0600, then the certificate.
    4. Register the certificate in the trust list as the university CA (not qualified)."""
    cert_path, key_path = ca.ca_paths()
    existing = [str(path) for path in (cert_path, key_path) if path.exists()]
    if existing and not force:
        raise ca.CAError(
            _("The CA files already exist (%(files)s); use --force to replace them.")
            % {"files": ", ".join(existing)}
        )
    passphrase = settings.KSTU_CA_KEY_PASSPHRASE or ""
    if not passphrase and not (settings.DEBUG or insecure):
        raise ca.CAError(
            _(
                "KSTU_CA_KEY_PASSPHRASE is not set: the CA key would be written unencrypted. "
                "Set it, or pass --insecure-dev on a development machine."
            )
        )
    key = ca.generate_key(key_type)
    cert = ca.build_ca_certificate(key, days=days or ca.CA_VALIDITY_DAYS)
    ca.write_private_file(key_path, ca.private_key_to_pem(key, passphrase), overwrite=force)
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    cache.delete(CRL_CACHE_KEY)
    anchor, _created = TrustAnchor.objects.update_or_create(
        fingerprint_sha256=ca.fingerprint_sha256(cert),
        defaults={
            "name": ca.CA_COMMON_NAME,
            "kind": TrustAnchor.Kind.UNIVERSITY,
            "certificate_pem": ca.cert_to_pem(cert),
            "subject": ca.subject_string(cert.subject),
            "not_after": cert.not_valid_after_utc,
            "is_qualified": False,
            "crl_url": crl_url(),
            "is_active": True,
        },
    )
    return anchor


# --------------------------------------------------------------------------- issuing


def _subject_for(user) -> x509.Name:
    department = getattr(user, "department", None)
    return ca.employee_name(
        full_name=user.get_full_name(),
        login=user.get_username(),
        email=user.email or "",
        department_code=department.registration_code if department else "",
    )


@transaction.atomic
def certificate_issue(*, actor, user, csr_pem: str | bytes, request=None) -> IssuedCertificate:
    """1. Only the digital-infrastructure service (or a superuser) issues; only to active users.
    2. The CSR's signature must verify (it proves possession of the key) and its key must be
       EC P-256/P-384 or RSA ≥ 2048.
    3. The subject comes from the user's record, not from the CSR.
    4. Sign with the CA key, store the certificate, record the audit event."""
    if not can_issue_certificates(actor):
        raise PermissionDenied(_("Only the digital-infrastructure service issues certificates."))
    if not user.is_active:
        raise ValidationError(_("Certificates are issued only to active accounts."))
    try:
        csr = ca.load_csr(csr_pem)
        ca.check_public_key(csr.public_key())
        ca_key, ca_cert = ca.load_ca()
        cert = ca.build_end_entity_certificate(
            ca_key=ca_key,
            ca_cert=ca_cert,
            public_key=csr.public_key(),
            subject=_subject_for(user),
            days=settings.KSTU_CA_CERT_DAYS,
            crl_url=crl_url(),
            ca_issuers_url=ca_certificate_url(),
            email=user.email or "",
        )
    except ca.CAError as exc:
        raise ValidationError(str(exc)) from exc
    issued = IssuedCertificate.objects.create(
        user=user,
        serial_number=ca.serial_to_str(cert.serial_number),
        subject=ca.subject_string(cert.subject),
        certificate_pem=ca.cert_to_pem(cert),
        fingerprint_sha256=ca.fingerprint_sha256(cert),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        issued_by=actor,
    )
    event_record(
        action=AuthEvent.Action.CERTIFICATE_ISSUE,
        request=request,
        user=actor,
        target=issued,
        details={
            "event": "certificate_issued",
            "holder": user.get_username(),
            "serial": issued.serial_number,
            "fingerprint": issued.fingerprint_sha256,
            "not_after": issued.not_after.isoformat(),
        },
    )
    return issued


# --------------------------------------------------------------------------- revocation


def _revoke(certificate: IssuedCertificate, *, reason: str, revoked_at: dt.datetime) -> bool:
    """Mark revoked from ``revoked_at``; an earlier revocation time already recorded stays
    (a revocation never makes more signatures valid). Returns whether anything changed."""
    if certificate.status == IssuedCertificate.Status.REVOKED and certificate.revoked_at:
        if certificate.revoked_at <= revoked_at:
            return False
    certificate.status = IssuedCertificate.Status.REVOKED
    certificate.revoked_at = revoked_at
    certificate.revocation_reason = reason
    certificate.save(update_fields=["status", "revoked_at", "revocation_reason"])
    return True


@transaction.atomic
def certificate_revoke(
    *, actor, certificate: IssuedCertificate, reason: str, revoked_at=None, request=None
) -> IssuedCertificate:
    """Revoke ``certificate`` from ``revoked_at`` (now by default; never in the future)."""
    if not can_revoke_certificates(actor):
        raise PermissionDenied(_("Only the digital-infrastructure service revokes certificates."))
    if reason not in _REASON_CODES:
        raise ValidationError(_("Choose a revocation reason."))
    now = timezone.now()
    revoked_at = revoked_at or now
    if revoked_at > now:
        raise ValidationError(_("A certificate cannot be revoked from a future time."))
    certificate = IssuedCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == IssuedCertificate.Status.REVOKED and certificate.revoked_at:
        if certificate.revoked_at <= revoked_at:
            raise ValidationError(_("This certificate is already revoked."))
    _revoke(certificate, reason=reason, revoked_at=revoked_at)
    event_record(
        action=AuthEvent.Action.CERTIFICATE_REVOKE,
        request=request,
        user=actor,
        target=certificate,
        details={
            "event": "certificate_revoked",
            "holder_id": certificate.user_id,
            "serial": certificate.serial_number,
            "reason": reason,
            "revoked_at": revoked_at.isoformat(),
        },
    )
    _crl_changed()
    return certificate


@transaction.atomic
def key_compromise_report(
    *,
    user,
    certificate: IssuedCertificate | None,
    compromised_since: dt.datetime,
    description: str = "",
    request=None,
) -> KeyCompromiseReport:
    """The holder reports a lost or compromised key (B6, C5; EDO 3.2.3).

    1. Only the certificate's holder reports; the time is neither in the future nor before the
       certificate was valid.
    2. The certificate is revoked from that time with reason keyCompromise: signatures made
       later verify as REVOKED, earlier ones stay valid.
    3. The holder's unused one-time signing codes are invalidated (no simple signature with
       them either).
    4. The report is recorded and audited; the CRL is rebuilt and the digital-infrastructure
       service is mailed once the transaction commits."""
    if not user or not user.is_authenticated:
        raise PermissionDenied(_("Sign in to report a compromised key."))
    now = timezone.now()
    if timezone.is_naive(compromised_since):
        compromised_since = timezone.make_aware(compromised_since)
    if compromised_since > now:
        raise ValidationError(
            {"compromised_since": _("The compromise cannot start in the future.")}
        )
    if certificate is not None:
        certificate = IssuedCertificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.user_id != user.pk:
            raise PermissionDenied(_("Only the certificate's holder can report its key."))
        if compromised_since < certificate.not_before:
            start = timezone.localtime(certificate.not_before).strftime("%Y-%m-%d %H:%M")
            raise ValidationError(
                {
                    "compromised_since": _(
                        "The certificate was valid only from %(start)s: give that time or later."
                    )
                    % {"start": start}
                }
            )
    report = KeyCompromiseReport.objects.create(
        user=user,
        certificate=certificate,
        compromised_since=compromised_since,
        reported_at=now,
        description=description.strip(),
        ip_address=_client_ip(request),
    )
    revoked = False
    if certificate is not None:
        revoked = _revoke(
            certificate,
            reason=x509.ReasonFlags.key_compromise.value,
            revoked_at=compromised_since,
        )
    invalidated = 0
    for code in SigningCode.objects.select_for_update().filter(
        user=user, used_at__isnull=True, invalidated_at__isnull=True
    ):
        code.invalidated_at = now
        code.save(update_fields=["invalidated_at"])  # one by one: each change keeps its history
        invalidated += 1
    event_record(
        action=AuthEvent.Action.KEY_COMPROMISE,
        request=request,
        user=user,
        target=report,
        details={
            "event": "key_compromise",
            "certificate": certificate.serial_number if certificate else None,
            "compromised_since": compromised_since.isoformat(),
            "certificate_revoked": revoked,
            "signing_codes_invalidated": invalidated,
        },
    )
    if revoked:
        _crl_changed()
    _notify_it_department(report)
    return report


def _client_ip(request):
    return client_ip(request) if request is not None else None


def it_department_members():
    """Active members of the digital-infrastructure service with an e-mail address."""
    return role_recipients(IT_DEPARTMENT_ROLE)


def _notify_it_department(report: KeyCompromiseReport) -> None:
    recipients = it_department_members()
    context = {
        "report": report,
        "holder": report.user,
        "certificate": report.certificate,
        "url": absolute_url("admin:signatures_keycompromisereport_change", report.pk),
    }
    for recipient in recipients:
        mail_user_on_commit(recipient, "signatures/email/compromise", context)
