"""Reads of the signatures app, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from signatures.models import Document, Signature

VIEW_PERMISSION = "signatures.view_document"


def _sees_every_document(user) -> bool:
    return bool(user.is_superuser or user.has_perm(VIEW_PERMISSION))


def document_visible_to(*, user, document: Document) -> bool:
    """Who may see a document: its creator, its signers, superusers, holders of
    ``signatures.view_document`` (globally or on this document, via django-guardian), and —
    for the scan of a handwritten signature — whoever may see the signed document."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if _sees_every_document(user) or document.created_by_id == user.pk:
        return True
    if user.has_perm(VIEW_PERMISSION, document):
        return True
    if Signature.objects.filter(document=document, signer=user).exists():
        return True
    scanned_for = (
        Document.objects.filter(signatures__scan=document).exclude(pk=document.pk).distinct()
    )
    return any(
        signed.created_by_id == user.pk
        or user.has_perm(VIEW_PERMISSION, signed)
        or Signature.objects.filter(document=signed, signer=user).exists()
        for signed in scanned_for
    )


def document_get_for_user(*, user, document_id: int) -> Document:
    """The document if ``user`` may see it; 404 otherwise (its existence is not revealed)."""
    document = Document.objects.select_related("created_by").filter(pk=document_id).first()
    if document is None or not document_visible_to(user=user, document=document):
        raise Http404
    return document


def documents_for_user(*, user):
    """Documents ``user`` created or signed (everything for those who see every document)."""
    queryset = Document.objects.select_related("created_by")
    if _sees_every_document(user):
        return queryset
    return queryset.filter(Q(created_by=user) | Q(signatures__signer=user)).distinct()


def signature_sheet(document: Document) -> list[Signature]:
    """Every signature of ``document`` in sheet order, with what the sheet shows."""
    signatures = list(
        Signature.objects.filter(document=document)
        .select_related("signer", "registered_by", "scan", "certificate")
        .order_by("position")
    )
    for signature in signatures:
        signature.document = document  # one document object for the whole sheet
    return signatures
