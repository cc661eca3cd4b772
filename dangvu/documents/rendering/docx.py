"""The draft as a Word file (.docx) for editing, in the same Party format as the PDF (HD 36-HD/VPTW):
the heading in a borderless two-column table, the type and subject centred, the body, the signature
block beside "Nơi nhận". Built with python-docx (the de-facto library for writing .docx from Python;
docxtpl would need a .docx template kept in step with the Typst one for every type, for no gain here).

The number and the date are written when the document has them; a draft shows their empty places
("Số    -NQ/ĐU", "…, ngày   tháng   năm 20…") for the editor to see where they go.
"""

from __future__ import annotations

import io
import re
from typing import Any

from docx import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_ARTICLE = re.compile(r"^(Điều \d+\.)(.*)$")


def _paragraph(
    container: Any,
    text: str = "",
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
    first_line: float | None = None,
) -> Paragraph:
    paragraph: Paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    if first_line is not None:
        paragraph.paragraph_format.first_line_indent = Mm(first_line)
    if text:
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.bold, run.italic, run.underline = bold, italic, underline
    return paragraph


def _cell(table: Any, column: int) -> _Cell:
    cell: _Cell = table.rows[0].cells[column]
    cell._element.remove(cell.paragraphs[0]._element)  # python-docx starts every cell with one
    return cell


def _two_columns(document: Any) -> tuple[_Cell, _Cell]:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, (Mm(75), Mm(90)), strict=True):
        for cell in column.cells:
            cell.width = width
    return _cell(table, 0), _cell(table, 1)


def _date_line(data: dict[str, Any], issued_on: Any) -> str:
    place = f"{data['place']}, " if data["place"] else ""
    if issued_on is None:
        return f"{place}ngày     tháng     năm 20…"
    return f"{place}ngày {issued_on:%d} tháng {issued_on:%m} năm {issued_on.year}"


def _body_line(document: Any, line: str) -> None:
    article = _ARTICLE.match(line)
    if line.upper() == line and len(line) < 80 and any(c.isalpha() for c in line):
        _paragraph(document, line, bold=True)
    elif article:
        paragraph = _paragraph(document, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line=10)
        paragraph.add_run(article.group(1)).bold = True
        paragraph.add_run(article.group(2))
    else:
        _paragraph(document, line, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line=10)


def build_docx(data: dict[str, Any], *, number: str, issued_on: Any) -> bytes:
    """A .docx of the document described by ``data`` (``dangvu.documents.rendering.document_data``);
    ``number`` is the full number line ("Số 01-NQ/ĐU" or the empty place)."""
    document = WordDocument()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    document.core_properties.title = data["subject"][:250]
    document.core_properties.author = data["organ"][:250]
    document.core_properties.language = "vi-VN"

    if data.get("draft_mark"):
        _paragraph(document, data["draft_mark"], size=13, bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    left, right = _two_columns(document)
    if data["parent_line"]:
        _paragraph(left, data["parent_line"].upper())
    _paragraph(left, data["organ"].upper(), bold=True)
    _paragraph(left, "*")
    _paragraph(left, number)
    if data["is_letter"]:
        _paragraph(left, f"V/v {data['subject']}", size=12, italic=True)
    for mark in (data["secrecy"], data["urgency"]):
        if mark:
            _paragraph(left, mark, size=13, bold=True)
    _paragraph(right, "ĐẢNG CỘNG SẢN VIỆT NAM", size=15, bold=True, underline=True)
    _paragraph(right, _date_line(data, issued_on), italic=True)

    _paragraph(document)
    if data["is_letter"]:
        if data["greeting"]:
            _paragraph(document, "Kính gửi: " + "; ".join(data["greeting"]))
    else:
        _paragraph(document, data["type_name"].upper(), size=16, bold=True)
        _paragraph(document, data["subject"], bold=True)
        _paragraph(document, "-----")
    for line in data["body"]:
        _body_line(document, line)

    _paragraph(document)
    left, right = _two_columns(document)
    if data["recipients"]:
        _paragraph(left, "Nơi nhận:", bold=True, underline=True, align=WD_ALIGN_PARAGRAPH.LEFT)
        for line in data["recipients"]:
            _paragraph(left, f"- {line}", size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in (data["authority"], data["signer_title"]):
        if line:
            _paragraph(right, line.upper(), bold=True)
    for _blank in range(4):
        _paragraph(right)
    _paragraph(right, data["signer_name"], bold=True)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def document_docx(document: Any) -> bytes:
    """``document`` (outgoing) as .docx."""
    from dangvu.documents.rendering import document_data, is_draft

    data = document_data(document, draft_mark=is_draft(document))
    # A draft shows the empty place before its symbol: "Số      -NQ/ĐU".
    number = f"Số {document.number_text or '     -' + document.symbol}"
    return build_docx(data, number=number, issued_on=document.issued_on)
