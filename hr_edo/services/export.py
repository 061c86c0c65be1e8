"""Export of HR documents for authorities (EDO 2.1.4): one ZIP, verifiable on its own.

Per document, in ``<id>-<type>/``: ``document.pdf`` (the stored bytes, signatures embedded),
``signature-<n>.p7s`` for each detached CMS signature, ``verification.pdf`` (the report with
its QR) and ``audit-trail.csv`` (the record's history and the events about it). At the root,
``manifest.json`` lists every file with its SHA-256 and ``manifest.sha256`` is the same list
in ``sha256sum`` format (``sha256sum -c manifest.sha256`` checks it). The export is audited.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuthEvent
from audit.selectors import object_history
from audit.services import event_record
from hr_edo.models import HrDocument
from hr_edo.services.retention import retention_set_for
from signatures.models import Signature
from signatures.services.documents import document_read
from signatures.services.verification import document_report

HR_PERMISSION = "hr_edo.change_hrdocument"
LABEL = "hr_edo.hrdocument"


def can_export(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(HR_PERMISSION))


def export_queryset(
    *,
    employee=None,
    document_type=None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    statuses=None,
):
    qs = HrDocument.objects.select_related("type", "employee", "pdf").filter(pdf__isnull=False)
    if employee is not None:
        qs = qs.filter(employee=employee)
    if document_type is not None:
        qs = qs.filter(type=document_type)
    if date_from:
        qs = qs.filter(document_date__gte=date_from)
    if date_to:
        qs = qs.filter(document_date__lte=date_to)
    if statuses:
        qs = qs.filter(status__in=list(statuses))
    return qs.order_by("document_date", "pk")


def _audit_trail_csv(*, actor, doc: HrDocument) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["source", "time", "action", "user", "ip_address", "reason", "details"])
    _, entries = object_history(user=actor, label=LABEL, pk=doc.pk)
    for entry in sorted(entries, key=lambda e: (e.changed_at, e.history_id)):
        changes = "; ".join(f"{c.field}: {c.before} → {c.after}" for c in entry.changes)
        writer.writerow(
            [
                "history",
                entry.changed_at.isoformat(),
                str(entry.action),
                entry.username or "",
                entry.ip_address or "",
                entry.reason,
                changes,
            ]
        )
    for sig in Signature.objects.filter(document_id=doc.pdf_id).select_related("signer"):
        writer.writerow(
            [
                "signature",
                sig.signed_at.isoformat(),
                f"{sig.level}/{sig.method}",
                sig.signer.get_username() if sig.signer else sig.signer_name,
                sig.ip_address or "",
                "",
                f"sha256={sig.document_sha256}",
            ]
        )
    events = AuthEvent.objects.filter(target_type=LABEL, target_id=str(doc.pk)).order_by(
        "occurred_at", "pk"
    )
    for event in events:
        writer.writerow(
            [
                "event",
                event.occurred_at.isoformat(),
                event.action,
                event.username,
                event.ip_address or "",
                "",
                json.dumps(event.details, ensure_ascii=False, sort_keys=True),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def _files_for(*, actor, doc: HrDocument) -> list[tuple[str, bytes]]:
    from signatures.services.reports import report_pdf_render

    folder = f"{doc.pk:06d}-{doc.type.code}"
    files = [(f"{folder}/document.pdf", document_read(doc.pdf))]
    signatures = Signature.objects.filter(document_id=doc.pdf_id, cms__isnull=False).order_by(
        "position"
    )
    for sig in signatures:
        if sig.cms:
            files.append((f"{folder}/signature-{sig.position}.p7s", bytes(sig.cms)))
    files.append((f"{folder}/verification.pdf", report_pdf_render(document_report(doc.pdf))))
    files.append((f"{folder}/audit-trail.csv", _audit_trail_csv(actor=actor, doc=doc)))
    return files


def hr_documents_export(*, actor, documents, filters: dict | None = None, request=None) -> bytes:
    """The ZIP (bytes) of ``documents`` for an authority; audited with the filters and count."""
    if not can_export(actor):
        raise PermissionDenied
    docs = list(documents)
    created = timezone.now()
    manifest = {
        "generated_at": created.isoformat(),
        "generated_by": actor.get_username(),
        "filters": filters or {},
        "documents": [],
        "files": [],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for doc in docs:
            if doc.pdf_id is None:
                continue
            retention_set_for(doc)
            manifest["documents"].append(
                {
                    "id": doc.pk,
                    "type": doc.type.code,
                    "number": doc.number,
                    "date": doc.document_date.isoformat(),
                    "employee": doc.employee.get_username(),
                    "status": doc.status,
                    "verification_code": doc.pdf.verification_code,
                    "sha256": doc.pdf.sha256,
                }
            )
            for name, content in _files_for(actor=actor, doc=doc):
                archive.writestr(name, content)
                manifest["files"].append(
                    {
                        "path": name,
                        "sha256": hashlib.sha256(content).hexdigest(),
                        "size": len(content),
                    }
                )
        archive.writestr(
            "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        )
        archive.writestr(
            "manifest.sha256",
            "".join(f"{f['sha256']}  {f['path']}\n" for f in manifest["files"]).encode(),
        )
    event_record(
        action=AuthEvent.Action.DOCUMENTS_EXPORT,
        request=request,
        user=actor,
        details={
            "event": "hr_documents_exported",
            "filters": filters or {},
            "count": len(manifest["documents"]),
            "documents": [d["id"] for d in manifest["documents"]],
        },
    )
    return buffer.getvalue()


def export_filename(now: dt.datetime | None = None) -> str:
    now = timezone.localtime(now or timezone.now())
    return f"hr-documents-{now:%Y%m%d-%H%M%S}.zip"
