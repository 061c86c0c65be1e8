"""Simple electronic signatures (C1) and handwritten signatures registered from a scan (B8).

A simple signature is a record that a given person, after re-confirming with their password or
a one-time code sent to their corporate e-mail, signed the document whose SHA-256 is kept on
the record. The record is sealed with a server key (HMAC-SHA256 over a canonical serialization
of every field that matters), so a later change to the record — or to the stored document,
whose bytes must still hash to the recorded SHA-256 — shows on verification.

Who must sign a document is decided by the app the document belongs to (hr_edo, portal); this
module checks that the signer may see the document (its creator, an earlier signer, a holder of
``signatures.view_document`` globally or on that document — see ``signatures.selectors``), is
active, has accepted the agreement on electronic interaction in force and proves who they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services.agreement import (
    agreement_current_version_number,
    agreement_has_accepted,
)
from kstu.mail import mail_user_on_commit
from signatures.models import Document, Signature, SignatureLevel, SigningCode
from signatures.services.documents import (
    document_read,
    document_unchanged,
    request_meta,
    sha256_hex,
    signature_audit,
    signature_next_position,
)

SEAL_VERSION = "v1"
CODE_DIGITS = 6
CODE_MAX_ATTEMPTS = 5
CODES_PER_HOUR = 5
PASSWORD_MAX_FAILURES = 5
PASSWORD_FAILURE_WINDOW_SECONDS = 15 * 60

TOTAL_PASSED = "TOTAL-PASSED"
TOTAL_FAILED = "TOTAL-FAILED"
INDETERMINATE = "INDETERMINATE"
HANDWRITTEN = "HANDWRITTEN"
HASH_FAILURE = "HASH_FAILURE"
SIG_CRYPTO_FAILURE = "SIG_CRYPTO_FAILURE"

METHODS = (Signature.Method.PASSWORD, Signature.Method.ONE_TIME_CODE)


# --------------------------------------------------------------------------- keys and seal


def _derived_key(label: str) -> bytes:
    """A key for one purpose: from SIGNATURE_SEAL_KEY, or from SECRET_KEY when that is unset.

    The label separates purposes (seal vs. code hashing), so one key never serves two.
    """
    base = getattr(settings, "SIGNATURE_SEAL_KEY", "") or ""
    if base:
        root = base.encode()
    else:
        root = hmac.new(
            settings.SECRET_KEY.encode(), b"kstu.signatures.seal-key-from-secret-key", "sha256"
        ).digest()
    return hmac.new(root, f"kstu.signatures.{label}".encode(), hashlib.sha256).digest()


def _normalized_ip(value) -> str:
    if not value:
        return ""
    try:
        return str(ipaddress.ip_address(str(value)))
    except ValueError:
        return str(value)


def _seal_payload(signature: Signature) -> bytes:
    signed_at = signature.signed_at
    if signed_at is not None:
        signed_at = signed_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    signer = signature.signer
    fields = {
        "seal": SEAL_VERSION,
        "document_id": signature.document_id,
        "document_sha256": signature.document_sha256,
        "signer_id": signature.signer_id,
        "signer_username": signer.get_username() if signer is not None else "",
        "signer_name": signature.signer_name,
        "level": signature.level,
        "method": signature.method,
        "signed_at": signed_at,
        "ip_address": _normalized_ip(signature.ip_address),
        "user_agent": signature.user_agent or "",
        "position": signature.position,
        "scan_id": signature.scan_id,
        "registered_by_id": signature.registered_by_id,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def seal_compute(signature: Signature) -> str:
    """HMAC-SHA256 (hex) over the canonical serialization of the signature record."""
    return hmac.new(_derived_key("seal"), _seal_payload(signature), hashlib.sha256).hexdigest()


def seal_valid(signature: Signature) -> bool:
    if not signature.seal:
        return False
    return hmac.compare_digest(seal_compute(signature), signature.seal)


# --------------------------------------------------------------------------- shared checks


def document_may_view(*, user, document: Document) -> bool:
    from signatures.selectors import document_visible_to

    return document_visible_to(user=user, document=document)


def _require_agreement(user) -> None:
    current = agreement_current_version_number()
    if current is None:
        raise ValidationError(
            _("No agreement on electronic interaction is in force: electronic signing is off.")
        )
    if not agreement_has_accepted(user=user, version_number=current):
        raise ValidationError(
            _("Accept the agreement on electronic interaction before signing electronically.")
        )


def _require_signable(*, signer, document: Document) -> None:
    if signer is None or not signer.is_authenticated:
        raise PermissionDenied(_("Sign in to sign documents."))
    if not signer.is_active:
        raise PermissionDenied(_("This account is not active and cannot sign."))
    if not document_may_view(user=signer, document=document):
        raise PermissionDenied(_("You may not sign this document."))
    _require_agreement(signer)
    if Signature.objects.filter(
        document=document, signer=signer, level=SignatureLevel.SIMPLE
    ).exists():
        raise ValidationError(_("You have already signed this document."))


def _lock_document(document: Document) -> Document:
    return Document.objects.select_for_update().get(pk=document.pk)


# --------------------------------------------------------------------------- one-time codes


def _code_hash(*, user_id: int, document_id: int, code: str) -> str:
    message = f"{user_id}:{document_id}:{code}".encode()
    return hmac.new(_derived_key("signing-code"), message, hashlib.sha256).hexdigest()


def signing_code_active(*, user, document: Document) -> SigningCode | None:
    """The newest code of ``user`` for ``document`` that can still be used."""
    return (
        SigningCode.objects.filter(
            user=user,
            document=document,
            used_at__isnull=True,
            invalidated_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at", "-pk")
        .first()
    )


@transaction.atomic
def signing_code_send(*, user, document: Document, request=None) -> SigningCode:
    """Mail a fresh one-time code for signing ``document`` to the user's corporate e-mail.

    1. Check the user may sign the document (active, may see it, agreement accepted, not yet
       signed) and has a corporate e-mail.
    2. Refuse more than CODES_PER_HOUR codes per user per hour.
    3. Invalidate the user's earlier unused codes for this document.
    4. Store only an HMAC of the new code, valid for SIGNING_CODE_TTL_MINUTES.
    5. Mail the code in the user's language after commit.
    """
    _require_signable(signer=user, document=document)
    if not user.email:
        raise ValidationError(
            _("Your account has no corporate e-mail: sign with your password instead.")
        )
    now = timezone.now()
    # Lock the user's codes so two simultaneous requests cannot both pass the hourly limit.
    recent = list(
        SigningCode.objects.select_for_update()
        .filter(user=user, created_at__gte=now - timedelta(hours=1))
        .values_list("pk", flat=True)
    )
    if len(recent) >= CODES_PER_HOUR:
        raise ValidationError(_("Too many codes were requested in the last hour. Try again later."))
    # One save per code (not a bulk update) so each invalidation is in the history.
    for earlier in SigningCode.objects.select_for_update().filter(
        user=user, document=document, used_at__isnull=True, invalidated_at__isnull=True
    ):
        earlier.invalidated_at = now
        earlier.save(update_fields=["invalidated_at"])

    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    ttl = settings.SIGNING_CODE_TTL_MINUTES
    signing_code = SigningCode.objects.create(
        user=user,
        document=document,
        code_hash=_code_hash(user_id=user.pk, document_id=document.pk, code=code),
        created_at=now,
        expires_at=now + timedelta(minutes=ttl),
    )

    context = {
        "recipient": user,
        "document": document,
        "code": code,
        "ttl_minutes": ttl,
        "expires_at": signing_code.expires_at,
    }
    mail_user_on_commit(user, "signatures/email/code", context)
    return signing_code


# --------------------------------------------------------------------------- signing


def _password_failures_key(user_id: int) -> str:
    return f"signatures:simple:password-failures:{user_id}"


def _check_password(signer, secret: str) -> str | None:
    """None when the password is right, else the message to show."""
    key = _password_failures_key(signer.pk)
    if (cache.get(key) or 0) >= PASSWORD_MAX_FAILURES:
        return _("Too many wrong passwords. Sign with a one-time code or try again later.")
    if secret and signer.check_password(secret):
        cache.delete(key)
        return None
    cache.add(key, 0, PASSWORD_FAILURE_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, PASSWORD_FAILURE_WINDOW_SECONDS)
    return _("The password is wrong.")


def _check_code(signer, document: Document, secret: str) -> tuple[SigningCode | None, str | None]:
    """(the code to mark used, None) when the code is right, else (None, message).

    A wrong code counts an attempt on the newest valid code; the CODE_MAX_ATTEMPTS-th wrong
    attempt invalidates it. The caller commits these changes even though signing fails.
    """
    code_row = (
        SigningCode.objects.select_for_update()
        .filter(
            user=signer,
            document=document,
            used_at__isnull=True,
            invalidated_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if code_row is None:
        return None, _("There is no valid code for this document: ask for a new one.")
    expected = _code_hash(user_id=signer.pk, document_id=document.pk, code=(secret or "").strip())
    if hmac.compare_digest(expected, code_row.code_hash):
        return code_row, None
    code_row.attempts += 1
    if code_row.attempts >= CODE_MAX_ATTEMPTS:
        code_row.invalidated_at = timezone.now()
        code_row.save(update_fields=["attempts", "invalidated_at"])
        return None, _(
            "The code is wrong. Too many attempts: this code no longer works, ask for a new one."
        )
    code_row.save(update_fields=["attempts"])
    return None, _("The code is wrong.")


def simple_sign(*, signer, document: Document, method: str, secret: str, request=None) -> Signature:
    """Sign ``document`` with a simple signature of ``signer``, confirmed by ``secret``.

    1. Lock the document row (positions on the sheet are handed out one at a time).
    2. Check the signer: active, may see the document, accepted the agreement in force, has not
       signed it simply yet; and that the stored bytes still hash to the document's SHA-256.
    3. Check the secret: the signer's password, or the newest valid one-time code (a wrong code
       counts an attempt, which is kept although signing fails; the code is single-use).
    4. Create the signature with the document's SHA-256, the network address and browser, the
       next position, and its seal; record the SIGNATURE audit event.
    Wrong secrets raise ValidationError after the attempt count has been saved.
    """
    if method not in METHODS:
        raise ValidationError(_("Choose how to confirm the signature."))
    failure: str | None = None
    with transaction.atomic():
        document = _lock_document(document)
        _require_signable(signer=signer, document=document)
        if not document_unchanged(document):
            raise ValidationError(
                _("The stored document no longer matches its fingerprint and cannot be signed.")
            )
        code_row = None
        if method == Signature.Method.PASSWORD:
            failure = _check_password(signer, secret)
        else:
            code_row, failure = _check_code(signer, document, secret)
        if failure is None:
            ip, agent = request_meta(request)
            now = timezone.now()
            if code_row is not None:
                code_row.used_at = now
                code_row.save(update_fields=["used_at"])
            signature = Signature(
                document=document,
                position=signature_next_position(document),
                level=SignatureLevel.SIMPLE,
                method=method,
                signer=signer,
                signed_at=now,
                document_sha256=document.sha256,
                ip_address=ip,
                user_agent=agent,
            )
            signature.seal = seal_compute(signature)
            signature.save()
            signature_audit(signature, actor=signer, request=request)
    if failure is not None:
        raise ValidationError(failure, code="wrong_secret")
    return signature


# --------------------------------------------------------------------------- verification


def document_stored_sha256(document: Document) -> str | None:
    try:
        return sha256_hex(document_read(document))
    except (FileNotFoundError, ValueError):
        return None


def simple_signature_verify(signature: Signature, *, stored_sha256: str | None = None) -> dict:
    """The verdict on one simple (or handwritten) signature, for the sheet and the report.

    TOTAL-FAILED with SIG_CRYPTO_FAILURE when the record's seal does not match, with
    HASH_FAILURE when the stored bytes or the document's SHA-256 differ from the signed one;
    otherwise TOTAL-PASSED for a simple signature and INDETERMINATE / HANDWRITTEN for a
    handwritten one (intact record, but nothing cryptographic to check).

    ``stored_sha256`` may be passed by a caller that verifies several signatures of the same
    document, so the file is read once. A key-compromise report (codes invalidated) changes
    nothing for signatures made before: only the seal and the document bytes are checked.
    """
    document = signature.document
    if stored_sha256 is None:
        stored_sha256 = document_stored_sha256(document)
    seal_ok = seal_valid(signature)
    unchanged = (
        stored_sha256 is not None
        and stored_sha256 == signature.document_sha256
        and document.sha256 == signature.document_sha256
    )
    messages = []
    if not seal_ok:
        # The record itself was altered (or sealed with another key): nothing on it is trusted.
        indication, sub_indication = TOTAL_FAILED, SIG_CRYPTO_FAILURE
        messages.append(_("The signature record was changed after signing."))
    elif not unchanged:
        indication, sub_indication = TOTAL_FAILED, HASH_FAILURE
        messages.append(_("The document was changed after signing."))
    elif signature.level == SignatureLevel.HANDWRITTEN:
        # The record and the document are intact, but a paper signature cannot be checked
        # cryptographically: the scan and who registered it are what the sheet can show.
        indication, sub_indication = INDETERMINATE, HANDWRITTEN
    else:
        indication, sub_indication = TOTAL_PASSED, ""
    return {
        "level": signature.level,
        "method": signature.method,
        "signer": signature.signer,
        "signer_name": (
            signature.signer.get_full_name() or signature.signer.get_username()
            if signature.signer is not None
            else signature.signer_name
        ),
        "signed_at": signature.signed_at,
        "seal_ok": seal_ok,
        "document_unchanged": unchanged,
        "document_sha256": signature.document_sha256,
        "indication": indication,
        "sub_indication": sub_indication,
        "messages": messages,
    }


# --------------------------------------------------------------------------- handwritten (B8)


def _may_register_handwritten(actor) -> bool:
    return bool(
        actor
        and actor.is_authenticated
        and actor.is_active
        and (actor.is_superuser or actor.has_perm("signatures.add_signature"))
    )


@transaction.atomic
def handwritten_register(
    *,
    actor,
    document: Document,
    signer=None,
    signer_name: str = "",
    signed_on: dt.date | dt.datetime,
    scan: Document,
    request=None,
) -> Signature:
    """Put a handwritten signature, made on paper and recorded from ``scan``, on the sheet.

    ``signer`` is the account of the person who signed by hand, or ``signer_name`` when they
    have none. ``signed_on`` is the day (or moment) of the handwritten signature.
    """
    if not _may_register_handwritten(actor):
        raise PermissionDenied(_("You may not register handwritten signatures."))
    signer_name = (signer_name or "").strip()
    if signer is None and not signer_name:
        raise ValidationError(_("Name the person who signed by hand."))
    if signer is not None and not signer_name:
        signer_name = signer.get_full_name() or signer.get_username()
    if scan is None or scan.pk == document.pk:
        raise ValidationError(_("Attach the scan of the signed paper as a separate file."))
    if isinstance(signed_on, dt.datetime):
        signed_at = signed_on if timezone.is_aware(signed_on) else timezone.make_aware(signed_on)
    else:
        signed_at = timezone.make_aware(dt.datetime.combine(signed_on, dt.time.min))
    if signed_at > timezone.now():
        raise ValidationError(_("The date of the handwritten signature cannot be in the future."))

    document = _lock_document(document)
    signature = Signature(
        document=document,
        position=signature_next_position(document),
        level=SignatureLevel.HANDWRITTEN,
        method=Signature.Method.SCAN,
        signer=signer,
        signer_name=signer_name[:255],
        signed_at=signed_at,
        document_sha256=document.sha256,
        scan=scan,
        registered_by=actor,
    )
    signature.seal = seal_compute(signature)
    signature.save()
    signature_audit(
        signature,
        actor=actor,
        request=request,
        signer_id=signer.pk if signer is not None else None,
        signer_name=signer_name,
        scan_id=scan.pk,
    )
    return signature
