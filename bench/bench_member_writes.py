"""Member changes with concurrent writers in different units (issue 12, PostgreSQL).

Each writer is a process of its own with its own connection, working on the members of one đảng ủy
xã in a province of its own: half of its changes correct a member's status (official ↔ exempt,
``member_set_status``: status history row, audit entry, statistics deltas), half move a member between
two chi bộ of that xã (``member_move``: unit periods, audit entry, deltas), each through the service
functions in its own transaction, for ``--seconds``. A folder process folds the deltas every second,
as the job does. Printed per writer count: changes/s, the ratio to one writer, and CPU-seconds per
change (the writers', their PostgreSQL backends' and the folder's, from /proc: the machine is shared),
and the share of busy-backend samples (every 20 ms) spent waiting on a lock: the queue itself.

Baseline, in the same run: the old path, where every change updated the roll-up rows of its unit's
whole ancestor chain (up to the national row) inside its transaction (``--old`` writers counts).

Afterwards the roll-ups must be exact: every pending delta folded, and the stored counts of every
touched unit and its ancestors, and the kept statistics cells of the country and the touched provinces,
equal to a recount from the member rows. ``--recount`` also runs the nightly recount (its drift must
be zero; minutes on the national data).

Goal: ≥ 350 changes/s with 16 writers, growing with writers until the CPUs are busy.

Usage: python bench/bench_member_writes.py [members] [--seconds S] [--writers 1,2,4,8,16] [--old 1,16]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import time
from typing import Any

import common


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "members", nargs="?", type=int, default=6_000_000, help="national data to seed if missing"
    )
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each phase")
    parser.add_argument("--writers", default="1,2,4,8,16")
    parser.add_argument("--old", default="1,16", help="writer counts for the old path (empty: skip)")
    parser.add_argument("--recount", action="store_true", help="also run the nightly recount")
    return parser.parse_args()


def counts(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def backend_cpu(pid: int) -> float:
    """CPU seconds of a local process (a PostgreSQL backend) from /proc."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def old_record_changes(changes: Any) -> int:
    """The old path: add each change to the roll-up rows of the unit's ancestor chain at once (the
    national row included), inside the writer's transaction."""
    from django.db.models import F

    from dangvu.members.enums import CURRENT_STATUSES
    from dangvu.members.models import OrgMemberCount
    from dangvu.orgs.models import Org

    def apply(org_id: int, status: str, amount: int) -> None:
        if status not in CURRENT_STATUSES:
            return
        path = Org.objects.values_list("path", flat=True).get(pk=org_id)
        chain = [path[: i * 4] for i in range(1, len(path) // 4 + 1)]
        OrgMemberCount.objects.filter(org__in=Org.objects.filter(path__in=chain).values("pk")).update(
            **{status: F(status) + amount}
        )

    for before, after in changes:
        if before == after:
            continue
        if before is not None:
            apply(before.org_id, before.status, -1)
        if after is not None:
            apply(after.org_id, after.status, 1)
    return 0


def writer(area: dict[str, Any], seconds: float, old: bool, start_at: float, results: Any) -> None:
    from django.db import connection

    from dangvu.accounts.models import User
    from dangvu.members import rollups
    from dangvu.members.enums import MemberStatus
    from dangvu.members.models import Member
    from dangvu.members.services import member_move, member_set_status
    from dangvu.orgs.models import Org

    if old:
        rollups.record_changes = old_record_changes  # type: ignore[assignment]
    actor = User.objects.get(username="bench-writes")
    units = list(Org.objects.filter(pk__in=area["units"]))
    rng = random.Random(area["seed"])
    ids = area["members"]
    pid = backend_pid()

    def change(status: bool) -> None:
        member = Member.objects.select_related("org").get(pk=rng.choice(ids))
        if status:
            to = MemberStatus.EXEMPT if member.status == MemberStatus.OFFICIAL else MemberStatus.OFFICIAL
            member_set_status(actor=actor, member=member, status=to, reason="bench")
        else:
            member_move(actor=actor, member=member, to_org=next(u for u in units if u.pk != member.org_id))

    change(True)  # warm this process's caches before the clock starts
    change(False)
    while time.time() < start_at:
        time.sleep(0.005)
    cpu0, db0, done, ended = self_cpu(), backend_cpu(pid), 0, time.time() + seconds
    while time.time() < ended:
        change(rng.random() < 0.5)
        done += 1
    results.put((done, self_cpu() - cpu0 + backend_cpu(pid) - db0))
    connection.close()


def folder(stop: Any, results: Any) -> None:
    from django.db import connection

    from dangvu.members import rollups

    pid = backend_pid()
    cpu0, db0, folded = self_cpu(), backend_cpu(pid), 0
    while not stop.is_set():
        folded += rollups.fold_all()
        stop.wait(1.0)
    folded += rollups.fold_all()
    results.put((folded, self_cpu() - cpu0 + backend_cpu(pid) - db0))
    connection.close()


def monitor(stop: Any, results: Any) -> None:
    """Sample every 20 ms what this database's busy backends wait for: the share of samples where a
    backend waited for a lock another transaction holds (a row, a transaction) is the queueing."""
    import psycopg

    waiting = busy = 0
    with psycopg.connect(common.DATABASE_URL, autocommit=True) as connection:
        name = common.DATABASE_URL.rsplit("/", 1)[1]
        while not stop.is_set():
            for (kind,) in connection.execute(
                "SELECT coalesce(wait_event_type, '') FROM pg_stat_activity WHERE datname = %s "
                "AND pid <> pg_backend_pid() AND state = 'active'",
                [name],
            ):
                busy += 1
                waiting += kind == "Lock"
            time.sleep(0.02)
    results.put((waiting, busy))


def phase(areas: list[dict[str, Any]], writers: int, seconds: float, old: bool) -> dict[str, float]:
    from django.db import connections

    connections.close_all()  # children must not share the parent's connection
    context = multiprocessing.get_context("fork")
    results, fold_results, stop = context.Queue(), context.Queue(), context.Event()
    watch_results, watch_stop = context.Queue(), context.Event()
    watcher = context.Process(target=monitor, args=(watch_stop, watch_results))
    watcher.start()
    start_at = time.time() + 2.0 + writers * 0.3  # after every writer's warm-up
    procs = [
        context.Process(target=writer, args=(areas[i], seconds, old, start_at, results))
        for i in range(writers)
    ]
    fold_proc = context.Process(target=folder, args=(stop, fold_results))
    fold_proc.start()
    for proc in procs:
        proc.start()
    outcome = [results.get() for _ in procs]
    for proc in procs:
        proc.join()
    stop.set()
    folded, fold_cpu = fold_results.get()
    fold_proc.join()
    watch_stop.set()
    waiting, busy = watch_results.get()
    watcher.join()
    changes = sum(n for n, _cpu in outcome)
    cpu = sum(c for _n, c in outcome) + fold_cpu
    return {
        "rate": changes / seconds,
        "changes": changes,
        "cpu_per_change": cpu / max(changes, 1),
        "folded": folded,
        "lock_share": waiting / max(busy, 1),
    }


def choose_areas(count: int) -> list[dict[str, Any]]:
    """One đảng ủy xã per writer, each in a province of its own while there are enough: two of its chi
    bộ and up to 300 of their official or exempt members."""
    from django.db.models import Count, Q

    from dangvu.members.models import Member
    from dangvu.orgs.models import Org

    areas: list[dict[str, Any]] = []
    provinces = list(Org.objects.filter(depth=2).order_by("path"))
    for round_ in range(4):
        for province in provinces:
            if len(areas) == count:
                return areas
            xas = Org.objects.filter(path__startswith=province.path, depth=3).order_by("path")
            for xa in xas[round_ * 3 : round_ * 3 + 3]:
                cells = list(
                    Org.objects.filter(path__startswith=xa.path, org_type__has_members=True, status="active")
                    .annotate(n=Count("members", filter=Q(members__status__in=["official", "exempt"])))
                    .filter(n__gte=20)
                    .order_by("-n")[:2]
                )
                if len(cells) < 2:
                    continue
                members = list(
                    Member.objects.filter(org__in=cells, status__in=["official", "exempt"])
                    .order_by("pk")
                    .values_list("pk", flat=True)[:300]
                )
                areas.append(
                    {"units": [c.pk for c in cells], "members": members, "seed": len(areas), "xa": xa.pk}
                )
                break
    return areas


def verify(areas: list[dict[str, Any]]) -> tuple[int, int, int]:
    """(pending deltas, units whose counts differ from a recount, cells that differ from a live count)."""
    from dangvu.members import rollups, stats
    from dangvu.members.models import Member, MemberStatDelta, OrgMemberCount, OrgMemberStat
    from dangvu.orgs.models import Org

    rollups.fold_all()
    pending = MemberStatDelta.objects.count()
    touched = {pk for area in areas for pk in area["units"]}
    paths = Org.objects.filter(pk__in=touched).values_list("path", flat=True)
    chain = {path[: i * 4] for path in paths for i in range(1, len(path) // 4 + 1)}
    orgs = list(Org.objects.filter(path__in=chain))
    stored = {row.org_id: row.as_dict() for row in OrgMemberCount.objects.filter(org__in=orgs)}
    wrong_counts = sum(1 for org in orgs if stored.get(org.pk) != rollups.recount(org))
    wrong_cells = 0
    for org in orgs:
        if (
            org.depth > 2
            or not OrgMemberCount.objects.filter(org=org, cells_computed_at__isnull=False).exists()
        ):
            continue
        kept: dict[str, dict[str, int]] = {}
        for dimension, key, n in OrgMemberStat.objects.filter(org=org).values_list("dimension", "key", "n"):
            if n:
                kept.setdefault(dimension, {})[key] = n
        live = stats.count_cells_live(Member.objects.in_subtree(org))
        live = {d: {k: n for k, n in v.items() if n} for d, v in live.items() if d != "status"}
        wrong_cells += sum(
            1
            for d in set(kept) | set(live)
            for k in set(kept.get(d, {})) | set(live.get(d, {}))
            if kept.get(d, {}).get(k) != live.get(d, {}).get(k)
        )
    return pending, wrong_counts, wrong_cells


def main() -> None:
    args = parse()
    common.ensure_national(args.members)
    from dangvu.accounts.models import User
    from dangvu.members.models import OrgMemberCount

    if not User.objects.filter(username="bench-writes").exists():
        User.objects.create_superuser("bench-writes", password=None)
    if not OrgMemberCount.objects.filter(cells_computed_at__isnull=False).exists():
        from dangvu.members import rollups

        rollups.recount_all()
    new_counts, old_counts = counts(args.writers), counts(args.old)
    areas = choose_areas(max(new_counts + old_counts))
    rows: list[tuple[str, str]] = []
    cpus = os.cpu_count() or 1
    old_rates = {}
    for n in old_counts:
        result = phase(areas, n, args.seconds, old=True)
        old_rates[n] = result["rate"]
        rows.append(
            (
                f"old path (roll-up rows updated in each change), {n} writer(s)",
                f"{result['rate']:.0f} changes/s; {result['cpu_per_change'] * 1000:.1f} ms CPU/change; "
                f"{result['lock_share']:.0%} of busy backend samples waiting on a lock",
            )
        )
    base = None
    for n in new_counts:
        result = phase(areas, n, args.seconds, old=False)
        base = base or result["rate"]
        versus_old = f"; {result['rate'] / old_rates[n]:.1f}× the old path" if n in old_rates else ""
        goal = ""
        if n == 16:
            goal = f"  (goal ≥ 350: {'met' if result['rate'] >= 350 else 'MISSED'})"
        rows.append(
            (
                f"deltas, {n} writer(s)",
                f"{result['rate']:.0f} changes/s = {result['rate'] / base:.2f}× one writer{versus_old}; "
                f"{result['cpu_per_change'] * 1000:.1f} ms CPU/change; {result['lock_share']:.0%} of busy backend "
                f"samples waiting on a lock; {result['folded']:.0f} deltas folded{goal}",
            )
        )
    pending, wrong_counts, wrong_cells = verify(areas)
    rows.append(
        (
            "after folding: pending deltas / units off / cells off",
            f"{pending} / {wrong_counts} / {wrong_cells}",
        )
    )
    if args.recount:
        from dangvu.members import rollups

        started = time.perf_counter()
        drift = rollups.recount_all()
        rows.append(("nightly recount: drift", f"{drift} in {time.perf_counter() - started:.0f} s"))
    common.report(
        f"Member writes — {len(areas)} areas in different units; {cpus} CPUs (shared machine); "
        f"{args.seconds:.0f} s per phase",
        rows,
    )
    if pending or wrong_counts or wrong_cells:
        raise SystemExit("roll-ups not exact after folding")


if __name__ == "__main__":
    main()
