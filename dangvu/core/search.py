"""Build accent-insensitive filters over the folded ``search_text`` column (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import TypeVar

from django.db import models

from dangvu.core.text import search_terms

M = TypeVar("M", bound=models.Model)


def filter_search(queryset: models.QuerySet[M], query: str | None, field: str = "search_text") -> models.QuerySet[M]:
    """Rows whose folded text contains every word of ``query`` (case, tones and đ ignored).

    On PostgreSQL the trigram GIN index on ``search_text`` serves each ``LIKE '%word%'``.
    """
    for term in search_terms(query or ""):
        queryset = queryset.filter(**{f"{field}__contains": term})
    return queryset
