"""Full-text search over documents (PostgreSQL): the GIN word index against a plain scan.

    python bench/bench_document_search.py [DOCUMENTS]        (default 1,000,000)

Loads DOCUMENTS incoming documents once into their own bench database (``dangvu_bench_documents``,
or ``DANGVU_BENCH_DOCUMENTS_URL``): subjects and bodies of about 60 words drawn from an administrative
vocabulary with a Zipf-like frequency (a few very common words, a long tail), so queries range from
"dang" (in most documents) to rare words. Then 200 distinct queries of 1 to 3 words, each run once:

* indexed — what the documents list runs: ``fulltext.match`` (the word index), newest first, first
  page of 50;
* baseline — the best plain query without the index: the same word-start rule as ``LIKE`` patterns over
  the folded text, newest first, first page of 50 (PostgreSQL stops scanning when the page is full,
  which makes common words cheap for it too).

Both answer the same documents (checked on every query). Goals (issue #13): p95 ≤ 100 ms and ≤ 1/100 of
the scan; the index ≤ 0.5× the text it covers. Prints both plans' summaries, p50/p95 and the ratios.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time

os.environ.setdefault(
    "DANGVU_BENCH_DATABASE_URL",
    os.environ.get("DANGVU_BENCH_DOCUMENTS_URL", "postgres://postgres@127.0.0.1:5432/dangvu_bench_documents"),
)

import common

DOCUMENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
QUERIES = 200
PAGE = 50

# Folded administrative words, most common first (their order sets the Zipf-like frequency).
_WORDS = """
dang uy ban thuong vu chi bo cong tac ve viec trien khai thuc hien ke hoach nghi quyet quyet dinh
bao cao to chuc can bo kiem tra giam sat tuyen giao dan van chuyen doi so phat trien dang vien kinh
te xa hoi tinh huyen xa phuong thi tran nhan dan mat tran to quoc doan thanh nien phu nu cuu chien
binh nong dan hoc tap lam theo tu tuong dao duc phong cach ho chi minh nam 2025 2026 quy 1 2 3 4
thang tong ket so ket danh gia xep loai chat luong to chuc co so dang vien hang nam dai hoi nhiem ky
bau cu hoi dong nhan dan quoc phong an ninh trat tu an toan giao thong phong chong tham nhung lang
phi tieu cuc cai cach hanh chinh van thu luu tru so hoa ho so chu ky so van ban dien tu hop truc
tuyen cong nghe thong tin du lieu giao duc dao tao y te van hoa the thao du lich moi truong tai
nguyen dat dai xay dung quy hoach nong thon moi giam ngheo ben vung an sinh chinh sach nguoi co cong
thuong binh liet si doi ngoai dan toc ton giao thi dua khen thuong ky luat khieu nai to cao tiep
cong dan bao ve bi mat nha nuoc luat dieu le huong dan quy dinh quy che chuong trinh hanh dong de an
phuong an ket luan thong bao cong van giay moi ninh binh hiep yen an phu dong tien gia vien kim son
yen khanh nho quan tam diep hoa lu yen mo bao hiem tai chinh ngan sach dau tu cong thu chi dang phi
quan ly tai san ke toan kiem toan
"""
VOCABULARY = _WORDS.split()
# The long tail real text has (names, places, terms seen in a few documents): syllable pairs, rarer the
# further down the list.
_SYLLABLE_TEXT = (
    "an anh bao binh cam chau cuong dai dat diep dinh duc duong giang ha hai han hanh hieu hoa hoang hung huong"
    " khanh khoa kien lam lan linh loc long mai minh my nam nga ngoc nguyen nhan nhung phong phu phuc quang"
    " quoc son tam tan thang thanh thao thinh thu thuy tien tin toan trang tri trung tu tuan tung uyen van"
    " viet vinh xuan yen"
)
_SYLLABLES = _SYLLABLE_TEXT.split()
TAIL = [a + b for a in _SYLLABLES for b in _SYLLABLES if a != b]
random.Random(3).shuffle(TAIL)


def weights(count: int) -> list[float]:
    return [1 / (rank + 1) ** 0.9 for rank in range(count)]


def load(documents: int) -> None:
    from django.db import connection

    from dangvu.documents.models import Document, DocumentType
    from dangvu.orgs.models import Org, OrgType

    if Document.objects.count() >= documents:
        return
    Document.objects.all().delete()
    org = Org.objects.filter(code="BENCH").first() or Org.add_root(
        name="Đảng bộ bench", code="BENCH", org_type=OrgType.objects.get(code="dang-bo-tinh")
    )
    kind = DocumentType.objects.get(code="cong-van")
    vocabulary = VOCABULARY + TAIL
    rng = random.Random(13)
    w = weights(len(vocabulary))
    started = time.perf_counter()
    batch = 20_000
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS documents_document_fts")
        for start in range(0, documents, batch):
            rows = []
            for i in range(start, min(documents, start + batch)):
                subject = " ".join(rng.choices(vocabulary, w, k=rng.randint(6, 14)))
                body = " ".join(rng.choices(vocabulary, w, k=rng.randint(30, 70)))
                rows.append((i, subject, f"{subject} van phong tinh uy {body}"))
            Document.objects.bulk_create(
                [
                    Document(
                        direction="incoming",
                        registry_org=org,
                        doc_type=kind,
                        status="registered",
                        subject=subject,
                        sender_name="Văn phòng Tỉnh ủy",
                        register_year=2026,
                        search_text=text,
                    )
                    for _i, subject, text in rows
                ],
                batch_size=5000,
            )
        cursor.execute("CREATE INDEX documents_document_fts ON documents_document USING gin (search_vector)")
        cursor.execute("VACUUM ANALYZE documents_document")
    print(f"  loaded {documents:,} documents in {time.perf_counter() - started:.0f} s")


def queries(rng: random.Random) -> list[str]:
    """200 distinct queries: 1–3 words, common and rare."""
    seen: set[str] = set()
    vocabulary = VOCABULARY + TAIL
    w = weights(len(vocabulary))
    while len(seen) < QUERIES:
        words = rng.choices(vocabulary, w, k=rng.choice([1, 2, 2, 3]))
        if rng.random() < 0.4:
            words[-1] = rng.choice(TAIL)  # a rare word (a name, a place)
        if rng.random() < 0.2:
            words[-1] = words[-1][: max(3, len(words[-1]) - 2)]  # a prefix, as typed
        seen.add(" ".join(dict.fromkeys(words)))
    return sorted(seen)


def main() -> None:
    common.create_database()
    common.setup_django()
    from django.core.management import call_command
    from django.db import connection

    from dangvu.documents.fulltext import match, terms
    from dangvu.documents.models import Document

    call_command("migrate", verbosity=0)
    load(DOCUMENTS)

    def indexed(query: str) -> list[int]:
        return list(match(Document.objects.all(), query).order_by("-pk").values_list("pk", flat=True)[:PAGE])

    def scan(query: str) -> list[int]:
        rows = Document.objects.all()
        for word in terms(query):
            rows = rows.extra(  # the plain word-start rule, no index: what one writes without FTS
                where=["(search_text LIKE %s OR search_text LIKE %s)"], params=[f"{word}%", f"% {word}%"]
            )
        return list(rows.order_by("-pk").values_list("pk", flat=True)[:PAGE])

    def plan(function_sql: str, params: list[object]) -> str:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) " + function_sql, params)
            lines = [row[0] for row in cursor.fetchall()]
        return " | ".join(line.strip() for line in lines if "Scan" in line or "Execution" in line)[:400]

    sample = "dang vien"
    print("## documents full-text search (PostgreSQL)")
    print(f"  documents: {Document.objects.count():,}")
    sql, params = (
        match(Document.objects.all(), sample).order_by("-pk").values("pk")[:PAGE].query.sql_with_params()
    )
    print(f"  indexed query: {sql[:300]}")
    print(f"  indexed plan ({sample!r}): {plan(sql, list(params))}")
    scan_rows = Document.objects.all()
    for word in terms(sample):
        scan_rows = scan_rows.extra(
            where=["(search_text LIKE %s OR search_text LIKE %s)"], params=[f"{word}%", f"% {word}%"]
        )
    sql, params = scan_rows.order_by("-pk").values("pk")[:PAGE].query.sql_with_params()
    print(f"  baseline query: {sql[:300]}")
    print(f"  baseline plan ({sample!r}): {plan(sql, list(params))}")

    times: dict[str, list[float]] = {"indexed": [], "scan": []}
    mismatches = 0
    slowest: list[tuple[float, str]] = []
    for query in queries(random.Random(7)):
        started = time.perf_counter()
        fast = indexed(query)
        times["indexed"].append((time.perf_counter() - started) * 1000)
        slowest = sorted([*slowest, (times["indexed"][-1], query)], reverse=True)[:3]
        started = time.perf_counter()
        slow = scan(query)
        times["scan"].append((time.perf_counter() - started) * 1000)
        mismatches += fast != slow
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size('documents_document_fts'), sum(octet_length(search_text)),"
            " sum(pg_column_size(search_vector)) FROM documents_document"
        )
        index_bytes, text_bytes, vector_bytes = cursor.fetchone()

    def p95(values: list[float]) -> float:
        ordered = sorted(values)
        return ordered[int(len(ordered) * 0.95) - 1]

    fast50, fast95 = statistics.median(times["indexed"]), p95(times["indexed"])
    slow50, slow95 = statistics.median(times["scan"]), p95(times["scan"])
    for elapsed, query in slowest:  # the plans of the slowest indexed queries, run again
        sql, params = (
            match(Document.objects.all(), query).order_by("-pk").values("pk")[:PAGE].query.sql_with_params()
        )
        print(f"  slow {query!r} ({elapsed:.0f} ms): {plan(sql, list(params))}")
    print(f"  queries: {QUERIES} distinct, 1–3 words, each run once; answers differing: {mismatches}")
    print(f"  indexed first page: p50 {fast50:.1f} ms, p95 {fast95:.1f} ms  (goal p95 ≤ 100 ms)")
    print(f"  plain scan first page: p50 {slow50:.1f} ms, p95 {slow95:.1f} ms")
    print(f"  ratio indexed/scan: p50 1/{slow50 / fast50:.1f}, p95 1/{slow95 / fast95:.1f}  (goal ≤ 1/100)")
    print(
        f"  index {index_bytes / 2**20:.0f} MB for {text_bytes / 2**20:.0f} MB of text: "
        f"{index_bytes / text_bytes:.2f}× (goal ≤ 0.5×); the stored vectors beside the rows "
        f"{vector_bytes / 2**20:.0f} MB ({vector_bytes / text_bytes:.2f}×)"
    )


if __name__ == "__main__":
    main()
