"""Full-text search over documents: number and symbol, subject, sender, body and OCR text.

Each document keeps ``search_text``: its words folded (no accents, lower case, đ → d) and separated by
single spaces (``words_only``), so one tokenisation serves both databases and the query:

* embedded default (SQLite): an FTS5 table over that column (external content, kept in step by
  database triggers, created in migration 0004), queried with prefix terms (``"chuyen"* "doi"*``);
* PostgreSQL: a stored generated column ``search_vector = strip(to_tsvector('simple', search_text))``
  (the ``simple`` configuration because the text is already folded and Vietnamese has no stemmer; no
  positions, which nothing reads) with a GIN index, queried with ``to_tsquery`` prefix terms
  (``chuyen:* & doi:*``). Stored, because for a common word the planner walks the newest documents
  first and tests each one: recomputing the vector per row made that 20× slower (bench/
  bench_document_search.py). The column is not a model field: the database computes it on every write.
  Words in most documents are tested on the rows the other words found rather than read from the index
  (``matches``).

Why not trigram indexes over everything (what members use): bodies and OCR text are long; a trigram
index on them is several times the text, where the word index is a fraction of it. Numbers are found by
their normalised key (``number_key``, a b-tree index), whatever way they are written; pieces of a number
("NQ/T") and of a subject (inside a word) through trigram indexes on ``number_key`` and ``subject_key``
only (dangvu.documents.search; bench/bench_document_search.py prints every index's size).

A page newest first: ``NewestWindow`` reads it from a window of the newest documents when that window
holds it (a phrase in a few thousand documents would otherwise read them all to sort them).

Every word of the query must start a word of the document (the member search's rule).
"""

from __future__ import annotations

import bisect
import contextvars
import math
import re
from typing import Any, TypeVar

from django.core.exceptions import FullResultSet
from django.db import connection, models
from django.db.models import F, Q
from django.db.models.expressions import Expression, RawSQL

from dangvu.core.search import planner_statistics
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
    """``rows`` whose text has a word starting with every word of ``query`` (or that meet ``or_``).
    On PostgreSQL, a page of them newest first is read from the newest documents first
    (``NewestWindow``)."""
    window = window_share(rows.model._meta.db_table, terms(query)) if connection.vendor == "postgresql" else 0
    condition = matches(rows.model, query, windowed=window > 0)
    if condition is None:
        return rows.filter(or_) if or_ is not None else rows
    found = rows.filter(condition | or_ if or_ is not None else condition)
    return found.filter(NewestWindow(window)) if window > 0 else found


def matches(model: type[models.Model], query: str, *, windowed: bool = False) -> Q | None:
    """The condition "the text has a word starting with every word of ``query``" on a row of ``model``
    (None: the query has no words). A condition on the row itself, so that PostgreSQL can combine it
    with others on the same row: "number key = … OR words match" is two index scans ORed in a bitmap,
    where "… OR id IN (matches)" was a subplan run for every row walked.

    PostgreSQL: the words the index should answer go to ``@@`` (which the GIN index serves); words in a
    large share of the documents (``split_common``) are tested on each row found instead
    (``ts_match_vq``, the same test as a function, which no index serves). A word in most documents
    ("dang"), or a short prefix ("ng", "th": hundreds of index entries, together in nearly every
    document) would otherwise make the index read and OR their long posting lists into a bitmap of most
    of the table before the rare word's few documents are kept. ``windowed``: the rows will be read in a
    window of the newest documents (``NewestWindow``), few enough to test every word but the rarest on
    them. When every word is common, the most selective one stays in ``@@``: the planner then walks the
    newest documents and tests each, and stops after a page (matches are dense), or reads the index when
    it expects few matches."""
    words = terms(query)
    if not words:
        return None
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        indexed, tested = split_common(table, words, windowed=windowed)
        sql = f'"{table}"."search_vector" @@ to_tsquery(\'simple\'::regconfig, %s)'
        params = [_tsquery(indexed)]
        if tested:
            sql += f' AND ts_match_vq("{table}"."search_vector", to_tsquery(\'simple\'::regconfig, %s))'
            params.append(_tsquery(tested))
        return Q(RawSQL(sql, params, output_field=models.BooleanField()))  # noqa: S611 - values are parameters
    fts = f"{table}_fts"
    return Q(
        pk__in=RawSQL(  # noqa: S611 - fixed SQL, the query is a parameter
            f'SELECT rowid FROM "{fts}" WHERE "{fts}" MATCH %s',  # noqa: S608 - our own table name
            [" ".join(f'"{word}"*' for word in words)],
        )
    )


