"""The printable draft of an outgoing document: a PDF in the Party format (HD 36-HD/VPTW) with empty,
visible places for the number and the date (filled at issuing) and a box for the signature.

``render(document)`` is the one entry point the services use. This first renderer draws with fpdf2
(``dangvu.core.pdf``); the template-based renderer (``dangvu.documents.rendering``) replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dangvu.core.pdf import FAMILY, PartyPdf

NUMBER_FIELD = "SoKyHieu"
DATE_FIELD = "NgayThang"
MM = 72 / 25.4
PAGE_HEIGHT_MM = 297


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    places: Any  # dangvu.signing.services.Places


def _points(x: float, y_top: float, width: float, height: float) -> tuple[float, float, float, float]:
    """A box given in millimetres from the top-left, in points from the bottom-left."""
    return (x * MM, (PAGE_HEIGHT_MM - y_top - height) * MM, (x + width) * MM, (PAGE_HEIGHT_MM - y_top) * MM)


def render(document: Any) -> Rendered:
    """Draw ``document``'s draft; returns the PDF and where its number, date and signature go."""
    from dangvu.signing.pdfdoc import TextFieldSpec, add_text_fields
    from dangvu.signing.services import Places

    organ = getattr(document.registry_org, "issuing", None)
    pdf = PartyPdf(title=document.subject[:200], secret=bool(document.secrecy))
    left_w = pdf.epw * 0.45
    top = pdf.get_y()
    if document.secrecy:
        top += 9
    pdf.set_font(FAMILY, "", 13)
    pdf.set_xy(pdf.l_margin, top)
    if organ is not None and organ.parent_line:
        pdf.multi_cell(left_w, 6, organ.parent_line.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "B", 13)
    pdf.multi_cell(left_w, 6, document.registry_org.name.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(left_w, 6, "*", align="C", new_x="LMARGIN", new_y="NEXT")
    number_box = _points(pdf.l_margin, pdf.get_y(), left_w, 7)
    pdf.ln(8)
    left_bottom = pdf.get_y()
    right_x = pdf.l_margin + left_w
    pdf.set_xy(right_x, top)
    pdf.set_font(FAMILY, "BU", 14)
    pdf.cell(pdf.epw - left_w, 6, "ĐẢNG CỘNG SẢN VIỆT NAM", align="C", new_x="LEFT", new_y="NEXT")
    date_box = _points(right_x, pdf.get_y() + 2, pdf.epw - left_w, 7)
    pdf.set_y(max(left_bottom, pdf.get_y() + 10) + 6)
    if document.urgency:
        pdf.line_text(document.get_urgency_display().upper(), style="B", size=13)
    pdf.heading(document.doc_type.name, subtitle="" if document.doc_type.is_letter else document.subject)
    if document.doc_type.is_letter:
        pdf.line_text(f"V/v {document.subject}", style="I", size=12, align="L")
        pdf.ln(2)
    for paragraph in (document.body or "").splitlines():
        if paragraph.strip():
            pdf.line_text(paragraph.strip(), size=14, align="J", h=7)
    pdf.ln(6)
    sign_top = pdf.get_y()
    right_w = pdf.epw - left_w
    pdf.set_x(right_x)
    pdf.set_font(FAMILY, "B", 13)
    for line in [document.authority, document.signer_title]:
        if line:
            pdf.set_x(right_x)
            pdf.multi_cell(right_w, 6, line.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    signature_top = pdf.get_y() + 1
    pdf.set_y(signature_top + 24)
    if document.signer_name:
        pdf.set_x(right_x)
        pdf.multi_cell(right_w, 6, document.signer_name, align="C", new_x="LMARGIN", new_y="NEXT")
    end = pdf.get_y()
    pdf.set_xy(pdf.l_margin, sign_top)
    pdf.set_font(FAMILY, "BU", 12)
    pdf.cell(left_w, 6, "Nơi nhận:", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 11)
    for line in (document.recipients_text or "").splitlines():
        if line.strip():
            pdf.multi_cell(left_w, 5, f"- {line.strip()}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(end, pdf.get_y()))
    page = pdf.page_no() - 1
    signature_box = _points(right_x + 6, signature_top, right_w - 12, 22)
    content = add_text_fields(
        pdf.to_bytes(),
        [TextFieldSpec(NUMBER_FIELD, 0, number_box), TextFieldSpec(DATE_FIELD, 0, date_box)],
    )
    return Rendered(content, Places(NUMBER_FIELD, DATE_FIELD, page, signature_box))


def places_of(document: Any) -> Any:
    """The places of a document rendered by ``render`` (recorded at signing)."""
    from dangvu.signing.services import Places

    stored = document.signature_report.get("places") if document.signature_report else None
    if stored:
        return Places(stored["number_field"], stored["date_field"], stored["page"], tuple(stored["box"]))
    return Places(NUMBER_FIELD, DATE_FIELD)
