"""Marks on derived copies, never on an original: the viewer's name across every page of a secret
document's copy (who downloaded it, when), and the arrival stamp (dấu đến) on an incoming document's
registered copy."""

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


def _arrival_box(lines: list[str], width_pt: float, height_pt: float) -> PdfReader:
    """A red box in the top margin (the Party format leaves 20–25 mm there), clear of the heading."""
    pdf = FPDF(unit="pt", format=(width_pt, height_pt))
    pdf.add_font(FAMILY, "", str(FONT_DIR / "LiberationSerif-Regular.ttf"))
    pdf.add_font(FAMILY, "B", str(FONT_DIR / "LiberationSerif-Bold.ttf"))
    pdf.add_page()
    pdf.set_draw_color(170, 0, 0)
    pdf.set_text_color(170, 0, 0)
    left, top, width, line = 28.0, 6.0, 270.0, 10.5
    pdf.set_line_width(1)
    pdf.rect(left, top, width, 4 + line * (len(lines) + 1))
    pdf.set_xy(left + 5, top + 2)
    pdf.set_font(FAMILY, "B", 9.5)
    pdf.cell(width - 10, line, "ĐẾN")
    pdf.set_font(FAMILY, "", 9)
    for number, text in enumerate(lines, start=1):
        pdf.set_xy(left + 5, top + 2 + line * number)
        pdf.cell(width - 10, line, text)
    return PdfReader(io.BytesIO(pdf.output()))


def arrival_stamp(content: bytes, lines: list[str]) -> bytes:
    """``content`` with the arrival stamp (a red box "ĐẾN" and ``lines``: number, date, unit) at the top
    left of its first page: the register's copy; the original stays as it came."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(content)))
    page = writer.pages[0]
    box = page.mediabox
    page.merge_page(_arrival_box(lines, float(box.width), float(box.height)).pages[0])
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
