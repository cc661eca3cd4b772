"""National dashboard: member counts per province and per đảng ủy xã, all at once.

The dashboard reads the roll-up rows; the baseline is a full recount of the member table grouped by
the same units, in the same run. Goal: ≤ 1/30 of the recount. Then 10,000 random member moves and
status changes go through the member services (the code path users take), and the roll-ups must
equal a fresh recount exactly (zero drift).
"""

from __future__ import annotations

import random
import sys
import time

import common

MEMBERS = int(sys.argv[1]) if len(sys.argv) > 1 else 6_000_000
CHANGES = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000

# The recount a statistician would write without roll-ups: one pass over the members, grouped at once
# (GROUPING SETS) by the path prefix of every dashboard depth of their unit.
RECOUNT_PREFIX = "CASE WHEN o.depth >= {depth} THEN substr(o.path, 1, {width}) END"
RECOUNT_GROUPED_SQL = """
SELECT {columns}, count(*)
FROM members_member m JOIN orgs_org o ON o.id = m.org_id
WHERE m.status IN ('probationary', 'official', 'exempt', 'transferring')
GROUP BY GROUPING SETS ({sets})
"""


def recount_sql(depths: list[int]) -> str:
    columns = [RECOUNT_PREFIX.format(depth=d, width=d * 4) for d in depths]
    return RECOUNT_GROUPED_SQL.format(
        columns=", ".join(f"{c} AS p{d}" for c, d in zip(columns, depths, strict=True)),
        sets=", ".join(f"(p{d})" for d in depths),
    )


def main() -> None:
    common.ensure_national(MEMBERS)
    from django.db import connection

    from dangvu.accounts.models import User
    from dangvu.members.enums import MemberStatus
    from dangvu.members.models import Member, OrgMemberCount
    from dangvu.members.services import member_move, member_set_status
    from dangvu.orgs.models import Org

    dashboard_orgs = dict(Org.objects.filter(org_type__is_dashboard_level=True).values_list("pk", "path"))

    def dashboard() -> dict[int, int]:
        rows = OrgMemberCount.objects.filter(org__org_type__is_dashboard_level=True).values_list(
            "org_id", "probationary", "official", "exempt", "transferring"
        )
        return {pk: p + o + e + t for pk, p, o, e, t in rows}

    depths = sorted({len(path) // 4 for path in dashboard_orgs.values()})
    sql = recount_sql(depths)

    def recount() -> dict[int, int]:
        by_prefix: dict[str, int] = {}
        with connection.cursor() as cursor:
            cursor.execute(sql)
            for *prefixes, n in cursor.fetchall():
                prefix = next((p for p in prefixes if p is not None), None)
                if prefix is not None:
                    by_prefix[prefix] = n
        return {pk: by_prefix.get(path, 0) for pk, path in dashboard_orgs.items()}

    common.print_baseline("one-pass recount of every dashboard unit", sql)

    fast = common.timed(dashboard, repeat=20)
    slow = common.timed(recount, repeat=3, warmup=1)
    assert dashboard() == recount(), "roll-ups differ from the recount before any change"

    actor = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench", password=None
    )
    rng = random.Random(7)
    max_id = Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    cells = list(Org.objects.filter(org_type__has_members=True, status="active").values_list("pk", flat=True))
    statuses = [
        MemberStatus.OFFICIAL,
        MemberStatus.PROBATIONARY,
        MemberStatus.EXEMPT,
        MemberStatus.DECEASED,
        MemberStatus.TRANSFERRING,
        MemberStatus.REMOVED,
    ]
    started = time.perf_counter()
    done = 0
    while done < CHANGES:
        member = (
            Member.objects.select_related("org").filter(pk__gte=rng.randint(1, max_id)).order_by("pk").first()
        )
        if member is None:
            continue
        if rng.random() < 0.5:
            member_move(actor=actor, member=member, to_org=Org.objects.get(pk=rng.choice(cells)))
        else:
            # A full member's file (with its recognition date) cannot go back to probation: skip that pick.
            status = rng.choice(statuses)
            if status == MemberStatus.PROBATIONARY and member.recognized_on:
                status = MemberStatus.OFFICIAL
            member_set_status(actor=actor, member=member, status=status, reason="benchmark")
        done += 1
    elapsed = time.perf_counter() - started
    after_fast, after_slow = dashboard(), recount()
    drift = sum(abs(after_fast[pk] - after_slow[pk]) for pk in dashboard_orgs)
    provinces = Org.objects.filter(org_type__code="dang-bo-tinh").count()
    common.report(
        f"National dashboard — {provinces} provinces + {len(dashboard_orgs) - provinces:,} other dashboard units",
        [
            ("dashboard from roll-ups: median", f"{fast['median_ms']:.1f} ms"),
            ("baseline: full recount of the member table: median", f"{slow['median_ms']:.1f} ms"),
            (
                "ratio roll-ups / recount",
                f"{fast['median_ms'] / slow['median_ms']:.4f}  (goal ≤ {1 / 30:.4f}: "
                f"{'met' if fast['median_ms'] / slow['median_ms'] <= 1 / 30 else 'MISSED'})",
            ),
            (
                f"{CHANGES:,} random moves and status changes through the services",
                f"{elapsed:.1f} s ({CHANGES / elapsed:,.0f}/s)",
            ),
            ("drift between roll-ups and recount afterwards (members)", f"{drift}"),
        ],
    )
    if drift:
        raise SystemExit("roll-ups drifted")


if __name__ == "__main__":
    main()
