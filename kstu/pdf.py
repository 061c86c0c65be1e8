"""PDFs with WeasyPrint, offline: fonts come from files shipped in static/fonts.

Kyrgyz letters (ң, ө, ү) need a font that has them; DejaVu Sans is shipped with the project
(Bitstream Vera licence, static/fonts/) so a PDF looks the same on every machine. Templates
extend ``pdf/base.html``, which declares the font faces.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

FONT_FILES = {"regular": "fonts/DejaVuSans.ttf", "bold": "fonts/DejaVuSans-Bold.ttf"}


def font_url(name: str) -> str:
    path = finders.find(FONT_FILES[name]) or str(Path(settings.STATIC_ROOT) / FONT_FILES[name])
    return Path(path).resolve().as_uri()


def render_pdf(template_name: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        template_name,
        {**context, "font_regular": font_url("regular"), "font_bold": font_url("bold")},
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
