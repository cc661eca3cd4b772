"""The unit picker at national scale (PostgreSQL, ~57,000 units): what one keystroke costs.

Times ``orgs.directory.directory`` (any unit: transfer destinations, document recipients) and
``orgs.directory.pick`` (the units of one verb's permission, here a provincial Ban Tổ chức's) for
typical queries, and prints each query's plan so the index it uses can be checked. Goal: ≤ 50 ms a
search (the picker waits 200 ms of quiet typing before it asks).
"""

from __future__ import annotations

import sys

import common

MEMBERS = int(sys.argv[1]) if len(sys.argv) > 1 else 6_000_000
QUERIES = ("chi bo cong an", "hiep", "cong an", "dang uy xa", "c", "")


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
    rows = [("units", str(Org.objects.count()))]
    for query in QUERIES:
        label = query or "(empty)"
        for name, function in (
            ("directory", lambda q=query: directory.directory(q)),
            ("pick members.manage", lambda q=query: directory.pick(user, "members.manage", q)),
        ):
            times = common.timed(function)
            rows.append(
                (f"{name} {label!r}", f"median {times['median_ms']:.1f} ms, p95 {times['p95_ms']:.1f} ms")
            )
    # The plans: the trigram index for rare words, the name-order index for common ones.
    for query in ("chi bo cong an", "c"):
        sql, params = (
            Org.objects.filter(status=OrgStatus.ACTIVE).search(query).by_name()[:20].query.sql_with_params()
        )
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            print(f"-- directory {query!r}")
            print("\n".join(row[0] for row in cursor.fetchall()))
    common.report("unit picker", rows)


if __name__ == "__main__":
    main()
