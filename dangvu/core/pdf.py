"""Printable Party documents as PDF (fpdf2), in the layout of HD 36-HD/VPTW.

Every module prints through :class:`PartyPdf`: Liberation Serif (metric-compatible with Times New Roman,
the face of Party documents, and complete for Vietnamese) is embedded, so a PDF reads the same on any
machine. The header block puts the superior body and the issuing body on the left, "ĐẢNG CỘNG SẢN VIỆT
NAM" and the place and date on the right; secret documents carry the "MẬT" mark.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from django.utils import timezone
from fpdf import FPDF, FontFace, XPos, YPos

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "Serif"
_STYLES = {"": "Regular", "B": "Bold", "I": "Italic", "BI": "BoldItalic"}


def long_date(on: date, place: str = "") -> str:
    """ "An Phú, ngày 05 tháng 02 năm 2026" — the date line of a Party document."""
    text = f"ngày {on:%d} tháng {on:%m} năm {on.year}"
    return f"{place}, {text}" if place else text.capitalize()


def dmy(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


class PartyPdf(FPDF):
    """An A4 page (or landscape with ``landscape=True``) with the fonts, margins and page numbers set."""

    def __init__(
        self, *, title: str, author: str = "", landscape: bool = False, secret: bool = False
    ) -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        for style, name in _STYLES.items():
            self.add_font(FAMILY, style, str(FONT_DIR / f"LiberationSerif-{name}.ttf"))
        self.secret = secret
        self.set_margins(20, 15, 15)
        self.set_auto_page_break(True, margin=18)
        self.set_title(title)
        self.set_author(author or "dangvu — Đảng vụ số")
        self.set_creator("dangvu")
        self.set_lang("vi")
        self.set_font(FAMILY, size=13)
        self.add_page()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "I", 9)
        self.cell(0, 5, f"Trang {self.page_no()}/{{nb}}", align="R")

    def line_text(
        self, text: str, *, style: str = "", size: float = 13, align: str = "L", h: float = 6.5
    ) -> None:
        self.set_font(FAMILY, style, size)
        self.multi_cell(0, h, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def header_block(
        self, *, superior: str, issuer: str, number: str = "", place: str = "", on: date | None = None
    ) -> None:
        """The two-column heading of a Party document (superior/issuer left, Party name and date right)."""
        left_w = (self.epw) * 0.45
        right_w = self.epw - left_w
        top = self.get_y()
        if self.secret:
            self.set_font(FAMILY, "B", 14)
            self.set_xy(self.l_margin, top)
            self.set_x(self.l_margin + (left_w - 22) / 2)
            self.cell(22, 7, "MẬT", border=1, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            top = self.get_y() + 2
        self.set_xy(self.l_margin, top)
        self.set_font(FAMILY, "", 13)
        if superior:
            self.multi_cell(left_w, 6, superior.upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, "B", 13)
        self.multi_cell(left_w, 6, issuer.upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.cell(left_w, 6, "*", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if number:
            self.set_font(FAMILY, "", 13)
            self.cell(left_w, 6, number, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        left_bottom = self.get_y()
        self.set_xy(self.l_margin + left_w, top)
        self.set_font(FAMILY, "BU", 14)
        self.cell(right_w, 6, "ĐẢNG CỘNG SẢN VIỆT NAM", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.ln(2)
        self.set_x(self.l_margin + left_w)
        self.set_font(FAMILY, "I", 13)
        self.multi_cell(right_w, 6, long_date(on or timezone.localdate(), place), align="C")
        self.set_y(max(left_bottom, self.get_y()) + 6)

    def heading(self, text: str, subtitle: str = "") -> None:
        self.line_text(text.upper(), style="B", size=15, align="C", h=7.5)
        if subtitle:
            self.line_text(subtitle, style="I", size=13, align="C")
        self.ln(3)

    def section(self, text: str) -> None:
        self.ln(2)
        self.line_text(text, style="B", size=13)

    def fields(self, rows: Sequence[tuple[str, str]], *, label_width: float = 62) -> None:
        """Label–value lines ("Họ và tên: …"); long values wrap under themselves."""
        for label, value in rows:
            self.set_font(FAMILY, "", 12.5)
            y = self.get_y()
            self.multi_cell(label_width, 6, f"{label}:", new_x=XPos.RIGHT, new_y=YPos.TOP)
            self.set_font(FAMILY, "B" if value else "", 12.5)
            self.multi_cell(0, 6, value or "……………………", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_y(max(self.get_y(), y + 6))

    def grid(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float] | None = None,
        size: float = 10.5,
        empty: str = "Chưa có.",
    ) -> None:
        """A bordered table whose heading row repeats on every page."""
        self.set_font(FAMILY, "", size)
        if not rows:
            self.line_text(empty, style="I", size=size)
            return
        with self.table(
            col_widths=tuple(widths) if widths else None,
            headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
            line_height=size * 0.5,
            repeat_headings=1,
            first_row_as_headings=True,
        ) as table:
            table.row(list(headings))
            for values in rows:
                table.row([str(v) for v in values])

    def signature(self, *, on_behalf: str, position: str = "", name: str = "") -> None:
        """The "T/M …" signature block at the right."""
        self.ln(6)
        width = self.epw * 0.5
        self.set_x(self.l_margin + self.epw - width)
        self.set_font(FAMILY, "B", 13)
        self.multi_cell(width, 6, f"T/M {on_behalf.upper()}", align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        if position:
            self.multi_cell(width, 6, position, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.ln(20)
        self.set_x(self.l_margin + self.epw - width)
        self.multi_cell(width, 6, name, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def to_bytes(self) -> bytes:
        return bytes(self.output())