def _tsquery(words: list[str]) -> str:
    return " & ".join(f"{word}:*" for word in words)


# What reading one document found by the index costs (a heap row, and its vector tested), in posting
# list entries read from the index: a word's postings are worth reading when they spare more rows.
ROW_COST_IN_POSTINGS = 50


def split_common(table: str, words: list[str], *, windowed: bool = False) -> tuple[list[str], list[str]]:
    """(words for the index, words to test on each row found). The most selective word goes to the
    index; each further word, rarest first, too when the rows it would spare (the documents found so
    far that lack it) cost more than reading its postings, otherwise it is tested on the rows. In a
    window (``windowed``) only the most selective word: the window spares the rows."""
    if len(words) < 2:
        return words, []
    shares = {word: share(table, word) for word in words}
    ordered = sorted(words, key=lambda word: shares[word])
    if windowed:
        return [ordered[0]], [w for w in words if w != ordered[0]]
    found = shares[ordered[0]]
    indexed = [ordered[0]]
    for word in ordered[1:]:
        if found * (1 - shares[word]) * ROW_COST_IN_POSTINGS > shares[word]:
            indexed.append(word)
            found *= shares[word]
    return [w for w in words if w in indexed], [w for w in words if w not in indexed]


def share(table: str, prefix: str) -> float:
    """An upper bound of the share of documents holding a word that starts with ``prefix``, from the
    planner's statistics of ``search_vector`` (the most common words and their shares): the sum of the
    shares of the common words it starts, at most 1; 0 for a word the statistics do not list (rare, or
    no statistics yet)."""
    common = _word_frequencies(table)
    start = bisect.bisect_left(common, (prefix,))
    total = 0.0
    for word, frequency in common[start:]:
        if not word.startswith(prefix):
            break
        total += frequency
    return min(1.0, total)


def _word_frequencies(table: str) -> list[tuple[str, float]]:
    """[(word, share of documents)] of the most common words, sorted by word: the statistics ANALYZE
    keeps of ``search_vector`` (``pg_stats.most_common_elems``), read once every few minutes."""

    def read() -> list[tuple[str, float]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats"
                " WHERE schemaname = current_schema() AND tablename = %s AND attname = 'search_vector'",
                [table],
            )
            row = cursor.fetchone()
        words, shares = row if row else (None, None)
        return sorted(zip(words or [], shares or [], strict=False))

    return planner_statistics(f"documents.{table}", read)


# --- Newest first, the newest documents first (PostgreSQL) ------------------------------------------

# The window is sized to hold this many times the matches the page needs, by the words' shares.
WINDOW_MARGIN = 4
# Windows tried before the whole table is read; a window over more than this share of the table is the
# whole table.
WINDOW_PROBES = 3
WINDOW_MAX_SHARE = 0.5
# A query whose rarest word is in more than this share of the documents: the planner walks the newest
# documents and tests each, and stops after the page (a window would only add its count).
WINDOW_COMMON_SHARE = 0.05
# The page a list shows first (the window is chosen at match time for it, and sized when the query runs).
WINDOW_PAGE = 50

_probing: contextvars.ContextVar[bool] = contextvars.ContextVar("newest_window_probing", default=False)


class NewestWindow(Expression):
    """The page's rows, read from the newest documents first.

    A page of matches newest first otherwise reads every match from the table to sort them: for a phrase
    in a few thousand documents, thousands of rows for fifty. Instead the query runs first on a window of
    the newest documents (``created_at >= T``, T from the planner's histogram of ``created_at``, the
    window sized by the words' shares to hold several pages: ``window_share``), newest first, up to the
    end of the page being read. When the window holds that many rows they are the page: every match
    outside the window is older than every match inside. The condition is then "one of those rows" (the
    query itself reads them again by their keys). Otherwise a wider window (sized by the matches found),
    then none: the page is always the one the whole table gives.

    The query's slice decides it, so the condition is written when the query is compiled (just before it
    runs, the window read then): an unsliced query (a count, an export, ``exists``), a query in another
    order, or the window's own query compile to no condition at all."""

    conditional = True

    def __init__(self, share: float, created: Any = None, key: Any = None) -> None:
        super().__init__(output_field=models.BooleanField())
        self.share = share
        self.created = created if created is not None else F("created_at")
        self.key = key if key is not None else F("pk")

    def get_source_expressions(self) -> list[Any]:
        return [self.created, self.key]

    def set_source_expressions(self, exprs: Any) -> None:
        self.created, self.key = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        query = compiler.query
        if _probing.get() or query.high_mark is None or self.share <= 0 or not _newest_first(query):
            raise FullResultSet
        window = _window_rows(query, compiler.using, self.share)
        if window is None:
            raise FullResultSet
        bound, keys = window
        created, created_params = compiler.compile(self.created)
        key, key_params = compiler.compile(self.key)
        return f"{created} >= %s AND {key} = ANY(%s)", (*created_params, bound, *key_params, keys)


