"""Certificate requests (C2, EDO 5.5): an employee asks for a certificate for a key they hold.

The key is made in the employee's browser (WebCrypto; kept in that browser encrypted under a PIN;
``static/js/browser-keys.js``) or with their own tool; only the certificate signing request
comes here. The digital-infrastructure service issues it through ``certificate_issue`` (the
subject comes from the account, not from the request) or refuses it with a reason.

State changes: ``certificate_request_submit``, ``certificate_request_issue``,
``certificate_request_reject``. Reads: ``certificate_requests_for_user``,
``certificate_requests_pending``, ``certificate_request_get_for_handler``.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kstu.mail import mail_user_on_commit
from signatures import ca
from signatures.models import CertificateRequest
from signatures.services.ca import (
    absolute_url,
    can_issue_certificates,
    certificate_issue,
    it_department_members,
)

EMPLOYEE_KINDS = ("employee", "teacher")


def public_key_fingerprint(public_key) -> str:
    """SHA-256 (hex) of the DER SubjectPublicKeyInfo: the same in a CSR, a certificate and the
    browser's ``crypto.subtle.exportKey("spki", …)``."""
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def _key_description(public_key) -> str:
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return {"secp256r1": "EC P-256", "secp384r1": "EC P-384"}.get(
            public_key.curve.name, public_key.curve.name
        )
    if isinstance(public_key, rsa.RSAPublicKey):
        return f"RSA {public_key.key_size}"
    return type(public_key).__name__


def may_request_certificate(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.kind in EMPLOYEE_KINDS)


@transaction.atomic
def certificate_request_submit(*, user, csr_pem: str | bytes, origin: str) -> CertificateRequest:
    """1. Employees and teachers with an active account may ask.
    2. The request's self-signature must verify (possession of the key) and the key must be one
       the CA accepts; the subject in it is ignored.
    3. A newer request replaces one still waiting (the older is marked withdrawn).
    4. The digital-infrastructure service is told by e-mail — once per waiting request, so
       replacing it does not mail them again."""
    if not may_request_certificate(user):
        raise PermissionDenied(_("Only employees with an active account request certificates."))
    if origin not in CertificateRequest.Origin.values:
        raise ValidationError(_("Say how the key was made."))
    try:
        csr = ca.load_csr(csr_pem)
        ca.check_public_key(csr.public_key())
    except ca.CAError as exc:
        raise ValidationError(str(exc)) from exc
    fingerprint = public_key_fingerprint(csr.public_key())
    if CertificateRequest.objects.filter(
        user=user, key_fingerprint=fingerprint, status=CertificateRequest.Status.ISSUED
    ).exists():
        raise ValidationError(
            _("A certificate was already issued for this key. Make a new key for a new one.")
        )
    replaced = 0
    for older in CertificateRequest.objects.select_for_update().filter(
        user=user, status=CertificateRequest.Status.PENDING
    ):
        replaced += 1
        older.status = CertificateRequest.Status.WITHDRAWN
        older.handled_at = timezone.now()
        older._history_user = user
        older.save(update_fields=["status", "handled_at"])
    cert_request = CertificateRequest(
        user=user,
        csr_pem=csr.public_bytes(serialization.Encoding.PEM).decode(),
        key_fingerprint=fingerprint,
        key_description=_key_description(csr.public_key()),
        origin=origin,
    )
    cert_request._history_user = user
    cert_request.save()
    if replaced:
        return cert_request
    url = absolute_url("signatures:certificate_issue")
    for handler in it_department_members().exclude(pk=user.pk):
        mail_user_on_commit(
            handler,
            "signatures/email/certificate_request_new",
            {"cert_request": cert_request, "url": url},
        )
    return cert_request


def certificate_requests_for_user(*, user):
    return CertificateRequest.objects.filter(user=user).select_related("certificate")[:20]


def certificate_requests_pending(*, actor):
    if not can_issue_certificates(actor):
        raise PermissionDenied(_("Only the digital-infrastructure service issues certificates."))
    return (
        CertificateRequest.objects.filter(status=CertificateRequest.Status.PENDING)
        .select_related("user", "user__department", "user__position")
        .order_by("created_at")
    )


def certificate_request_get_for_handler(*, actor, request_id: int) -> CertificateRequest:
    if not can_issue_certificates(actor):
        raise PermissionDenied(_("Only the digital-infrastructure service issues certificates."))
    cert_request = (
        CertificateRequest.objects.select_for_update().select_related("user").filter(pk=request_id)
    ).first()
    if cert_request is None:
        raise Http404
    return cert_request


def _require_pending(cert_request: CertificateRequest) -> None:
    if cert_request.status != CertificateRequest.Status.PENDING:
        raise ValidationError(_("This request has already been handled."))


def _close(cert_request: CertificateRequest, *, actor, status: str, **fields) -> None:
    """Record the service's decision on a waiting request (with who and when)."""
    for name, value in {**fields, "status": status, "handled_by": actor}.items():
        setattr(cert_request, name, value)
    cert_request.handled_at = timezone.now()
    cert_request._history_user = actor
    cert_request.save(update_fields=[*fields, "status", "handled_by", "handled_at"])


@transaction.atomic
def certificate_request_issue(*, actor, request_id: int, request=None) -> CertificateRequest:
    """Issue the certificate asked for (``certificate_issue`` checks the rights, the account
    and the key again) and tell the employee."""
    cert_request = certificate_request_get_for_handler(actor=actor, request_id=request_id)
    _require_pending(cert_request)
    issued = certificate_issue(
        actor=actor, user=cert_request.user, csr_pem=cert_request.csr_pem, request=request
    )
    _close(cert_request, actor=actor, status=CertificateRequest.Status.ISSUED, certificate=issued)
    mail_user_on_commit(
        cert_request.user,
        "signatures/email/certificate_request_issued",
        {
            "cert_request": cert_request,
            "certificate": issued,
            "url": absolute_url("signatures:certificates"),
        },
    )
    return cert_request


@transaction.atomic
def certificate_request_reject(
    *, actor, request_id: int, reason: str, request=None
) -> CertificateRequest:
    """Refuse with a reason the employee reads (in the page and by e-mail)."""
    cert_request = certificate_request_get_for_handler(actor=actor, request_id=request_id)
    _require_pending(cert_request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the refusal: the employee will read it."))
    _close(
        cert_request, actor=actor, status=CertificateRequest.Status.REJECTED, reject_reason=reason
    )
    mail_user_on_commit(
        cert_request.user,
        "signatures/email/certificate_request_rejected",
        {"cert_request": cert_request, "url": absolute_url("signatures:certificate_request")},
    )
    return cert_request
