"""Full-text search over documents (PostgreSQL): the product's search against a plain scan.

    python bench/bench_document_search.py [DOCUMENTS]        (default 1,000,000)

Loads DOCUMENTS documents once into their own bench database (``dangvu_bench_documents``, or
``DANGVU_BENCH_DOCUMENTS_URL``) with COPY, the table's indexes built after the rows
(bench/document_corpus.py: folded Vietnamese syllables with the frequencies of real administrative text,
a long tail of rarer syllables, names, numbers and OCR misreadings; 70 % incoming documents with an OCR
text, 30 % outgoing with a body; a number and symbol each). A table comment records what was loaded, so a
database loaded otherwise (or by an older loader) is loaded again rather than measured.

Then 200 distinct query texts in classes, each class drawn from the loaded documents so that every query
has matches: very common words, short prefixes as typed ("ng", "th"), phrases of a subject, a phrase with
its last word cut short, rare words (a name, a misread syllable) alone and with a common word,
document numbers written in the several ways people write them, and fragments: a piece of a symbol
("NQ/T", served by the trigram index on the number's key) and a piece from inside a subject's words
(served by the subject's trigram index when no word starts so). Each text is run:

* product — ``search_documents`` (what the documents list runs), newest first, first page of 50;
* baseline — the same meaning without any index: every query word starts a word of ``search_text``
  (``LIKE``), or the number key matches (or contains the symbol's piece), else the fragment inside the
  subject or the number, newest first, first page of 50 (PostgreSQL stops when the page
  is full, so the baseline is cheap for common words too: the best one can do without the index).

Both pages must be the same documents (recall checked on every query: any difference, or a class with a
query that matches nothing, fails the run). Pass 1 runs each text once (nothing of it cached by an earlier
run of the same text); pass 2 repeats them (warm). Cold runs (server restarted, page cache dropped) only
with ``BENCH_COLD=1`` on a server one may restart (``common.make_cold``).

``BENCH_COLD=evict``, for a shared server that must not be restarted: a first pass where, before each
text, the files of this database only (``base/<oid>/`` under ``DANGVU_BENCH_PG_DATA``, default
``/work/benchpg/data``) are evicted from the operating system's page cache (``vmtouch -e``) and the text
runs on a new connection (a new server process: its catalogue caches empty). PostgreSQL's own
``shared_buffers`` stay as they are (only a restart empties them): what they hold of the table and its
indexes is read warm, so these figures are "OS cache cold", between warm and a restarted server.

Goals (issue #13): p95 ≤ 100 ms and ≤ 1/100 of the scan; the index ≤ 0.5× the text it covers.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import statistics
import sys
import time
from typing import Any

os.environ.setdefault(
    "DANGVU_BENCH_DATABASE_URL",
    os.environ.get("DANGVU_BENCH_DOCUMENTS_URL", "postgres://postgres@127.0.0.1:5432/dangvu_bench_documents"),
)

import common
import document_corpus

DOCUMENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
PAGE = 50
CHUNK = 10_000
LOADER = "document_corpus v2"  # v2: subject_key
# Query classes: name → how many distinct texts.
CLASSES = {
    "common word": 20,
    "short prefix": 20,
    "subject phrase": 40,
    "phrase, last word typed": 30,
    "rare word": 30,
    "rare + common": 30,
    "number": 30,
    "number fragment": 10,
    "subject fragment": 10,
}

_vocabulary: document_corpus.Vocabulary | None = None


def _chunk(arguments: tuple[int, int, int, int]) -> bytes:
    global _vocabulary
    if _vocabulary is None:
        _vocabulary = document_corpus.Vocabulary()
    start, stop, org_id, type_id = arguments
    return document_corpus.document_rows(start, stop, _vocabulary, org_id, type_id).encode()


def load(documents: int) -> None:
    """COPY the documents in, the table's secondary indexes dropped first and built after."""
    from django.db import connection

    from dangvu.documents.models import DocumentType
    from dangvu.orgs.models import Org, OrgType

    marker = f"{LOADER}: {documents}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description('documents_document'::regclass, 'pg_class')")
        if cursor.fetchone()[0] == marker:
            return
    org = Org.objects.filter(code="BENCH").first() or Org.add_root(
        name="Đảng bộ bench", code="BENCH", org_type=OrgType.objects.get(code="dang-bo-tinh")
    )
    kind = DocumentType.objects.get(code="cong-van")
    started = time.perf_counter()
    raw = connection.connection  # psycopg: COPY
    with connection.cursor() as cursor:
        cursor.execute("COMMENT ON TABLE documents_document IS NULL")
        cursor.execute("TRUNCATE documents_document RESTART IDENTITY CASCADE")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'documents_document'"
            " AND indexname NOT IN ('documents_document_pkey')"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            constraint = name in ("documents_document_source_delivery_id_key",)
            if constraint:
                cursor.execute(f'ALTER TABLE documents_document DROP CONSTRAINT "{name}"')
            else:
                cursor.execute(f'DROP INDEX "{name}"')
    columns = ", ".join(document_corpus.COLUMNS)
    work = [(s, min(documents, s + CHUNK), org.pk, kind.pk) for s in range(0, documents, CHUNK)]
    with (
        multiprocessing.get_context("fork").Pool(2) as pool,
        raw.cursor() as cursor,
        cursor.copy(f"COPY documents_document ({columns}) FROM STDIN") as copy,
    ):
        for done, data in enumerate(pool.imap(_chunk, work), start=1):
            copy.write(data)
            if done % 20 == 0:
                print(f"  … {done * CHUNK:,} rows, {time.perf_counter() - started:.0f} s", flush=True)
    copied = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for name, definition in indexes:
            if name == "documents_document_source_delivery_id_key":
                cursor.execute(
                    "ALTER TABLE documents_document ADD CONSTRAINT documents_document_source_delivery_id_key"
                    " UNIQUE (source_delivery_id)"
                )
            else:
                cursor.execute(definition)
        cursor.execute("VACUUM ANALYZE documents_document")
        cursor.execute(f"COMMENT ON TABLE documents_document IS '{marker}'")
    print(
        f"  loaded {documents:,} documents: COPY {copied:.0f} s, indexes and analyze "
        f"{time.perf_counter() - started - copied:.0f} s"
    )


