"""Documents to sign: bytes in private storage, their content type and SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from signatures.models import Document

ALLOWED_CONTENT_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "text/plain": ".txt",
    "application/xml": ".xml",
    "application/json": ".json",
}


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def verification_code_new() -> str:
    """A fresh code for a document's verification page (printed with a QR code)."""
    return secrets.token_urlsafe(12)


def verification_url_for_code(code: str) -> str:
    """The absolute address of the verification page of the document with ``code``."""
    from django.conf import settings
    from django.urls import reverse

    return settings.SITE_URL + reverse("signatures:verify_document", kwargs={"code": code})


def verification_qr_data_uri(url: str, *, scale: int = 3) -> str:
    """A QR code for ``url`` as an SVG data URI (for PDFs and pages; no external service)."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=scale)


def verification_print_context(code: str) -> dict:
    """What ``templates/pdf/base.html`` needs to print the QR code and address of the
    verification page of the document that will get ``code``."""
    url = verification_url_for_code(code)
    return {
        "verification_code": code,
        "verification_url": url,
        "verification_qr": verification_qr_data_uri(url),
    }


@transaction.atomic
def document_create(
    *,
    title: str,
    content: bytes,
    content_type: str,
    actor=None,
    owner_ref: str = "",
    verification_code: str | None = None,
    derived_from: Document | None = None,
) -> Document:
    """Store ``content`` privately and return its Document (SHA-256 computed here).

    ``verification_code`` lets a caller print the code (and its QR) in the content before the
    Document exists; ``derived_from`` links a version made from another one by adding a
    signature inside it (PAdES), so the code printed on the first version leads to the last.
    """
    from django.conf import settings

    if content_type not in ALLOWED_CONTENT_TYPES:
        raise ValidationError(_("This type of file cannot be signed here."))
    if not content:
        raise ValidationError(_("The document is empty."))
    if len(content) > settings.SIGNATURE_MAX_UPLOAD_BYTES:
        raise ValidationError(_("The document is too large."))
    name = get_valid_filename(title)[:80] or "document"
    document = Document(
        title=title,
        content_type=content_type,
        size=len(content),
        sha256=sha256_hex(content),
        created_by=actor,
        owner_ref=owner_ref,
        verification_code=verification_code or verification_code_new(),
        derived_from=derived_from,
    )
    document.file.save(name + ALLOWED_CONTENT_TYPES[content_type], ContentFile(content), save=False)
    document.save()
    return document


def document_read(document: Document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def document_unchanged(document: Document) -> bool:
    """True when the stored bytes still have the SHA-256 recorded at creation."""
    try:
        return sha256_hex(document_read(document)) == document.sha256
    except FileNotFoundError:
        return False


def document_by_code(code: str, *, latest: bool = False) -> Document:
    """The document whose verification code is ``code`` (404 when none); with ``latest``, the
    last version made from it by signing inside (the code printed on paper leads there)."""
    from django.http import Http404

    document = Document.objects.filter(verification_code=code).first()
    if document is None:
        raise Http404
    return document_latest_version(document) if latest else document


def request_meta(request) -> tuple[str | None, str]:
    """The network address and user agent a signature record keeps (none without a request)."""
    from kstu.net import client_ip

    if request is None:
        return None, ""
    return client_ip(request), request.META.get("HTTP_USER_AGENT", "")[:512]


def signature_next_position(document: Document) -> int:
    """The place of the next signature on ``document``'s sheet."""
    from django.db.models import Max

    from signatures.models import Signature

    top = Signature.objects.filter(document=document).aggregate(top=Max("position"))["top"]
    return (top or 0) + 1


def signature_audit(signature, *, actor, request=None, **details) -> None:
    """The audit event of a signature just recorded (who acted, level, method, place)."""
    from audit.models import AuthEvent
    from audit.services import event_record

    event_record(
        action=AuthEvent.Action.SIGNATURE,
        request=request,
        user=actor,
        target=signature.document,
        details={
            "level": str(signature.level),
            "method": str(signature.method),
            "signature_id": signature.pk,
            "position": signature.position,
            **details,
        },
    )


def _following(document: Document) -> Document | None:
    return Document.objects.filter(derived_from=document).order_by("-created_at", "-pk").first()


def document_latest_version(document: Document) -> Document:
    """The last version made from ``document`` by signing inside it (itself when none)."""
    return document_versions(document, earlier=False)[-1]


def document_versions(document: Document, *, earlier: bool = True) -> list[Document]:
    """The versions in ``document``'s chain in order, up to the last one; from the first (the
    one whose code was printed) when ``earlier``, else from ``document`` itself."""
    first = document
    seen = {first.pk}
    while earlier and first.derived_from_id and first.derived_from_id not in seen:
        first = first.derived_from
        seen.add(first.pk)
    chain = [first]
    following = _following(first)
    while following is not None and following.pk not in {d.pk for d in chain}:
        chain.append(following)
        following = _following(following)
    return chain
