"""Build accent-insensitive filters over the folded ``search_text`` column (SQLite and PostgreSQL).

For PostgreSQL also the pieces of a word-index search (``WordsMatch``): a GIN index on the words of a
folded column answers "every query word starts a word of the text" by intersecting short posting
lists, however common each word is in the text (the members' names, the units' paths).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models import Func, Q

from dangvu.core.text import search_terms

_S = TypeVar("_S")

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


# The expression a words index is built on; a query must spell it the same way to use the index.
WORDS_SQL = "array_to_tsvector(string_to_array({column}, ' '))"


class WordsMatch(Func):
    """``array_to_tsvector(string_to_array(<column>, ' ')) @@ <tsquery>`` (PostgreSQL)."""

    arity = 1
    output_field = models.BooleanField()

    def __init__(self, expression: Any, tsquery: str) -> None:
        super().__init__(expression)
        self.tsquery = tsquery

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, tuple[Any, ...]]:  # type: ignore[override]
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{WORDS_SQL.format(column=sql)} @@ %s::tsquery", (*params, self.tsquery)


class Unindexed(Func):
    """The same text value, as an expression no index serves (forces sorting the matches)."""

    template = "(%(expressions)s || '')"
    output_field = models.CharField()


def lexeme(word: str) -> str:
    """``word`` quoted for a tsquery."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def prefixes_query(terms: Iterable[str]) -> str:
    """The tsquery "every term starts a word": ``'chi':* & 'cong':* & …``."""
    return " & ".join(f"{lexeme(term)}:*" for term in terms)


STATISTICS_SECONDS = 600
_statistics: dict[str, tuple[float, Any]] = {}


def planner_statistics(name: str, read: Callable[[], _S]) -> _S:
    """``read()`` (a query of the planner's statistics, e.g. the commonest words of a search column in
    ``pg_stats``) once per process, database and ``name`` every ``STATISTICS_SECONDS``: word shares move
    slowly, and one catalogue query per request would cost more than the plan choice it serves."""
    key = f"{connection.settings_dict['NAME']}.{name}"
    kept = _statistics.get(key)
    if kept is not None and kept[0] > time.monotonic():
        return kept[1]
    value = read()
    _statistics[key] = (time.monotonic() + STATISTICS_SECONDS, value)
    return value
