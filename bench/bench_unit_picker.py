"""The unit picker at national scale (PostgreSQL, ~57,000 units): what one keystroke costs.

Times ``orgs.directory.directory`` (any unit: transfer destinations, document recipients) and
``orgs.directory.pick`` (the units of one verb's permission, here a provincial Ban Tổ chức's) for
typical queries, and prints each query's plan so the index it uses can be checked. Goal: ≤ 50 ms a
search (the picker waits 200 ms of quiet typing before it asks). A query whose words are found only
with the unit's ancestors' names ("chi bo cong an hiep yen") costs two queries: the name matches, then
the path matches (``orgs.directory.ranked``).
"""

from __future__ import annotations

import sys

import common

MEMBERS = int(sys.argv[1]) if len(sys.argv) > 1 else 6_000_000
# Own names; a name with its parents' names (only path matches, rare and common); a common word.
QUERIES = (
    "chi bo cong an",
    "hiep",
    "cong an",
    "dang uy xa",
    "chi bo cong an hiep yen",
    "cong an ninh binh",
    "thon 1 ninh",
    "c",
    "",
)


def main() -> None:
    common.ensure_national(MEMBERS)
    from django.db import connection

    from dangvu.accounts.models import Role, RoleAssignment, User
    from dangvu.orgs import directory
    from dangvu.orgs.enums import OrgStatus
    from dangvu.orgs.models import Org

    province = Org.objects.filter(depth=2).order_by("path").first()
    assert province is not None
    user, _created = User.objects.get_or_create(username="bench-picker", defaults={"full_name": "Bench"})
    RoleAssignment.objects.get_or_create(
        user=user, role=Role.objects.get(code="ban-to-chuc"), org=province, defaults={"include_subtree": True}
    )
    active = Org.objects.filter(status=OrgStatus.ACTIVE)

    def before(query: str) -> object:
        # The directory before the path search: own names only, the name index walked with LIKE.
        return directory.describe(list(active.search(query).select_related("org_type").by_name()[:20]))

    rows = [("units", str(Org.objects.count()))]
    for query in QUERIES:
        label = query or "(empty)"
        baseline = common.timed(lambda q=query: before(q))
        now = common.timed(lambda q=query: directory.directory(q))
        picked = common.timed(lambda q=query: directory.pick(user, "members.manage", q))
        ratio = now["median_ms"] / max(baseline["median_ms"], 0.01)
        rows += [
            (f"directory {label!r}", f"median {now['median_ms']:.1f} ms, p95 {now['p95_ms']:.1f} ms"),
            ("  before (own names only, LIKE)", f"median {baseline['median_ms']:.1f} ms → ×{ratio:.2f}"),
            (
                f"pick members.manage {label!r}",
                f"median {picked['median_ms']:.1f} ms, p95 {picked['p95_ms']:.1f} ms",
            ),
        ]
    # The plans of the words index: the matches' names read for "chi bo cong an" (3,000 units named so).
    for field, query in (("search_text", "chi bo cong an"), ("path_text", "chi bo cong an hiep yen")):
        sql, params = (
            active.words_match(field, query)
            .order_by()
            .values_list("sort_name", "pk")[:5001]
            .query.sql_with_params()
        )
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            print(f"-- directory {field} {query!r}")
            print("\n".join(row[0] for row in cursor.fetchall()))
    common.report("unit picker", rows)


if __name__ == "__main__":
    main()
