"""Accent-insensitive member name search at national scale (issue 3).

For names of randomly chosen members, typed three ways (no accents; decomposed Unicode; "D" for "Đ"),
measures the first page (50 rows, Vietnamese order) of ``Member.objects.search`` and checks recall
(the member is among the matches), against the naive ``unaccent(lower(full_name)) LIKE '%…%'`` scan
measured in the same run. Goals: p95 ≤ 50 ms, ≤ 1/200 of the naive scan, 100% recall.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
import unicodedata

import common

MEMBERS = int(sys.argv[1]) if len(sys.argv) > 1 else 6_000_000
QUERIES = 30


def main() -> None:
    common.ensure_national(MEMBERS)
    from dangvu.core.text import fold
    from dangvu.members.models import Member

    rng = random.Random(11)
    top = Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 1
    targets = []
    while len(targets) < QUERIES:
        found = (
            Member.objects.filter(pk__gte=rng.randint(1, top))
            .order_by("pk")
            .values_list("pk", "full_name")
            .first()
        )
        if found:
            targets.append(found)
    variants = []
    for pk, name in targets:
        variants += [
            (pk, fold(name)),
            (pk, unicodedata.normalize("NFD", name)),
            (pk, name.replace("Đ", "D").replace("đ", "d")),
        ]

    def first_page(query: str) -> list[int]:
        return list(Member.objects.search(query, user=None).in_name_order().values_list("pk", flat=True)[:50])

    times, recall = [], 0
    for pk, query in variants:
        started = time.perf_counter()
        first_page(query)
        times.append((time.perf_counter() - started) * 1000)
        recall += Member.objects.search(query, user=None).filter(pk=pk).exists()
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    naive = []
    for _pk, name in targets[:3]:
        started = time.perf_counter()
        list(Member.objects.filter(full_name__vn_icontains=fold(name)).order_by("sort_key")[:50])
        naive.append((time.perf_counter() - started) * 1000)
    naive_median = statistics.median(naive)
    # Substring search: a fragment from inside the family and given names ("guyen oa"), trigram index.
    fragments = []
    for pk, name in targets[:10]:
        words = fold(name).split()
        fragments.append((pk, f"{words[0][1:]} {words[-1][1:] or words[-1]}"))
    substring_times, substring_recall = [], 0
    for pk, fragment in fragments:
        started = time.perf_counter()
        list(
            Member.objects.search(fragment, user=None, substring=True)
            .in_name_order()
            .values_list("pk", flat=True)[:50]
        )
        substring_times.append((time.perf_counter() - started) * 1000)
        substring_recall += Member.objects.search(fragment, user=None, substring=True).filter(pk=pk).exists()
    substring_median = statistics.median(substring_times)
    common.report(
        f"Member name search — {Member.objects.count():,} members, {len(variants)} queries",
        [
            ("first page (50, Vietnamese order): median", f"{statistics.median(times):.1f} ms"),
            ("first page: p95", f"{p95:.1f} ms  (goal ≤ 50 ms: {'met' if p95 <= 50 else 'MISSED'})"),
            ("baseline: naive unaccent + LIKE '%…%' scan, median", f"{naive_median:.0f} ms"),
            (
                "ratio search p95 / naive",
                f"{p95 / naive_median:.4f}  (goal ≤ 0.005: {'met' if p95 / naive_median <= 0.005 else 'MISSED'})",
            ),
            ("recall (member found, all three spellings)", f"{recall}/{len(variants)}"),
            ("substring search (fragments inside words), first page: median", f"{substring_median:.0f} ms"),
            (
                "ratio substring / naive",
                f"{substring_median / naive_median:.3f}  "
                f"(goal ≤ 0.05: {'met' if substring_median / naive_median <= 0.05 else 'MISSED'})",
            ),
            ("substring recall", f"{substring_recall}/{len(fragments)}"),
        ],
    )


if __name__ == "__main__":
    main()
