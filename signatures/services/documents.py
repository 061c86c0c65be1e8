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


@transaction.atomic
def document_create(
    *, title: str, content: bytes, content_type: str, actor=None, owner_ref: str = ""
) -> Document:
    """Store ``content`` privately and return its Document (SHA-256 computed here)."""
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
        verification_code=secrets.token_urlsafe(12),
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
