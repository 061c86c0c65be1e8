"""Reading PDFs the way a person does: the text (poppler's pdftotext) and the QR codes on a
page (the page rasterised by poppler's pdftoppm, the codes decoded by zxing-cpp).

poppler-utils comes from Debian (`.ci/run` installs it); without it the tests that need it are
skipped rather than failed.
"""

from __future__ import annotations

import shutil
import subprocess
from io import BytesIO

import pytest


def require_poppler() -> None:
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftotext, pdftoppm) is not installed")


def pdf_text(content: bytes) -> str:
    require_poppler()
    result = subprocess.run(  # noqa: S603
        ["pdftotext", "-enc", "UTF-8", "-layout", "-", "-"],  # noqa: S607
        input=content,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


def pdf_page_count(content: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(BytesIO(content)).root["/Pages"]["/Count"])


def pdf_page_png(content: bytes, page: int = 1, *, dpi: int = 200) -> bytes:
    require_poppler()
    result = subprocess.run(  # noqa: S603
        ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-"],  # noqa: S607
        input=content,
        capture_output=True,
        check=True,
    )
    return result.stdout


def pdf_qr_codes(content: bytes, page: int = 1) -> list[str]:
    """The texts of the QR codes printed on ``page`` (1-based)."""
    import zxingcpp
    from PIL import Image

    image = Image.open(BytesIO(pdf_page_png(content, page)))
    return [
        result.text
        for result in zxingcpp.read_barcodes(image)
        if result.format == zxingcpp.BarcodeFormat.QRCode
    ]
