"""Member list page and statistics at national scale (issue 3).

* The member list page of a province (first page, filters applied, rendered by the real view for a
  Ban Tổ chức user of that province): p95 against the goal of 150 ms.
* Statistics of a province subtree (``member_stats``) against a one-pass recount of the same figures
  from the member rows (``STATS_RECOUNT_SQL``, printed with its plan; goal ≤ 1/30), and of a đảng ủy xã (goal ≤ 100 ms).

Usage: python bench/bench_member_pages.py [members]   (default 6,000,000; seeds once if needed)
"""

from __future__ import annotations

import sys
import time
from datetime import date

import common

MEMBERS = int(sys.argv[1]) if len(sys.argv) > 1 else 6_000_000
STATS_RECOUNT_SQL = """
SELECT status, sex, extract(year FROM birth_date), ethnicity_id, religion_id, general_education,
       political_theory, extract(year FROM admitted_on),
       count(*), count(*) FILTER (WHERE status IN ('probationary', 'official', 'exempt', 'transferring'))
FROM members_member
WHERE org_id IN (SELECT id FROM orgs_org WHERE path LIKE %s)
GROUP BY GROUPING SETS ((status), (sex), (3), (ethnicity_id), (religion_id), (general_education),
                        (political_theory), (8))
"""


def main() -> None:
    common.ensure_national(MEMBERS)
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from dangvu.accounts.models import Role, User
    from dangvu.accounts.services import role_assign
    from dangvu.members import stats
    from dangvu.members.models import Member, OrgMemberCount
    from dangvu.orgs.models import Org

    province_count = (
        OrgMemberCount.objects.filter(org__org_type__code="dang-bo-tinh")
        .select_related("org")
        .order_by("-official")
        .first()
    )
    assert province_count is not None, "no province roll-up: seed the national data first"
    province = province_count.org
    commune = (
        OrgMemberCount.objects.filter(org__path__startswith=province.path, org__org_type__code="dang-bo-xa")
        .select_related("org")
        .order_by("-official")
        .first()
    )
    assert commune is not None
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench-admin")
    user, created = User.objects.get_or_create(username="bench-ban-to-chuc")
    if created:
        role_assign(actor=admin, user=user, role=Role.objects.get(code="ban-to-chuc"), org=province)
    client = Client()
    client.force_login(user)

    def page(params: dict[str, str]) -> None:
        response = client.get("/members/", {"org": province.code, **params})
        assert response.status_code == 200, response.status_code

    filters = [
        {},
        {"status": "official"},
        {"status": "official", "sex": "female"},
        {"sex": "male", "age": "31-40"},
        {"status": "probationary"},
        {"q": "nguyen thi"},
        {"q": "tran van hung"},
        {"page": "3", "status": "official"},
    ]
    samples = []
    for params in filters:
        samples.append(common.timed(lambda params=params: page(params), repeat=10, warmup=1))
    list_times = sorted(t for s in samples for t in s["samples"])
    list_p95 = list_times[int(len(list_times) * 0.95) - 1]

    today = timezone.localdate()
    year_start = date(today.year, 1, 1)
    from dangvu.members.models import OrgMemberStat

    started = time.perf_counter()
    if not OrgMemberStat.objects.exists():
        stats.rebuild_precomputed()
    rebuild_seconds = time.perf_counter() - started

    def recount(org: Org) -> list[tuple[object, ...]]:
        """The same figures from the member rows in one pass (GROUPING SETS): status over all the
        subtree's members, every breakdown over the current ones."""
        with connection.cursor() as cursor:
            cursor.execute(STATS_RECOUNT_SQL, [org.path + "%"])
            return cursor.fetchall()

    common.print_baseline("one-pass statistics recount", STATS_RECOUNT_SQL, [province.path + "%"])
    province_stats = common.timed(lambda: stats.member_stats(province, year_start, today), repeat=5, warmup=1)
    province_recount = common.timed(lambda: recount(province), repeat=3, warmup=1)
    commune_stats = common.timed(
        lambda: stats.member_stats(commune.org, year_start, today), repeat=10, warmup=1
    )
    ratio = province_stats["median_ms"] / province_recount["median_ms"]
    common.report(
        f"Member pages — {Member.objects.count():,} members; {province.name} ({province_count.total:,} members)",
        [
            ("list page, first page, 8 filter sets: median", f"{statistics_median(list_times):.0f} ms"),
            (
                "list page p95",
                f"{list_p95:.0f} ms  (goal ≤ 150 ms: {'met' if list_p95 <= 150 else 'MISSED'})",
            ),
            ("precomputing the big units' statistics cells (if absent), s", f"{rebuild_seconds:.1f}"),
            ("province statistics (member_stats): median", f"{province_stats['median_ms']:.0f} ms"),
            ("baseline: full recount of the same figures, median", f"{province_recount['median_ms']:.0f} ms"),
            (
                "ratio statistics / recount",
                f"{ratio:.3f}  (goal ≤ 0.033: {'met' if ratio <= 1 / 30 else 'MISSED'})",
            ),
            (
                f"đảng ủy xã statistics ({commune.org.name}, {commune.total:,} members): p95",
                f"{commune_stats['p95_ms']:.0f} ms  "
                f"(goal ≤ 100 ms: {'met' if commune_stats['p95_ms'] <= 100 else 'MISSED'})",
            ),
        ],
    )


def statistics_median(values: list[float]) -> float:
    import statistics

    return statistics.median(values)


if __name__ == "__main__":
    main()
