"""The viewer's name across every page of a secret document's copy (who downloaded it, when)."""

from __future__ import annotations

import io

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from dangvu.core.pdf import FAMILY, FONT_DIR


def _stamp(text: str, width_pt: float, height_pt: float) -> PdfReader:
    pdf = FPDF(unit="pt", format=(width_pt, height_pt))
    pdf.add_font(FAMILY, "", str(FONT_DIR / "LiberationSerif-Regular.ttf"))
    pdf.add_page()
    pdf.set_font(FAMILY, size=11)
    pdf.set_text_color(170, 0, 0)
    pdf.set_xy(20, height_pt - 24)
    pdf.cell(width_pt - 40, 12, text, align="C")
    return PdfReader(io.BytesIO(pdf.output()))


def watermark(content: bytes, text: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(content)))
    for page in writer.pages:
        box = page.mediabox
        page.merge_page(_stamp(text, float(box.width), float(box.height)).pages[0])
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
