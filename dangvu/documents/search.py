"""Finding documents: by number and symbol however it is written ("12-NQ/TU", "12/NQ-TU", "số 12 NQ
TU"), and by words of the number, subject, sender, body and OCR text (accents ignored).

Fragments, which the words do not find: a piece of a number and symbol ("NQ/T", "/VPTU", "NQ-TU") is
looked for inside the normalised numbers; a text no document has words starting with (a piece from the
middle of a word, "uyen doi") inside the numbers and the subjects. On PostgreSQL trigram indexes on
``number_key`` and ``subject_key`` serve these (migration 0010); the bodies and OCR texts have none.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q

from dangvu.documents.fulltext import match, matches, words_only
from dangvu.documents.models import Document
from dangvu.documents.numbers import number_key

_LOOKS_LIKE_NUMBER = re.compile(r"^\s*(s[oố]\s*:?\s*)?\d+\s*[-/ ]\s*[^\s]+", re.IGNORECASE)
# A symbol's separator next to a letter or digit: "NQ/T", "/VPTU", "NQ-TU".
_SYMBOL_PIECE = re.compile(r"\w\s*[-/]|[-/]\s*\w")
# A trigram index needs three characters to look anything up.
FRAGMENT_MIN = 3


def search_documents(user: Any, query: str, rows: Any = None) -> Any:
    """The documents ``user`` may see matching ``query``, newest first."""
    rows = rows if rows is not None else Document.objects.visible_to(user)
    text = (query or "").strip()[:200]
    if not text:
        return rows.select_related("registry_org", "doc_type")
    by_number = number_condition(text)
    words = matches(Document, text)
    # One row's look (the word index, no sort): whether the words find anything at all.
    if (
        words is not None
        and not _LOOKS_LIKE_NUMBER.match(text)  # a number is a number, not a piece of a subject
        and fragment_fallback(text)
        and not rows.filter(words | by_number if by_number is not None else words).exists()
    ):
        return rows.filter(fragment_condition(text)).select_related("registry_org", "doc_type")
    return match(rows, text, or_=by_number).select_related("registry_org", "doc_type")


def number_condition(text: str) -> Q | None:
    """A whole number ("12/NQ-TU"): its key; a piece of one ("NQ/T"): inside a key; otherwise None."""
    if _LOOKS_LIKE_NUMBER.match(text):
        return Q(number_key=number_key(text))
    key = number_key(text)
    if _SYMBOL_PIECE.search(text) and len(key.replace(" ", "")) >= FRAGMENT_MIN:
        return Q(number_key__contains=key)
    return None


def fragment_fallback(text: str) -> bool:
    """Whether ``text`` is long enough to look for inside the numbers and subjects."""
    return len(words_only(text).replace(" ", "")) >= FRAGMENT_MIN


def fragment_condition(text: str) -> Q:
    """``text`` inside a subject (its folded words) or inside a number's key."""
    inside = Q(subject_key__contains=words_only(text))
    key = number_key(text)
    return inside | Q(number_key__contains=key) if len(key.replace(" ", "")) >= FRAGMENT_MIN else inside
