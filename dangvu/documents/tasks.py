"""Document jobs (thin: load by id, call the domain function)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def ocr_document(document_id: int) -> None:
    from dangvu.documents.processing import run_ocr

    run_ocr(document_id)
