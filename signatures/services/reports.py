"""Verification reports (C4) beyond the report data itself: the PDF report, and the verdicts
for an uploaded document. Used by the verification pages and API, and by HR copies/exports."""

from __future__ import annotations

from django.utils import timezone

from kstu.pdf import render_pdf
from signatures.models import Document
from signatures.services.documents import sha256_hex, verification_qr_data_uri
from signatures.services.verification import cms_verify


def report_pdf_render(report: dict) -> bytes:
    """The verification report as a PDF (WeasyPrint, offline: fonts from local files)."""
    return render_pdf(
        "signatures/report_pdf.html",
        {
            "report": report,
            "qr_data_uri": verification_qr_data_uri(report["verification_url"], scale=4),
            "generated_at": timezone.now(),
        },
    )


def upload_verify(*, content: bytes, cms_der: bytes | None) -> dict:
    """Verdicts for an uploaded document (and .p7s) — nothing is stored. Also the stored
    documents with exactly these bytes, whose verification pages the uploader may open."""
    from signatures.services.enhanced import pades_verify

    if cms_der:
        verdicts = [cms_verify(cms_der, content)]
    elif content.startswith(b"%PDF-"):
        try:
            verdicts = [item["verdict"] for item in pades_verify(content)]
        except Exception:  # noqa: BLE001 - a broken PDF is a verdict, not a server error
            verdicts = []
    else:
        verdicts = []
    digest = sha256_hex(content)
    matching = list(
        Document.objects.filter(sha256=digest).values_list("title", "verification_code")[:10]
    )
    return {"signatures": verdicts, "matching_documents": matching, "sha256": digest}
