"""The printable draft of an outgoing document: a PDF in the Party format (HD 36-HD/VPTW) with empty,
visible places for the number and the date (filled at issuing) and a box for the signature.

``render(document)`` is the one entry point the services use. The layout comes from the document
type's Typst template (``dangvu.documents.rendering``); the number and date places it reports become
empty AcroForm text fields, which the issuing step fills in an incremental update the personal
signature permits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

NUMBER_FIELD = "SoKyHieu"
DATE_FIELD = "NgayThang"


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    places: Any  # dangvu.signing.services.Places


def render(document: Any) -> Rendered:
    """Lay out ``document``'s draft; returns the PDF and where its number, date and signature go."""
    from dangvu.documents.rendering import render_document
    from dangvu.signing.pdfdoc import TextFieldSpec, add_text_fields
    from dangvu.signing.services import Places

    output = render_document(document)
    missing = [name for name in ("number", "date", "signature") if name not in output.places]
    if missing:
        raise ValidationError(
            "Mẫu trình bày của loại văn bản này thiếu chỗ để trống cho: %(places)s.",
            params={"places": ", ".join(missing)},
        )
    number, date, signature = (output.places[name] for name in ("number", "date", "signature"))
    content = add_text_fields(
        output.pdf,
        [
            TextFieldSpec(NUMBER_FIELD, number.page, number.rect),
            TextFieldSpec(DATE_FIELD, date.page, date.rect),
        ],
    )
    return Rendered(content, Places(NUMBER_FIELD, DATE_FIELD, signature.page, signature.rect))


def places_of(document: Any) -> Any:
    """The places of a document rendered by ``render`` (recorded at signing)."""
    from dangvu.signing.services import Places

    stored = document.signature_report.get("places") if document.signature_report else None
    if stored:
        return Places(stored["number_field"], stored["date_field"], stored["page"], tuple(stored["box"]))
    return Places(NUMBER_FIELD, DATE_FIELD)
