"""Subtree queries at national scale (PostgreSQL, ~60,000 units, 6,000,000 members).

Figures, each against a baseline measured in the same run:
* every unit under the largest province — the path-prefix index scan vs the same query with index
  scans switched off (a sequential scan of the unit table);
* the members under a unit — the roll-up row vs the best live recount: the subtree's unit ids, then
  an index-only count over the ``(org, status)`` index (``INDEX_RECOUNT_SQL``, printed with its plan).
Goal: counting a province (~170,000 members) ≤ 50 ms.
"""

from __future__ import annotations

import random
import sys

import common

MEMBERS = int(sys.argv[1]) if len(sys.argv) > 1 else 6_000_000
INDEX_RECOUNT_SQL = """
SELECT status, count(*) FROM members_member
WHERE org_id IN (SELECT id FROM orgs_org WHERE path LIKE %s)
  AND status IN ('probationary', 'official', 'exempt', 'transferring')
GROUP BY status
"""


def main() -> None:
    common.ensure_national(MEMBERS)
    from django.db import connection, transaction

    from dangvu.members import rollups
    from dangvu.members.models import OrgMemberCount
    from dangvu.orgs.models import Org

    province = (
        Org.objects.filter(org_type__code="dang-bo-tinh").order_by("-member_count__official", "pk").first()
    )
    assert province is not None
    commune = random.Random(1).choice(
        list(Org.objects.filter(path__startswith=province.path, org_type__code="dang-bo-xa"))
    )

    def list_units() -> int:
        return len(list(Org.objects.filter(path__startswith=province.path).values_list("pk", "name")))

    def list_units_seqscan() -> int:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            return list_units()

    units = list_units()
    indexed = common.timed(list_units)
    scanned = common.timed(list_units_seqscan, repeat=10)

    def rollup(org: Org) -> int:
        return OrgMemberCount.objects.get(org=org).total

    def recount(org: Org) -> int:
        with connection.cursor() as cursor:
            cursor.execute(INDEX_RECOUNT_SQL, [org.path + "%"])
            return sum(n for _status, n in cursor.fetchall())

    province_members = rollup(province)
    assert province_members == recount(province) == rollups.recount(province)["total"]
    common.print_baseline("live recount of a subtree", INDEX_RECOUNT_SQL, [province.path + "%"])
    read_province = common.timed(lambda: rollup(province), repeat=50)
    recount_province = common.timed(lambda: recount(province), repeat=10)
    read_commune = common.timed(lambda: rollup(commune), repeat=50)
    recount_commune = common.timed(lambda: recount(commune), repeat=20)

    common.report(
        f"Subtree queries — {Org.objects.count():,} units, province “{province.name}”",
        [
            (f"list the {units:,} units under the province: p95", f"{indexed['p95_ms']:.2f} ms"),
            ("  baseline (sequential scan): p95", f"{scanned['p95_ms']:.2f} ms"),
            ("  ratio indexed / baseline", f"{indexed['p95_ms'] / scanned['p95_ms']:.3f}"),
            (
                f"count the {province_members:,} members under the province: p95",
                f"{read_province['p95_ms']:.2f} ms"
                f"  (goal ≤ 50 ms: {'met' if read_province['p95_ms'] <= 50 else 'MISSED'})",
            ),
            ("  baseline (index recount): p95", f"{recount_province['p95_ms']:.2f} ms"),
            ("  ratio roll-up / recount", f"{read_province['p95_ms'] / recount_province['p95_ms']:.4f}"),
            (f"count the members under “{commune.name}”: p95", f"{read_commune['p95_ms']:.2f} ms"),
            ("  baseline (index recount): p95", f"{recount_commune['p95_ms']:.2f} ms"),
            ("  ratio roll-up / recount", f"{read_commune['p95_ms'] / recount_commune['p95_ms']:.4f}"),
        ],
    )


if __name__ == "__main__":
    main()
