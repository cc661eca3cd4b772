"""Member statistics of any unit for any period (issue 12), PostgreSQL.

Units: the country, three provinces, the largest đảng ủy xã and some of middle size, and chi bộ;
periods: the year to date, whole months, and periods that cut months (a few days, a quarter from the
15th, three years from a 17th). Each unit and period is timed ``--repeat`` times through
``member_stats`` (the page's and the API's function); printed: p95 per unit class and over all.
Baseline, in the same run: the same figures counted from the member rows (every row of the subtree
read once, ``count_cells_rows``, plus the period's events), the plain way without cells.

Then freshness: a member change through the services, and the national and provincial figures read at
once must already include it (the pending deltas are added when read); after the fold they still do.

Goal: every unit, every period ≤ 100 ms p95.

Usage: python bench/bench_member_stats.py [members] [--repeat N]
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

import common


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("members", nargs="?", type=int, default=6_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    common.ensure_national(args.members)
    from django.db.models import F

    from dangvu.accounts.models import User
    from dangvu.members import rollups, stats
    from dangvu.members.enums import MemberStatus
    from dangvu.members.models import Member, OrgMemberCount
    from dangvu.members.services import member_set_status
    from dangvu.orgs.models import Org

    if not OrgMemberCount.objects.filter(cells_computed_at__isnull=False).exists():
        rollups.recount_all()
    total = F("probationary") + F("official") + F("exempt") + F("transferring")
    by_size = OrgMemberCount.objects.annotate(t=total).select_related("org")
    units = {
        "country": [Org.objects.get(depth=1)],
        "province": [r.org for r in by_size.filter(org__depth=2).order_by("-t")[:3]],
        "large xã (kept cells)": [r.org for r in by_size.filter(org__depth=3).order_by("-t")[:3]],
        "middle xã (live)": [
            r.org for r in by_size.filter(org__depth=3, t__lt=stats.PRECOMPUTE_MIN_MEMBERS).order_by("-t")[:3]
        ],
        "chi bộ (live)": [r.org for r in by_size.filter(org__depth=4).order_by("-t")[:3]],
    }
    from django.utils import timezone

    today = timezone.localdate()
    periods = [
        (date(today.year, 1, 1), today),
        (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
        (date(today.year - 1, 4, 15), date(today.year - 1, 7, 14)),
        (date(today.year - 3, 3, 17), date(today.year, 2, 9)),
        (date(today.year - 1, 5, 3), date(today.year - 1, 5, 9)),
    ]

    def plain(org: Org, period: tuple[date, date]) -> None:
        members = Member.objects.in_subtree(org)
        stats.count_cells_rows(members)
        for field in ("admitted_on", "recognized_on"):
            members.filter(**{f"{field}__range": period}).count()
        members.filter(status=MemberStatus.DECEASED, status_changed_on__range=period).count()

    rows: list[tuple[str, str]] = []
    every: list[float] = []
    for label, orgs in units.items():
        samples: list[float] = []
        baseline: list[float] = []
        for org in orgs:
            for period in periods:
                samples += common.timed(
                    lambda org=org, period=period: stats.member_stats(org, *period),
                    repeat=args.repeat,
                    warmup=1,
                )["samples"]  # type: ignore[operator]
        if label != "country":  # reading the country's millions of rows into Python: minutes
            baseline += common.timed(lambda org=orgs[0]: plain(org, periods[3]), repeat=1, warmup=0)[
                "samples"
            ]  # type: ignore[operator]
        samples.sort()
        every += samples
        p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
        sizes = ", ".join(f"{rollups.counts_of(o)['total']:,}" for o in orgs)
        rows.append(
            (
                f"{label} ({sizes} members)",
                f"p95 {p95:.0f} ms; median {samples[len(samples) // 2]:.0f} ms; "
                f"plain count from the rows: {f'{baseline[0]:.0f} ms' if baseline else '—'}",
            )
        )
    every.sort()
    p95 = every[max(0, int(len(every) * 0.95) - 1)]
    rows.append(
        (
            "every unit, every period: p95",
            f"{p95:.0f} ms  (goal ≤ 100 ms: {'met' if p95 <= 100 else 'MISSED'})",
        )
    )

    actor = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench", password=None
    )
    province = units["province"][0]
    member = Member.objects.filter(org__path__startswith=province.path, status=MemberStatus.OFFICIAL).first()
    assert member is not None
    country = units["country"][0]
    period = (today - timedelta(days=3), today)
    before = (stats.member_stats(country, *period), stats.member_stats(province, *period))
    changed = time.perf_counter()
    member_set_status(actor=actor, member=member, status=MemberStatus.EXEMPT, reason="bench")
    after = (stats.member_stats(country, *period), stats.member_stats(province, *period))
    seen = time.perf_counter() - changed
    fresh = all(
        a["by_status"]["exempt"] == b["by_status"]["exempt"] + 1 for a, b in zip(after, before, strict=True)
    )
    rollups.fold_all()
    folded = all(
        stats.member_stats(org, *period)["by_status"] == a["by_status"]
        for org, a in zip((country, province), after, strict=True)
    )
    member_set_status(actor=actor, member=member, status=MemberStatus.OFFICIAL, reason="bench")
    rollups.fold_all()
    rows.append(
        (
            "a change seen in the national and provincial figures",
            f"{'at once' if fresh else 'NOT at once'} (read {seen * 1000:.0f} ms after the change); "
            f"{'same' if folded else 'DIFFERENT'} after the fold",
        )
    )
    common.report(
        f"Member statistics — {Member.objects.count():,} members; {args.repeat} runs per unit and period",
        rows,
    )


if __name__ == "__main__":
    main()
