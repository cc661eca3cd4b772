"""What the documents module prints and exports, each opening logged as a sensitive read:

* ``draft_pdf``: an outgoing draft laid out in the Party format (the PDF the signer will sign, before
  the signature), for reading it as it will look;
* ``draft_docx``: the same document as .docx, to edit in a word processor.

Both refuse secret documents: a secret document's files are encrypted at rest and carry the viewer's
name when opened (``services.open_file``); a derived PDF or .docx would escape both.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dangvu.accounts.permissions import require_perm
from dangvu.audit.services import audit_log
from dangvu.documents.enums import Direction
from dangvu.documents.models import Document


def _file_stem(document: Document) -> str:
    if document.number_text:
        return document.number_text.replace("/", "-")
    return f"du-thao-{document.pk}"


def _check_exportable(actor: Any, document: Document) -> None:
    require_perm(actor, "documents.draft", document.registry_org)
    if document.direction != Direction.OUTGOING:
        raise ValidationError("Chỉ văn bản đi (do đơn vị soạn thảo) mới xuất được bản trình bày.")
    if document.secrecy:
        raise ValidationError(
            "Văn bản mật không xuất ra bản PDF xem trước hay tệp Word: chỉ mở tệp của văn bản "
            "(có ghi tên người xem) theo quy định bảo vệ bí mật."
        )


def _log(actor: Any, document: Document, event: str, size: int) -> None:
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="view",
            obj=document,
            org=document.registry_org,
            event=event,
            data={"bytes": size},
        )


def draft_pdf(*, actor: Any, document: Document) -> tuple[str, bytes]:
    """The outgoing document laid out from its type's template (no signature, number or date yet),
    marked "DỰ THẢO" on every page while it is not signed. Requires ``documents.draft`` in the issuing
    unit; logs ``documents.preview_pdf``."""
    from dangvu.documents.rendering import is_draft, render_document

    _check_exportable(actor, document)
    content = render_document(document, draft_mark=is_draft(document)).pdf
    _log(actor, document, "documents.preview_pdf", len(content))
    return f"{_file_stem(document)}.pdf", content


def draft_docx(*, actor: Any, document: Document) -> tuple[str, bytes]:
    """The outgoing document as .docx for editing (marked "DỰ THẢO" while it is not signed). Requires
    ``documents.draft`` in the issuing unit; logs ``documents.export_docx``."""
    from dangvu.documents.rendering.docx import document_docx

    _check_exportable(actor, document)
    content = document_docx(document)
    _log(actor, document, "documents.export_docx", len(content))
    return f"{_file_stem(document)}.docx", content