def query_texts(documents: int) -> dict[str, list[str]]:
    """The query texts by class, each distinct, drawn from the loaded documents."""
    from dangvu.documents.models import Document

    vocabulary = document_corpus.Vocabulary()
    rank = {word: i for i, word in enumerate(vocabulary.words)}
    rng = random.Random(7)
    seen: set[str] = set()
    classes: dict[str, list[str]] = {name: [] for name in CLASSES}
    sample = list(
        Document.objects.filter(pk__in=[rng.randint(1, documents) for _ in range(2000)]).values_list(
            "subject", "search_text", "number_text"
        )
    )

    def add(name: str, text: str) -> None:
        text = " ".join(text.split())
        if text and text not in seen and len(classes[name]) < CLASSES[name]:
            seen.add(text)
            classes[name].append(text)

    for word in vocabulary.common:
        add("common word", word)
    prefixes = ["ng", "th", "qu", "tr", "ch", "nh", "kh", "ph", "gi", "ca", "ho", "ba", "d", "t", "n"]
    prefixes += ["ng th", "qu tr", "d v"]
    prefixes += [w[:3] for w in vocabulary.common[:10]]
    for prefix in prefixes:
        add("short prefix", prefix)
    # Words of every number and sender (not in the vocabulary, yet common): not "rare".
    frequent = {
        w
        for text in [*document_corpus.ABBREVIATIONS, *document_corpus.ORGANS, *document_corpus.SENDERS]
        for w in document_corpus.fold(text).split()
    }
    for subject, text, number in sample:
        words = document_corpus.fold(subject).split()
        start = rng.randrange(max(1, len(words) - 3))
        add("subject phrase", " ".join(words[start : start + rng.choice([2, 2, 3])]))
        add("phrase, last word typed", " ".join([*words[start : start + 1], words[start + 1][:3]]))
        tokens = [t for t in text.split() if t.isalpha() and t not in frequent]
        # One of the document's rarer words (a name, a tail syllable, a misread one), not always the rarest.
        rarest = sorted(set(tokens), key=lambda t: -rank.get(t, len(rank)))[:4]
        rare = rng.choice(rarest)
        add("rare word", rare)
        add("rare + common", f"{rng.choice(vocabulary.common[:20])} {rare}")
        n, rest = number.split("-", 1)
        abbreviation, organ = rest.split("/")
        style = rng.randrange(4)
        written = [
            number,
            f"{int(n)}/{abbreviation}-{organ}",
            f"số {int(n)} {abbreviation} {organ}",
            f"Số: {n}-{abbreviation}/{organ}",
        ][style]
        add("number", written)
        # A piece of a symbol ("NQ/T", "-KH/BT") and a piece from inside the subject ("uyen do").
        add("number fragment", rng.choice(["", "-"]) + f"{abbreviation}/{organ[: rng.choice([1, 2, 3])]}")
        long = [i for i, w in enumerate(words[:-1]) if len(w) >= 5]
        if long:
            i = rng.choice(long)
            add("subject fragment", f"{words[i][rng.choice([1, 2]) :]} {words[i + 1][:2]}")
    for name, texts in classes.items():
        if len(texts) < CLASSES[name]:
            raise SystemExit(f"query class {name!r}: only {len(texts)} distinct texts")
    return classes


