"""Full-text search over documents: number and symbol, subject, sender, body and OCR text.

Each document keeps ``search_text``: its words folded (no accents, lower case, đ → d) and separated by
single spaces (``words_only``), so one tokenisation serves both databases and the query:

* embedded default (SQLite): an FTS5 table over that column (external content, kept in step by
  database triggers, created in migration 0004), queried with prefix terms (``"chuyen"* "doi"*``);
* PostgreSQL: a stored generated column ``search_vector = to_tsvector('simple', search_text)`` (the
  ``simple`` configuration because the text is already folded and Vietnamese has no stemmer) with a GIN
  index, queried with ``to_tsquery`` prefix terms (``chuyen:* & doi:*``). Stored, because for a common
  word the planner walks the newest documents first and tests each one: recomputing the vector per row
  made that 20× slower (bench/bench_document_search.py). The column is not a model field: the database
  computes it on every write.

Why not trigram indexes over everything (what members use): bodies and OCR text are long; a trigram
index on them is several times the text, where the word index is a fraction of it (bench/
bench_document_search.py prints both). Numbers are found by their normalised key (``number_key``,
a b-tree index), whatever way they are written.

Every word of the query must start a word of the document (the member search's rule).
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL

from dangvu.core.text import fold

M = TypeVar("M", bound=models.Model)

_WORD = re.compile(r"[a-z0-9]+")
MAX_TERMS = 12


def words_only(*texts: str) -> str:
    """The folded words of ``texts`` separated by single spaces (what ``search_text`` holds)."""
    return " ".join(_WORD.findall(fold(" ".join(filter(None, texts)))))


def terms(query: str) -> list[str]:
    """The query's words, longest first (the most selective), at most ``MAX_TERMS``."""
    return sorted(set(_WORD.findall(fold(query or ""))), key=lambda word: (-len(word), word))[:MAX_TERMS]


def match(rows: models.QuerySet[M], query: str, *, or_: Q | None = None) -> models.QuerySet[M]:
    """``rows`` whose text has a word starting with every word of ``query`` (or that meet ``or_``)."""
    condition = matches(rows.model, query)
    if condition is None:
        return rows.filter(or_) if or_ is not None else rows
    return rows.filter(condition | or_ if or_ is not None else condition)


def matches(model: type[models.Model], query: str) -> Q | None:
    """The condition "the text has a word starting with every word of ``query``" on a row of ``model``
    (None: the query has no words). A condition on the row itself, so that PostgreSQL can combine it
    with others on the same row: "number key = … OR words match" is two index scans ORed in a bitmap,
    where "… OR id IN (matches)" was a subplan run for every row walked."""
    words = terms(query)
    if not words:
        return None
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        return Q(
            RawSQL(  # noqa: S611 - fixed SQL, the query is a parameter
                f'"{table}"."search_vector" @@ to_tsquery(\'simple\'::regconfig, %s)',
                [" & ".join(f"{word}:*" for word in words)],
                output_field=models.BooleanField(),
            )
        )
    fts = f"{table}_fts"
    return Q(
        pk__in=RawSQL(  # noqa: S611 - fixed SQL, the query is a parameter
            f'SELECT rowid FROM "{fts}" WHERE "{fts}" MATCH %s',  # noqa: S608 - our own table name
            [" ".join(f'"{word}"*' for word in words)],
        )
    )


# --- Schema (migration 0004) ------------------------------------------------------------------------

SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS documents_document_fts USING fts5(
        search_text, content='documents_document', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER IF NOT EXISTS documents_document_fts_insert AFTER INSERT ON documents_document BEGIN
        INSERT INTO documents_document_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS documents_document_fts_delete AFTER DELETE ON documents_document BEGIN
        INSERT INTO documents_document_fts(documents_document_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS documents_document_fts_update AFTER UPDATE OF search_text
        ON documents_document BEGIN
        INSERT INTO documents_document_fts(documents_document_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO documents_document_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    "INSERT INTO documents_document_fts(documents_document_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS documents_document_fts_insert",
    "DROP TRIGGER IF EXISTS documents_document_fts_delete",
    "DROP TRIGGER IF EXISTS documents_document_fts_update",
    "DROP TABLE IF EXISTS documents_document_fts",
]
POSTGRES_CREATE = [
    "ALTER TABLE documents_document ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS documents_document_fts ON documents_document USING gin (search_vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS documents_document_fts",
    "ALTER TABLE documents_document DROP COLUMN IF EXISTS search_vector",
]


def create_schema(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for statement in (
        SQLITE_CREATE if vendor == "sqlite" else POSTGRES_CREATE if vendor == "postgresql" else []
    ):
        schema_editor.execute(statement)


def drop_schema(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for statement in SQLITE_DROP if vendor == "sqlite" else POSTGRES_DROP if vendor == "postgresql" else []:
        schema_editor.execute(statement)
