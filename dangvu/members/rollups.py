"""Exact subtree member counts (``OrgMemberCount``) maintained by deltas, and the full recount.

A member counts in the row of their unit and of every ancestor. Moving a member or changing their
status adds or subtracts 1 along the affected ancestor chains in one UPDATE each; moving a whole
subtree shifts its totals from the old chain to the new one. ``rebuild`` recounts everything.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F

from dangvu.members.enums import CURRENT_STATUSES
from dangvu.members.models import Member, OrgMemberCount

if TYPE_CHECKING:
    from dangvu.orgs.models import Org

STEPLEN = 4


def _chain_paths(path: str) -> list[str]:
    return [path[: i * STEPLEN] for i in range(1, len(path) // STEPLEN + 1)]


def ensure_rows(orgs: Iterable[Org]) -> None:
    OrgMemberCount.objects.bulk_create([OrgMemberCount(org_id=org.pk) for org in orgs], ignore_conflicts=True)


def apply_delta(path: str, deltas: dict[str, int]) -> None:
    """Add ``deltas`` ({status: n}) to the unit at ``path`` and all its ancestors."""
    updates = {
        status: F(status) + amount
        for status, amount in deltas.items()
        if amount and status in CURRENT_STATUSES
    }
    if not updates:
        return
    from dangvu.orgs.models import Org

    OrgMemberCount.objects.filter(
        org__in=Org.objects.filter(path__in=_chain_paths(path)).values("pk")
    ).update(**updates)


def member_changed(
    *, old_path: str | None, old_status: str | None, new_path: str | None, new_status: str | None
) -> None:
    """One member left (old unit, old status) and arrived at (new unit, new status); either side may be None."""
    if old_path == new_path and old_status == new_status:
        return
    if old_path and old_status in CURRENT_STATUSES:
        apply_delta(old_path, {old_status: -1})
    if new_path and new_status in CURRENT_STATUSES:
        apply_delta(new_path, {new_status: 1})


def shift_subtree(*, moved: Org, old_parent: Org | None, new_parent: Org) -> None:
    """``moved`` (already re-parented) took its subtree totals from the old parent chain to the new one."""
    row = OrgMemberCount.objects.filter(org=moved).first()
    if row is None or row.total == 0:
        return
    amounts = {status: getattr(row, status) for status in CURRENT_STATUSES}
    if old_parent is not None:
        apply_delta(old_parent.path, {status: -n for status, n in amounts.items()})
    apply_delta(new_parent.path, amounts)


def move_members_bulk(*, from_path: str, to_path: str, counts: dict[str, int]) -> None:
    apply_delta(from_path, {status: -n for status, n in counts.items()})
    apply_delta(to_path, counts)


def recount(org: Org) -> dict[str, int]:
    """Count the subtree's members from the member table (the slow, authoritative way)."""
    rows = (
        Member.objects.filter(org__path__startswith=org.path, status__in=CURRENT_STATUSES)
        .values("status")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(CURRENT_STATUSES, 0) | {row["status"]: row["n"] for row in rows}
    return counts | {"total": sum(counts.values())}


def rebuild() -> int:
    """Recount every unit's subtree totals from scratch; returns the number of rows written."""
    from dangvu.orgs.models import Org

    direct: dict[int, Counter[str]] = defaultdict(Counter)
    for org_id, status, n in (
        Member.objects.filter(status__in=CURRENT_STATUSES)
        .values_list("org_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        direct[org_id][status] += n
    paths = dict(Org.objects.values_list("pk", "path").order_by())
    by_path = {path: pk for pk, path in paths.items()}
    totals: dict[int, Counter[str]] = defaultdict(Counter)
    for org_id, counter in direct.items():
        for ancestor_path in _chain_paths(paths[org_id]):
            totals[by_path[ancestor_path]].update(counter)
    rows = [
        OrgMemberCount(org_id=pk, **{status: totals[pk][status] for status in CURRENT_STATUSES})
        for pk in paths
    ]
    OrgMemberCount.objects.all().delete()
    OrgMemberCount.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def subtree_count(user: Any, org: Any, status: str | None) -> int | None:
    """How many members of ``status`` the subtree of ``org`` holds, from the roll-ups, when that is what
    ``user`` would count row by row: a current status, and a scope that covers the whole subtree.
    None otherwise (the roll-ups hold current members only, by status). Lists with any other filter
    must not ask."""
    from dangvu.accounts.permissions import scope_for

    if status not in CURRENT_STATUSES or not scope_for(user, "members.view").covers_subtree(org):
        return None
    rollup = OrgMemberCount.objects.filter(org=org).first()
    return int(getattr(rollup, status)) if rollup is not None else None
