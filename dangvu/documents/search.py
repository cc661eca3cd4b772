"""Finding documents: by number and symbol however it is written ("12-NQ/TU", "12/NQ-TU", "số 12 NQ
TU"), and by words of the number, subject, sender, body and OCR text (accents ignored)."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q

from dangvu.documents.fulltext import match
from dangvu.documents.models import Document
from dangvu.documents.numbers import number_key

_LOOKS_LIKE_NUMBER = re.compile(r"^\s*(s[oố]\s*:?\s*)?\d+\s*[-/ ]\s*[^\s]+", re.IGNORECASE)


def search_documents(user: Any, query: str, rows: Any = None) -> Any:
    """The documents ``user`` may see matching ``query``, newest first."""
    rows = rows if rows is not None else Document.objects.visible_to(user)
    text = (query or "").strip()[:200]
    if not text:
        return rows.select_related("registry_org", "doc_type")
    by_number = Q(number_key=number_key(text)) if _LOOKS_LIKE_NUMBER.match(text) else None
    return match(rows, text, or_=by_number).select_related("registry_org", "doc_type")