def window_share(table: str, words: list[str]) -> float:
    """The share of documents a window is sized by: the product of the words' shares (the words of a
    phrase go together, so the query's share is larger, and the window holds more than it needs rather
    than too few); 0 (no window) when a word is rare (not in the statistics: few matches, read them all)
    or when the query is common (``WINDOW_COMMON_SHARE``: the planner walks the newest documents), or so
    rare that a first page's window would be most of the table."""
    shares = [share(table, word) for word in words]
    if not shares or min(shares) <= 0:
        return 0.0
    product = math.prod(shares)
    total, _bounds = _created_statistics(table)
    if product * total * WINDOW_MAX_SHARE < WINDOW_PAGE * WINDOW_MARGIN:
        return 0.0
    return product if product <= WINDOW_COMMON_SHARE else 0.0


def _newest_first(query: Any) -> bool:
    order = tuple(query.order_by) or (tuple(query.get_meta().ordering) if query.default_ordering else ())
    return order in (("-created_at", "-pk"), ("-created_at", "-id")) and not query.combinator


def _window_rows(query: Any, using: str, share_: float) -> tuple[Any, list[Any]] | None:
    """(T, the keys of the query's rows up to its end, newest first, among documents created from T on)
    for the narrowest window tried that holds them all; None when none does."""
    total, bounds = _created_statistics(query.get_meta().db_table)
    need = query.high_mark
    if total <= 0 or len(bounds) < 2:
        return None
    rows = need / share_ * WINDOW_MARGIN
    for _ in range(WINDOW_PROBES):
        fraction = rows / total
        if fraction > WINDOW_MAX_SHARE:
            return None
        # Rows at or after bounds[k]: about (len - 1 - k) / (len - 1) of the table; round down (wider).
        bound = bounds[int((len(bounds) - 1) * (1 - fraction))]
        probe = query.clone()
        probe.add_q(Q(created_at__gte=bound))
        probe.low_mark, probe.high_mark = 0, need
        probe.clear_select_clause()
        probe.add_fields(["pk"])
        token = _probing.set(True)
        try:
            keys = [row[0] for row in probe.get_compiler(using).results_iter()]
        finally:
            _probing.reset(token)
        if len(keys) >= need:
            return bound, keys
        found = len(keys)
        rows = max(rows * 4, rows * need / found * 2) if found else rows * 16
    return None


def _created_statistics(table: str) -> tuple[float, list[Any]]:
    """(estimated rows, the ``created_at`` histogram's bounds, oldest first) from the planner's
    statistics; (0, []) before ANALYZE."""

    def read() -> tuple[float, list[Any]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.reltuples, s.histogram_bounds::text::timestamptz[] FROM pg_class c"
                " LEFT JOIN pg_stats s ON s.schemaname = current_schema() AND s.tablename = c.relname"
                " AND s.attname = 'created_at' WHERE c.oid = %s::regclass",
                [table],
            )
            row = cursor.fetchone()
        return (float(row[0]), list(row[1] or [])) if row else (0.0, [])

    return planner_statistics(f"documents.{table}.created_at", read)


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
    "GENERATED ALWAYS AS (strip(to_tsvector('simple'::regconfig, search_text))) STORED",
    "CREATE INDEX IF NOT EXISTS documents_document_fts ON documents_document USING gin (search_vector)",
]
# Before migration 0009: the vector with the words' positions (twice the size, never read).
POSTGRES_CREATE_WITH_POSITIONS = [
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
