"""Member search as users type it, at national scale (issues 3 and 12).

Queries come in classes, each text used once per run (no repeat that finds its pages warm), at least
200 in all, half in one province's list (the province of the member the query was made from), half
nationwide:

* ``common``   — one common word as first typed: a frequent family, middle or given name (``hung``,
                 ``thi``, ``nguyen``);
* ``two``      — two words of a name (``nguyen van``, ``thi hoa``);
* ``full``     — a member's full name, typed without accents, with them, or with "D" for "Đ";
* ``prefix``   — a name as it is being typed: whole words then the first 3 letters of the next
                 (``ngu``, ``tran thi hu``);
* ``cccd``     — the first 6–9 digits of a member's CCCD.

For each query: the first page (50 keys in Vietnamese name order, then those rows: ``selectors.page``)
and the list's total (``selectors.total``: exact, or "more than 10,000"), as the web list and
``GET /api/v1/members`` compute them. Recall: the member the query was made from is among the matches,
and for a sample the first page equals the baseline's first page exactly.

Baseline (same run, printed with its plan): the fastest plain query a competent engineer would write
without the product's search machinery — ``unaccent(lower(full_name)) LIKE`` per word (a word starts
the name or follows a space), the province's units through the ``(org, status)`` index, and the
matches sorted by name (``ORDER BY sort_key || ''`` keeps the planner off the 800 MB name-order index,
whose walk is the slow plan issue 12 measured at 9–23 s).

Cold and warm: with ``BENCH_COLD=1`` (root, a PostgreSQL this benchmark may restart) a sample of each
class runs after a restart and ``vmtouch -e`` of the data directory. Goals: first page p95 ≤ 50 ms warm,
≤ 300 ms cold, every class; list (page + total) p95 ≤ 150 ms; recall 100%.

Usage: python bench/bench_member_search.py [members]   (default 6,000,000; seeds once if needed)
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections import defaultdict

import common

MEMBERS = int(sys.argv[1]) if len(sys.argv) > 1 else 6_000_000
PER_CLASS_AND_SCOPE = int(os.environ.get("BENCH_SEARCH_QUERIES", "20"))  # 5 classes × 2 scopes × 20 = 200
COLD_PER_CLASS_AND_SCOPE = int(os.environ.get("BENCH_SEARCH_COLD", "2"))
BASELINE_PER_CLASS_AND_SCOPE = int(os.environ.get("BENCH_SEARCH_BASELINES", "2"))
CLASSES = ("common", "two", "full", "prefix", "cccd")

BASELINE_SQL = """
SELECT m.id FROM members_member m
WHERE {where}
ORDER BY m.sort_key || '', m.id
LIMIT 50
"""


def baseline_query(query: str, province_path: str | None) -> tuple[str, list[object]]:
    from dangvu.core.text import fold

    conditions: list[str] = []
    params: list[object] = []
    text = query.strip()
    if text.isdigit():
        conditions.append("m.cccd LIKE %s")
        params.append(text + "%")
    else:
        for word in sorted(set(fold(text).split())):
            conditions.append(
                "(unaccent(lower(m.full_name)) LIKE %s OR unaccent(lower(m.full_name)) LIKE %s)"
            )
            params += [word + "%", "% " + word + "%"]
    if province_path is not None:
        conditions.append("m.org_id IN (SELECT id FROM orgs_org WHERE path LIKE %s)")
        params.append(province_path + "%")
    return BASELINE_SQL.format(where=" AND ".join(conditions)), params


def make_queries(rng: random.Random) -> list[tuple[str, str, int, int]]:
    """(class, text, member id the text came from, province org id or 0 for national)."""
    from django.db import connection

    from dangvu.core.text import fold
    from dangvu.members.models import Member
    from dangvu.orgs.models import Org

    provinces = list(Org.objects.filter(org_type__code="dang-bo-tinh").values_list("pk", "path"))
    top = Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 1
    with connection.cursor() as cursor:
        # The commonest words of names, by how many members carry them (a 1% sample).
        cursor.execute(
            "SELECT w, count(*) FROM (SELECT unnest(string_to_array(search_text, ' ')) AS w"
            " FROM members_member TABLESAMPLE SYSTEM (1) REPEATABLE (7)) s GROUP BY w ORDER BY 2 DESC LIMIT 80"
        )
        common_words = [w for w, _n in cursor.fetchall() if len(w) >= 2]
    seen: set[tuple[str, int]] = set()
    queries: list[tuple[str, str, int, int]] = []

    def random_member() -> tuple[int, str, str, str]:
        while True:
            found = (
                Member.objects.filter(pk__gte=rng.randint(1, top))
                .order_by("pk")
                .values_list("pk", "full_name", "cccd", "org__path")
                .first()
            )
            if found:
                return found

    def province_of(path: str) -> int:
        return next((pk for pk, p in provinces if path.startswith(p)), 0)

    common_pool = list(common_words)
    rng.shuffle(common_pool)
    for scope in ("province", "national"):
        for kind in CLASSES:
            made = 0
            while made < PER_CLASS_AND_SCOPE + COLD_PER_CLASS_AND_SCOPE:
                pk, name, cccd, path = random_member()
                if scope == "province" and not province_of(path):
                    continue  # a member of a central party committee: no province
                words = name.split()
                folded = fold(name).split()
                if kind == "common":
                    # A common word this member's name holds (the list's commonest first), once per scope.
                    text = next((w for w in common_pool if w in folded and (w, 0) not in seen), "")
                    if not text:
                        continue
                    seen.add((text, 0))
                else:
                    text = common.typed_query(kind, name, folded, cccd, rng, made)
                scope_id = province_of(path) if scope == "province" else 0
                if (text, scope_id) in seen and kind != "common":
                    continue
                seen.add((text, scope_id))
                queries.append((kind, text, pk, scope_id))
                made += 1
                del words
    return queries


def main() -> None:
    common.ensure_national(MEMBERS)
    from django.db import connection

    from dangvu.accounts.models import User
    from dangvu.members import selectors
    from dangvu.members.models import Member
    from dangvu.orgs.models import Org

    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench-admin")
    rng = random.Random(int(os.environ.get("BENCH_SEED", "12")))
    made = make_queries(rng)
    # The last few of each class and scope are kept apart for the cold runs (never run warm before).
    per = PER_CLASS_AND_SCOPE + COLD_PER_CLASS_AND_SCOPE
    queries = [q for i, q in enumerate(made) if i % per < PER_CLASS_AND_SCOPE]
    cold_queries = [q for i, q in enumerate(made) if i % per >= PER_CLASS_AND_SCOPE]
    orgs = {o.pk: o for o in Org.objects.filter(pk__in={q[3] for q in made if q[3]})}
    print(f"{len(queries)} distinct queries ({PER_CLASS_AND_SCOPE} per class and scope)", flush=True)

    def run(text: str, scope_id: int) -> tuple[float, float, list[int], selectors.Total]:
        criteria = selectors.MemberFilter(q=text, org=orgs.get(scope_id))
        started = time.perf_counter()
        rows = selectors.members(admin, criteria)
        first = selectors.page(rows, 0, 50)
        paged = time.perf_counter()
        total = selectors.total(admin, criteria, rows)
        listed = time.perf_counter()
        return (paged - started) * 1000, (listed - started) * 1000, [m.pk for m in first], total

    warm_page: dict[tuple[str, str], list[float]] = defaultdict(list)
    warm_list: dict[tuple[str, str], list[float]] = defaultdict(list)
    first_pages: dict[int, list[int]] = {}
    lower_bounds = 0
    # One untimed query first: connections, the vocabulary and catalogue caches.
    run("an", 0)
    for index, (kind, text, _pk, scope_id) in enumerate(queries):
        page_ms, list_ms, keys, total = run(text, scope_id)
        scope = "province" if scope_id else "national"
        warm_page[(kind, scope)].append(page_ms)
        warm_list[(kind, scope)].append(list_ms)
        first_pages[index] = keys
        lower_bounds += not total.exact
    recall = 0
    for _kind, text, pk, scope_id in queries:
        criteria = selectors.MemberFilter(q=text, org=orgs.get(scope_id))
        recall += selectors.members(admin, criteria).filter(pk=pk).exists()

    # Baselines (a sample per class and scope) and exactness of the first page against them.
    base_ms: dict[tuple[str, str], list[float]] = defaultdict(list)
    exact_pages = checked_pages = 0
    printed: set[str] = set()
    for kind in CLASSES:
        for scope in ("province", "national"):
            sample = [
                (i, q) for i, q in enumerate(queries) if q[0] == kind and (q[3] != 0) == (scope == "province")
            ][:BASELINE_PER_CLASS_AND_SCOPE]
            for index, (_kind, text, _pk, scope_id) in sample:
                path = orgs[scope_id].path if scope_id else None
                sql, params = baseline_query(text, path)
                if f"{kind}/{scope}" not in printed:
                    printed.add(f"{kind}/{scope}")
                    common.print_baseline(f"{kind}, {scope} ({text!r})", sql, params)
                with connection.cursor() as cursor:
                    started = time.perf_counter()
                    cursor.execute(sql, params)
                    expected = [row[0] for row in cursor.fetchall()]
                    base_ms[(kind, scope)].append((time.perf_counter() - started) * 1000)
                checked_pages += 1
                exact_pages += expected == first_pages[index]
                if expected != first_pages[index]:
                    print(f"    first page differs from the baseline's for {text!r} ({scope})")

    # Cold: restart PostgreSQL and evict its files before each query of a sample.
    cold_page: dict[tuple[str, str], list[float]] = defaultdict(list)
    cold_list: dict[tuple[str, str], list[float]] = defaultdict(list)
    cold = common.make_cold()
    if cold:
        for kind, text, _pk, scope_id in cold_queries:
            common.make_cold()
            # The first connection after a restart (catalogue, authentication) is not the search.
            Member.objects.filter(pk=0).exists()
            page_ms, list_ms, _keys, _total = run(text, scope_id)
            scope = "province" if scope_id else "national"
            cold_page[(kind, scope)].append(page_ms)
            cold_list[(kind, scope)].append(list_ms)

    rows: list[tuple[str, str]] = []
    met_all = True
    for kind in CLASSES:
        for scope in ("province", "national"):
            key = (kind, scope)
            page_p50, page_p95 = (
                common.percentile(warm_page[key], 0.5),
                common.percentile(warm_page[key], 0.95),
            )
            list_p95 = common.percentile(warm_list[key], 0.95)
            base = common.percentile(base_ms[key], 0.5) if base_ms[key] else float("nan")
            ok = page_p95 <= 50 and list_p95 <= 150
            line = (
                f"page p50 {page_p50:6.1f} p95 {page_p95:6.1f} ms | list p95 {list_p95:6.1f} ms"
                f" | baseline p50 {base:7.0f} ms, ratio p95/baseline {page_p95 / base:.4f}"
            )
            if cold:
                cold_p95 = max(cold_page[key])
                cold_list_max = max(cold_list[key])
                ok = ok and cold_p95 <= 300
                line += f" | cold page max {cold_p95:6.0f} ms, list max {cold_list_max:6.0f} ms"
            met_all = met_all and ok
            rows.append(
                (f"{kind:<7} {scope:<9} ({len(warm_page[key])} queries)", line + ("" if ok else "  MISSED"))
            )
    all_pages = [t for samples in warm_page.values() for t in samples]
    rows += [
        (
            "all warm first pages: p50 / p95",
            f"{common.percentile(all_pages, 0.5):.1f} / {common.percentile(all_pages, 0.95):.1f} ms",
        ),
        ("recall: the member each query came from is found", f"{recall}/{len(queries)}"),
        ("first page equal to the baseline's (sample)", f"{exact_pages}/{checked_pages}"),
        ("totals given as a lower bound ('hơn 10.000')", f"{lower_bounds}/{len(queries)}"),
        (
            "cold runs",
            f"{len(cold_queries)} (restart + vmtouch -e each)" if cold else "not run (BENCH_COLD=1)",
        ),
        (
            "goals: page p95 ≤ 50 ms warm, ≤ 300 ms cold; list p95 ≤ 150 ms; recall 100%",
            "met" if met_all and recall == len(queries) and exact_pages == checked_pages else "MISSED",
        ),
    ]
    common.report(
        f"Member search as typed — {Member.objects.count():,} members, {len(queries)} queries", rows
    )


if __name__ == "__main__":
    main()
