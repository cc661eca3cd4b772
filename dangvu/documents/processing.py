"""Work done on documents outside the request: OCR of scans (a job)."""

from __future__ import annotations

import logging
import subprocess

from django.db import transaction

from dangvu.audit.services import audit_log
from dangvu.documents import ocr, recognition, storage
from dangvu.documents.enums import FileKind
from dangvu.documents.fulltext import words_only
from dangvu.documents.models import Document

logger = logging.getLogger(__name__)


def run_ocr(document_id: int) -> None:
    """OCR the document's original scan: store the searchable PDF/A beside it, keep the text for the
    search. A failure is recorded on the document (the page says so), never lost."""
    document = Document.objects.get(pk=document_id)
    original = document.files.filter(kind=FileKind.ORIGINAL).order_by("created_at").first()
    if original is None or document.ocr_status not in ("pending", "failed"):
        return
    try:
        pdf, text = ocr.ocr_pdf(storage.read(original), image=original.content_type.startswith("image/"))
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        logger.warning("OCR failed for document %s: %s", document_id, error)
        Document.objects.filter(pk=document_id).update(ocr_status="failed")
        return
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        storage.store(
            document=document,
            kind=FileKind.OCR,
            name=f"{original.name}.ocr.pdf",
            content=pdf,
            content_type="application/pdf",
        )
        document.ocr_text = text[:500_000]
        document.ocr_status = "done"
        document.ocr_proposals = recognition.propose(text, recognition.known_types()).as_json()
        document.search_text = words_only(document.search_text, text)[:200_000]
        document.save(update_fields=["ocr_text", "ocr_status", "ocr_proposals", "search_text", "updated_at"])
        audit_log(
            actor=None,
            action="other",
            obj=document,
            org=document.registry_org,
            event="documents.ocr",
            data={"characters": len(text), "proposed": sorted(set(document.ocr_proposals) - {"notes"})},
        )
