"""Build accent-insensitive filters over the folded ``search_text`` column (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.db.models import Q

from dangvu.core.text import search_terms

M = TypeVar("M", bound=models.Model)


def filter_search(
    queryset: models.QuerySet[M], query: str | None, field: str = "search_text", *, substring: bool = False
) -> models.QuerySet[M]:
    """Rows whose folded text has a word starting with each word of ``query`` (case, tones, đ ignored).

    "an phu" finds "Đảng ủy xã An Phú" but not "Đảng ủy phường Đông Tiến" (which merely contains the
    letters). ``substring=True`` matches anywhere inside words instead. On PostgreSQL the trigram GIN
    index on ``search_text`` serves both forms of ``LIKE``.
    """
    for term in search_terms(query or ""):
        if substring:
            queryset = queryset.filter(**{f"{field}__contains": term})
        else:
            queryset = queryset.filter(word_prefix(field, term))
    return queryset


def word_prefix(field: str, term: str) -> Q:
    """``field`` (folded text) has a word that starts with ``term`` (a folded word)."""
    return Q(**{f"{field}__startswith": term}) | Q(**{f"{field}__contains": f" {term}"})