def evicted(classes: dict[str, list[str]], product: Any) -> dict[str, list[float]]:
    """Each text on a new connection after this database's files left the OS page cache (``vmtouch -e``
    on ``base/<oid>/``; the server is not restarted, its shared_buffers stay warm)."""
    import subprocess

    from django.db import connection, connections

    with connection.cursor() as cursor:
        cursor.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
        oid = cursor.fetchone()[0]
    directory = os.path.join(os.environ.get("DANGVU_BENCH_PG_DATA", "/work/benchpg/data"), "base", str(oid))
    if not os.path.isdir(directory):
        raise SystemExit(f"BENCH_COLD=evict: no {directory} (set DANGVU_BENCH_PG_DATA)")
    times: dict[str, list[float]] = {name: [] for name in classes}
    for name, texts in classes.items():
        for query in texts:
            connections.close_all()
            subprocess.run(["vmtouch", "-q", "-e", directory], check=True)
            connection.ensure_connection()
            started = time.perf_counter()
            product(query)
            times[name].append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    common.create_database()
    common.setup_django()
    from django.core.management import call_command
    from django.db import connection

    from dangvu.documents.fulltext import terms, words_only
    from dangvu.documents.models import Document
    from dangvu.documents.numbers import number_key
    from dangvu.documents.search import (
        _LOOKS_LIKE_NUMBER,
        _SYMBOL_PIECE,
        FRAGMENT_MIN,
        fragment_fallback,
        search_documents,
    )

    call_command("migrate", verbosity=0)
    load(DOCUMENTS)
    order = ("-created_at", "-pk")

    def product(query: str) -> list[int]:
        rows = search_documents(None, query, Document.objects.all()).order_by(*order)
        return list(rows.values_list("pk", flat=True)[:PAGE])

    def baseline_rows(query: str) -> Any:
        """The same meaning as the product's, every condition on an expression no index serves."""
        words = terms(query)
        where = " AND ".join(["(search_text LIKE %s OR search_text LIKE %s)"] * len(words)) or "TRUE"
        params: list[object] = [p for word in words for p in (f"{word}%", f"% {word}%")]
        key = number_key(query)
        if _LOOKS_LIKE_NUMBER.match(query):
            where = f"((number_key || '') = %s OR ({where}))"
            params = [key, *params]
        elif _SYMBOL_PIECE.search(query) and len(key.replace(" ", "")) >= FRAGMENT_MIN:
            where = f"((number_key || '') LIKE %s OR ({where}))"
            params = [f"%{key}%", *params]
        if fragment_fallback(query) and not Document.objects.extra(where=[where], params=params).exists():  # noqa: S610
            where = "(subject_key || '') LIKE %s"
            params = [f"%{words_only(query)}%"]
            if len(key.replace(" ", "")) >= FRAGMENT_MIN:
                where += " OR (number_key || '') LIKE %s"
                params.append(f"%{key}%")
        return (
            Document.objects.extra(  # noqa: S610 - fixed SQL, the words are parameters
                where=[where], params=params
            )
            .order_by(*order)
            .values("pk")[:PAGE]
        )

    def baseline(query: str) -> list[int]:
        return [row["pk"] for row in baseline_rows(query)]

    def analyze(sql: str, params: list[object] | tuple[object, ...]) -> str:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            lines = [row[0] for row in cursor.fetchall()]
        keep = [
            line.strip()
            for line in lines
            if any(k in line for k in ("Scan", "Execution", "Limit", "Sort", "Recursive", "Buffers"))
        ]
        return "\n      ".join(keep[:14])

    print("## documents full-text search (PostgreSQL)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE direction = 'incoming') FROM documents_document"
        )
        total, incoming = cursor.fetchone()
    print(f"  documents: {total:,} ({incoming:,} incoming with OCR text); load average {os.getloadavg()}")
    classes = query_texts(DOCUMENTS)
    sample = classes["common word"][0] + " " + classes["rare word"][0]
    sql, params = baseline_rows(sample).query.sql_with_params()
    common.print_baseline(f"plain scan, first page of {sample!r}", sql, params)
    print("    ANALYZE: " + analyze(sql, params))

    cold = common.make_cold()
    passes: list[tuple[str, dict[str, list[float]], dict[str, list[float]]]] = []
    if os.environ.get("BENCH_COLD") == "evict":
        passes.append(
            ("OS cache evicted before each text (shared_buffers warm)", evicted(classes, product), {})
        )
    mismatches: list[tuple[str, str]] = []
    empty: list[tuple[str, str]] = []
    runs: list[tuple[float, str, str]] = []
    scan_times: dict[str, list[float]] = {name: [] for name in classes}
    labels = ["first run of each text" + (" (cold server)" if cold else ""), "again (warm)"]
    if passes:
        labels[0] = "first run after the OS-cold pass"
    for label in labels:
        fast: dict[str, list[float]] = {name: [] for name in classes}
        for name, texts in classes.items():
            for query in texts:
                started = time.perf_counter()
                page = product(query)
                elapsed = (time.perf_counter() - started) * 1000
                fast[name].append(elapsed)
                if label == labels[0]:
                    runs.append((elapsed, name, query))
                    started = time.perf_counter()
                    expected = baseline(query)
                    scan_times[name].append((time.perf_counter() - started) * 1000)
                    if not expected:
                        empty.append((name, query))
                    if page != expected:
                        mismatches.append((name, query))
        passes.append((label, fast, scan_times))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size('documents_document_fts'), pg_relation_size('documents_document_number_trgm'),"
            " pg_relation_size('documents_document_subject_trgm'), sum(octet_length(search_text)),"
            " sum(pg_column_size(search_vector)), pg_table_size('documents_document')"
            " FROM documents_document"
        )
        word_bytes, number_bytes, subject_bytes, text_bytes, vector_bytes, table_bytes = cursor.fetchone()
        index_bytes = word_bytes + number_bytes + subject_bytes

    for elapsed, name, query in sorted(runs, reverse=True)[:4]:
        sql, params = (
            search_documents(None, query, Document.objects.all())
            .order_by(*order)
            .values("pk")[:PAGE]
            .query.sql_with_params()
        )
        print(
            f"\n  slowest: {query!r} ({name}, {elapsed:.0f} ms first run); again:\n      {analyze(sql, params)}"
        )

    def p95(values: list[float]) -> float:
        return common.percentile(values, 0.95)

    print(
        f"\n  {sum(CLASSES.values())} distinct texts, each run once per pass; load average {os.getloadavg()}"
    )
    all_scan = [t for ts in scan_times.values() for t in ts]
    print(f"  {'class':<26} {'n':>3} {'scan p50':>9} {'scan p95':>9}   product p50 / p95 per pass")
    for name in classes:
        cells = "   ".join(f"{statistics.median(f[name]):7.1f} / {p95(f[name]):7.1f}" for _l, f, _s in passes)
        print(
            f"  {name:<26} {len(classes[name]):>3} {statistics.median(scan_times[name]):9.1f}"
            f" {p95(scan_times[name]):9.1f}   {cells}"
        )
    for label, fast, _scan in passes:
        every = [t for ts in fast.values() for t in ts]
        print(
            f"  {label}: product p50 {statistics.median(every):.1f} ms, p95 {p95(every):.1f} ms"
            f" (goal ≤ 100 ms); scan p50 {statistics.median(all_scan):.1f} ms, p95 {p95(all_scan):.1f} ms;"
            f" ratio p50 1/{statistics.median(all_scan) / statistics.median(every):.0f},"
            f" p95 1/{p95(all_scan) / p95(every):.0f} (goal ≤ 1/100)"
        )
    if not cold and os.environ.get("BENCH_COLD") != "evict":
        print(
            "  (cold: not measured; BENCH_COLD=1 restarts the server, for a server of one's own; BENCH_COLD=evict"
        )
        print("   evicts this database's files from the OS cache before each text)")
    print(
        f"  indexes: words {word_bytes / 2**20:.0f} MB, trigrams of the number {number_bytes / 2**20:.0f} MB"
        f" and of the subject {subject_bytes / 2**20:.0f} MB;"
        f" together {index_bytes / 2**20:.0f} MB for {text_bytes / 2**20:.0f} MB of text: "
        f"{index_bytes / text_bytes:.2f}× (goal ≤ 0.5×); the stored vectors in the rows "
        f"{vector_bytes / 2**20:.0f} MB ({vector_bytes / text_bytes:.2f}×); table {table_bytes / 2**20:.0f} MB"
    )
    print(
        f"  recall: pages differing from the scan's: {len(mismatches)}; queries matching nothing: {len(empty)}"
    )
    for name, query in mismatches[:10]:
        print(f"    differs: {name}: {query!r}")
    for name, query in empty[:10]:
        print(f"    matches nothing: {name}: {query!r}")
    if mismatches or empty:
        raise SystemExit("recall check failed: the benchmark or the search is wrong")


if __name__ == "__main__":
    main()
