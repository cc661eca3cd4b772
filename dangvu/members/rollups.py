"""Exact subtree member counts and statistics cells, maintained by append-only deltas.

A member counts in the figures of their unit and of every ancestor up to the country. Updating those
rows inside every member change made every write in the country queue on the national row. Instead:

* **Writers append.** A service that changes anything the statistics count (status, unit, sex, birth
  year, party age, ethnicity, religion, education, political theory, admission, recognition, death)
  calls ``record(member)``: one ``MemberStatDelta`` row with the member's facts before (−1, at the old
  unit) and one with the facts after (+1, at the new unit). Inserts lock no shared row, so changes in
  different units never wait on each other. ``lock()`` in the services remembers the facts before.
* **A job folds.** ``fold()`` (a few seconds after a change commits, and every minute) adds the deltas
  to ``OrgMemberCount`` of the unit and its ancestors and to the statistics cells (``OrgMemberStat``)
  of the ancestors that keep cells, then deletes them, in one transaction; one folder at a time.
* **Readers add what is not folded yet.** ``counts_of``/``subtree_counts``/``unfolded_cells`` read the
  roll-ups and the pending deltas of the subtree in one snapshot (``consistent``), so every figure is
  exact at once, whether or not the fold has run.
* **A nightly recount checks.** ``recount_all()`` recounts everything from the member table in one
  snapshot, reports the drift (it must be zero) and writes the recount.

Why hand-written: the usual answers (django-counter-cache style ``F() + 1`` updates, denormalising
triggers) are exactly the shared-row update this replaces; sharded counters would still need the
per-ancestor fan-out and give no statistics cells.
"""

from __future__ import annotations

import contextlib
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import date
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from dangvu.core.bulk import HOT_ROWS, copy_rows, insert_rows, insert_values
from dangvu.members.enums import CURRENT_STATUSES, MemberStatus
from dangvu.members.models import Member, MemberStatDelta, OrgMemberCount, OrgMemberStat

if TYPE_CHECKING:
    from dangvu.orgs.models import Org

logger = logging.getLogger(__name__)

STEPLEN = 4
FOLD_BATCH = 20_000
FOLD_DELAY_SECONDS = 2
_LOCK_ID = 0x726F6C6C7570  # "rollup": the PostgreSQL advisory lock held by the folder and the recount
_QUEUED = "dangvu-members-fold-queued"
_UPSERT_BATCH = 500

# The statistics dimensions of current members and of events (every member): dimension → fact column.
CURRENT_FACTS = (
    "sex",
    "birth_year",
    "party_age_year",
    "ethnicity",
    "religion",
    "general_education",
    "political_theory",
)
EVENT_FACTS = ("admitted_month", "recognized_month", "deceased_month")
# The month cells of current members' starts (birth, a running party-age clock): no cell when unknown
# (the year cells count the unknown), so that a delta written before these facts existed (blank)
# changes none of them.
MONTH_FACTS = ("birth_month", "party_age_month")


@dataclass(frozen=True)
class Facts:
    """What the statistics count of one member: the cells' keys ("" = unknown)."""

    org_id: int
    status: str
    sex: str = ""
    birth_year: str = ""
    party_age_year: str = ""
    birth_month: str = ""
    party_age_month: str = ""
    ethnicity_id: int | None = None
    religion_id: int | None = None
    general_education: str = ""
    political_theory: str = ""
    admitted_month: str = ""
    recognized_month: str = ""
    deceased_month: str = ""


FACT_COLUMNS = tuple(f.name for f in fields(Facts))


def _month(day: date | None) -> str:
    return f"{day:%Y-%m}" if day else ""


def party_age_key(age_from: date | None, age_until: date | None) -> str:
    """The ``party_age_year`` cell of one member: the start year, or ``=N`` for a stopped clock (N whole
    years from the start to the stop, as ``milestones.completed_years`` counts them)."""
    if age_from is None:
        return ""
    if age_until is not None:
        return f"={relativedelta(age_until, age_from).years}"
    return str(age_from.year)


def facts_of_values(values: dict[str, Any]) -> Facts:
    """The facts of a member given as ``{attname: value}`` (a model's ``__dict__`` or an import row)."""
    status = values["status"]
    born = values.get("birth_date")
    return Facts(
        org_id=values["org_id"],
        status=status,
        sex=values.get("sex") or "",
        birth_year=str(born.year) if born else "",
        party_age_year=party_age_key(values.get("party_age_from"), values.get("party_age_until")),
        birth_month=_month(born),
        party_age_month="" if values.get("party_age_until") else _month(values.get("party_age_from")),
        ethnicity_id=values.get("ethnicity_id"),
        religion_id=values.get("religion_id"),
        general_education=values.get("general_education") or "",
        political_theory=values.get("political_theory") or "",
        admitted_month=_month(values.get("admitted_on")),
        recognized_month=_month(values.get("recognized_on")),
        deceased_month=_month(values.get("status_changed_on")) if status == MemberStatus.DECEASED else "",
    )


def facts_of(member: Member) -> Facts:
    return facts_of_values(member.__dict__)


# --- Writing --------------------------------------------------------------------------------------------


def track(member: Member) -> Member:
    """Remember what the statistics count of ``member`` now (``lock()`` calls this on the locked row)."""
    member._rollup_facts = facts_of(member)  # type: ignore[attr-defined]
    return member


def record(member: Member, *, created: bool = False) -> None:
    """Append the change of ``member``'s facts since ``track`` (or since nothing: a ``created`` member)
    and schedule the fold. Idempotent: calling it again without a change writes nothing."""
    if not created and not hasattr(member, "_rollup_facts"):
        # A change to a row nobody locked through ``services.lock``: its old facts are unknown.
        raise RuntimeError(f"member {member.pk} changed without services.lock(): statistics cannot follow")
    before: Facts | None = getattr(member, "_rollup_facts", None)
    after = facts_of(member)
    if before != after:
        record_changes([(before, after)])
    member._rollup_facts = after  # type: ignore[attr-defined]


def record_changes(changes: Iterable[tuple[Facts | None, Facts | None]]) -> int:
    """Append the deltas of many members' changes (before, after; either may be None), aggregated."""
    counts: Counter[Facts] = Counter()
    for before, after in changes:
        if before == after:
            continue
        if before is not None:
            counts[before] -= 1
        if after is not None:
            counts[after] += 1
    # One change: a plain INSERT compiled once (``insert_values``). Many (an import's new members have
    # nearly all different facts, one delta row each): plain rows through COPY (``insert_rows``); model
    # instances built with ``asdict`` cost more than the rest of the statistics' share of the import.
    # ``vars`` of the frozen dataclass is its fields by name.
    rows = [{"n": n, **vars(facts)} for facts, n in counts.items() if n]
    if len(rows) <= HOT_ROWS:
        insert_values(MemberStatDelta, rows)
    else:
        insert_rows(MemberStatDelta, rows)
    if rows:
        fold_soon()
    return len(rows)


def record_direct(path: str, deltas: dict[str, int], org_id: int) -> None:
    """Status-only deltas for ``org_id`` (kept for callers that know counts, not members)."""
    rows = [
        MemberStatDelta(org_id=org_id, n=n, status=status)
        for status, n in deltas.items()
        if n and status in CURRENT_STATUSES
    ]
    if rows:
        MemberStatDelta.objects.bulk_create(rows)
        fold_soon()


def fold_soon() -> None:
    """Have the fold job run shortly after the current transaction commits (at most one queued run
    every ``FOLD_DELAY_SECONDS``: it folds everything committed by then)."""
    transaction.on_commit(_queue_fold)


def _queue_fold() -> None:
    from huey.contrib.djhuey import HUEY

    from dangvu.core.soon import run_soon
    from dangvu.members.tasks import fold_member_stats

    run_soon(_QUEUED, FOLD_DELAY_SECONDS, fold_member_stats, lambda: bool(HUEY.immediate))


def ensure_rows(orgs: Iterable[Org]) -> None:
    OrgMemberCount.objects.bulk_create([OrgMemberCount(org_id=org.pk) for org in orgs], ignore_conflicts=True)


# --- Folding --------------------------------------------------------------------------------------------


def _chain_paths(path: str) -> list[str]:
    return [path[: i * STEPLEN] for i in range(1, len(path) // STEPLEN + 1)]


def _try_lock() -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite: one writer at a time anyway
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK_ID])
        row = cursor.fetchone()
    return bool(row and row[0])


def lock_fold() -> None:
    """Wait for the folder to finish and keep it out until the current transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])


@contextlib.contextmanager
def _session_lock() -> Iterator[None]:
    """The fold lock for a whole block that runs its own transactions (the recount)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_LOCK_ID])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_ID])


@contextlib.contextmanager
def consistent() -> Iterator[None]:
    """Run the block's reads in one snapshot: the roll-ups and the deltas a fold deletes while the
    block runs are then seen both before or both after it (PostgreSQL: REPEATABLE READ)."""
    if connection.in_atomic_block:
        yield  # inside a caller's transaction: its isolation holds
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _ancestors(org_ids: Iterable[int]) -> dict[int, list[int]]:
    """{org id: ids of the org and its ancestors}."""
    from dangvu.orgs.models import Org

    paths = dict(Org.objects.filter(pk__in=set(org_ids)).values_list("pk", "path").order_by())
    chain = {path: _chain_paths(path) for path in paths.values()}
    every = {p for paths_ in chain.values() for p in paths_}
    ids = dict(Org.objects.filter(path__in=every).values_list("path", "pk").order_by())
    return {pk: [ids[p] for p in chain[path] if p in ids] for pk, path in paths.items()}


def _names() -> dict[str, dict[int, str]]:
    from dangvu.members.models import Ethnicity, Religion

    return {
        "ethnicity": dict(Ethnicity.objects.values_list("pk", "name")),
        "religion": dict(Religion.objects.values_list("pk", "name")),
    }


def _cells_of(facts: dict[str, Any], names: dict[str, dict[int, str]]) -> list[tuple[str, str]]:
    """The (dimension, key) cells one member with ``facts`` counts in."""
    cells = []
    if facts["status"] in CURRENT_STATUSES:
        for dimension in CURRENT_FACTS:
            if dimension in names:
                pk = facts[f"{dimension}_id"]
                cells.append((dimension, names[dimension].get(pk, "") if pk is not None else ""))
            else:
                cells.append((dimension, facts[dimension]))
        cells += [(dimension, facts[dimension]) for dimension in MONTH_FACTS if facts[dimension]]
    cells += [(dimension, facts[dimension]) for dimension in EVENT_FACTS if facts[dimension]]
    return cells


def _cells_with_names(facts: dict[str, Any], names: dict[str, dict[int, str]]) -> list[tuple[str, str]]:
    return [(dimension, key[:120]) for dimension, key in _cells_of(facts, names)]


def fold(limit: int = FOLD_BATCH) -> int:
    """Add up to ``limit`` pending deltas to the roll-ups and cells and delete them; returns how many.
    Another fold running: returns 0 at once (it folds these too)."""
    with transaction.atomic():
        if not _try_lock():
            return 0
        rows = list(MemberStatDelta.objects.order_by("pk").values("pk", "n", *FACT_COLUMNS)[:limit])
        if not rows:
            return 0
        by_facts: Counter[tuple[Any, ...]] = Counter()
        for row in rows:
            by_facts[tuple(row[c] for c in FACT_COLUMNS)] += row["n"]
        chains = _ancestors(row["org_id"] for row in rows)
        keeping = set(
            OrgMemberCount.objects.filter(cells_computed_at__isnull=False).values_list("org_id", flat=True)
        )
        names = _names() if keeping else {}
        status_totals: dict[int, Counter[str]] = defaultdict(Counter)
        cells: Counter[tuple[int, str, str]] = Counter()
        for values, n in by_facts.items():
            if not n:
                continue
            facts = dict(zip(FACT_COLUMNS, values, strict=True))
            chain = chains.get(facts["org_id"], [])
            if facts["status"] in CURRENT_STATUSES:
                for org_id in chain:
                    status_totals[org_id][facts["status"]] += n
            kept = [org_id for org_id in chain if org_id in keeping]
            if kept:
                for dimension, key in _cells_with_names(facts, names):
                    for org_id in kept:
                        cells[(org_id, dimension, key)] += n
        _add_counts(status_totals)
        _add_cells(cells)
        MemberStatDelta.objects.filter(pk__in=[row["pk"] for row in rows]).delete()
    return len(rows)


def fold_all() -> int:
    """Fold until nothing is pending (or another folder holds the lock); returns how many."""
    total = 0
    while done := fold():
        total += done
    return total


def _add_counts(totals: dict[int, Counter[str]]) -> None:
    table = OrgMemberCount._meta.db_table
    columns = list(CURRENT_STATUSES)
    rows = [
        [org_id, *(counter[s] for s in columns)]
        for org_id, counter in totals.items()
        if any(counter.values())
    ]
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns)
    for start in range(0, len(rows), _UPSERT_BATCH):
        batch = rows[start : start + _UPSERT_BATCH]
        placeholders = ", ".join(["(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"] * len(batch))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (org_id, {', '.join(columns)}) VALUES {placeholders} "  # noqa: S608
                f"ON CONFLICT (org_id) DO UPDATE SET {sets}",
                [value for row in batch for value in row],
            )


def _add_cells(cells: Counter[tuple[int, str, str]]) -> None:
    table = OrgMemberStat._meta.db_table
    key = connection.ops.quote_name("key")
    now = timezone.now()
    rows = [(org_id, dimension, k, n, now) for (org_id, dimension, k), n in cells.items() if n]
    for start in range(0, len(rows), _UPSERT_BATCH):
        batch = rows[start : start + _UPSERT_BATCH]
        placeholders = ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (org_id, dimension, {key}, n, computed_at) VALUES {placeholders} "  # noqa: S608
                f"ON CONFLICT (org_id, dimension, {key}) DO UPDATE SET n = {table}.n + excluded.n",
                [value for row in batch for value in row],
            )


# --- Reading --------------------------------------------------------------------------------------------


def _pending(org: Org) -> Any:
    """The pending deltas of ``org``'s subtree: joined to their unit (a few rows, each looked up by
    key), not filtered by the list of the subtree's units (tens of thousands for the country)."""
    return MemberStatDelta.objects.filter(org__path__startswith=org.path)


def subtree_counts(orgs: Iterable[Org]) -> dict[int, dict[str, int]]:
    """{org id: {status: n, …, "total": n}} of each unit's whole subtree, exact at this moment (the
    roll-ups plus the deltas not folded yet). Call it inside ``consistent()`` for several reads."""
    orgs = list(orgs)
    if not orgs:
        return {}
    with consistent():
        stored = {
            row["org_id"]: row
            for row in OrgMemberCount.objects.filter(org_id__in=[o.pk for o in orgs]).values(
                "org_id", *CURRENT_STATUSES
            )
        }
        pending = list(
            MemberStatDelta.objects.filter(status__in=CURRENT_STATUSES)
            .values_list("org__path", "status")
            .annotate(n=Sum("n"))
            .order_by()
        )
    result = {}
    for org in orgs:
        row = stored.get(org.pk, {})
        counts = {status: int(row.get(status, 0)) for status in CURRENT_STATUSES}
        for path, status, n in pending:
            if path.startswith(org.path):
                counts[status] += n
        result[org.pk] = counts | {"total": sum(counts.values())}
    return result


def counts_of(org: Org) -> dict[str, int]:
    """``{status: n, …, "total": n}`` of ``org``'s whole subtree, exact at this moment."""
    return subtree_counts([org])[org.pk]


def unfolded_cells(org: Org) -> dict[str, dict[str, int]]:
    """The cells of the deltas not folded yet in ``org``'s subtree: {dimension: {key: n}}."""
    return unfolded(org)[0]


def unfolded(org: Org) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """The deltas not folded yet in ``org``'s subtree, in one query: their cells ({dimension: {key:
    n}}) and their current members by status ({status: n})."""
    names: dict[str, dict[int, str]] | None = None
    cells: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    statuses: Counter[str] = Counter()
    values = [c for c in FACT_COLUMNS if c != "org_id"]
    for row in _pending(org).values(*values).annotate(total=Sum("n")).order_by():
        if not row["total"]:
            continue
        if row["status"] in CURRENT_STATUSES:
            statuses[row["status"]] += row["total"]
        if names is None:
            names = _names()
        for dimension, key in _cells_with_names(row, names):
            cells[dimension][key] += row["total"]
    return cells, dict(statuses)


def subtree_count(user: Any, org: Any, status: str | None) -> int | None:
    """How many members of ``status`` the subtree of ``org`` holds, from the roll-ups, when that is what
    ``user`` would count row by row: a current status, and a scope that covers the whole subtree.
    None otherwise (the roll-ups hold current members only, by status). Lists with any other filter
    must not ask."""
    from dangvu.accounts.permissions import scope_for

    if status not in CURRENT_STATUSES or not scope_for(user, "members.view").covers_subtree(org):
        return None
    return counts_of(org)[status]


# --- Structure changes ----------------------------------------------------------------------------------


def shift_subtree(*, moved: Org, old_parent: Org | None, new_parent: Org) -> None:
    """``moved`` (already re-parented) took its subtree from the old parent chain to the new one: its
    folded totals and cells leave the old ancestors and join the new ones (its pending deltas fold
    into the new chain by themselves, since they name their unit, not its path)."""
    lock_fold()
    row = OrgMemberCount.objects.filter(org=moved).first()
    if row is None:
        return
    amounts = {status: getattr(row, status) for status in CURRENT_STATUSES}
    cells = _folded_cells(moved, row)
    old_chain = [int(pk) for pk in _chain_ids(old_parent.path)] if old_parent is not None else []
    new_chain = [int(pk) for pk in _chain_ids(new_parent.path)]
    totals: dict[int, Counter[str]] = defaultdict(Counter)
    for org_id in old_chain:
        totals[org_id].subtract(amounts)
    for org_id in new_chain:
        totals[org_id].update(amounts)
    _add_counts(totals)
    keeping = set(
        OrgMemberCount.objects.filter(
            org_id__in=old_chain + new_chain, cells_computed_at__isnull=False
        ).values_list("org_id", flat=True)
    )
    shift: Counter[tuple[int, str, str]] = Counter()
    for dimension, values in cells.items():
        for key, n in values.items():
            for org_id in keeping & set(old_chain):
                shift[(org_id, dimension, key)] -= n
            for org_id in keeping & set(new_chain):
                shift[(org_id, dimension, key)] += n
    _add_cells(shift)


def _chain_ids(path: str) -> list[int]:
    from dangvu.orgs.models import Org

    return list(Org.objects.filter(path__in=_chain_paths(path)).values_list("pk", flat=True))


def _folded_cells(org: Org, row: OrgMemberCount) -> dict[str, dict[str, int]]:
    """The subtree's cells as folded so far: its own kept cells, or a live count minus its pending deltas."""
    if row.cells_computed_at is not None:
        cells: dict[str, dict[str, int]] = defaultdict(dict)
        for dimension, key, n in OrgMemberStat.objects.filter(org=org).values_list("dimension", "key", "n"):
            cells[dimension][key] = n
        return cells
    from dangvu.members.stats import count_cells_live

    live = count_cells_live(Member.objects.in_subtree(org))
    for dimension, values in unfolded_cells(org).items():
        for key, n in values.items():
            live.setdefault(dimension, {})
            live[dimension][key] = live[dimension].get(key, 0) - n
    return live


# --- Recounting -----------------------------------------------------------------------------------------


def recount(org: Org) -> dict[str, int]:
    """Count the subtree's members from the member table (the slow, authoritative way)."""
    rows = (
        Member.objects.in_subtree(org)
        .filter(status__in=CURRENT_STATUSES)
        .values("status")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(CURRENT_STATUSES, 0) | {row["status"]: row["n"] for row in rows}
    return counts | {"total": sum(counts.values())}


def _recounted_totals() -> tuple[dict[int, Counter[str]], list[int]]:
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
    return totals, list(paths)


@dataclass
class Drift:
    """What the recount found different from the roll-ups plus pending deltas (zero when all is well)."""

    units: int = 0  # units whose counts differed
    members: int = 0  # sum of the absolute differences of the counts
    cells: int = 0  # sum of the absolute differences of the kept statistics cells
    pending: int = 0  # deltas folded in by the recount

    @property
    def zero(self) -> bool:
        return not (self.units or self.members or self.cells)


def recount_all(*, min_members: int | None = None, initial: bool = False) -> Drift:
    """Recount every unit's totals and the kept statistics cells from the member table, in one
    snapshot, under the fold lock; compare them with the roll-ups plus the deltas pending in that
    snapshot (the drift, logged as an error unless zero); write the recount and delete those deltas.
    Deltas committed meanwhile are not in the snapshot and stay for the next fold.

    ``initial``: the first count after a bulk load that wrote members without deltas (the seed), where
    every unit differs from its empty roll-ups by design; the difference is logged as information."""
    from dangvu.members import stats

    with _session_lock(), consistent():
        pending_ids = list(MemberStatDelta.objects.values_list("pk", flat=True))
        drift = Drift(pending=len(pending_ids))
        fold_rows = list(MemberStatDelta.objects.values("n", *FACT_COLUMNS))
        totals, org_ids = _recounted_totals()
        stored = {row["org_id"]: row for row in OrgMemberCount.objects.values("org_id", *CURRENT_STATUSES)}
        expected = _expected_totals(stored, fold_rows)
        for org_id in org_ids:
            diff = sum(abs(expected.get(org_id, Counter())[s] - totals[org_id][s]) for s in CURRENT_STATUSES)
            if diff:
                drift.units += 1
                drift.members += diff
        kept_before = {
            row.org_id: row.cells_computed_at
            for row in OrgMemberCount.objects.filter(cells_computed_at__isnull=False)
        }
        fresh = stats.recount_cells(totals, min_members=min_members)
        drift.cells = _cells_drift(kept_before, fresh, fold_rows)
        _write_recount(totals, org_ids, fresh)
        MemberStatDelta.objects.filter(pk__in=pending_ids).delete()
    if drift.zero:
        logger.info("member statistics recount: no drift (%s pending deltas folded)", drift.pending)
    elif initial:
        logger.info("member statistics first count after a bulk load: %s", drift)
    else:
        logger.error("member statistics recount found drift: %s", drift)
    return drift


def _expected_totals(
    stored: dict[int, dict[str, Any]], fold_rows: list[dict[str, Any]]
) -> dict[int, Counter[str]]:
    expected: dict[int, Counter[str]] = defaultdict(Counter)
    for org_id, row in stored.items():
        expected[org_id].update({s: int(row[s]) for s in CURRENT_STATUSES})
    chains = _ancestors(row["org_id"] for row in fold_rows)
    for row in fold_rows:
        if row["status"] in CURRENT_STATUSES:
            for org_id in chains.get(row["org_id"], []):
                expected[org_id][row["status"]] += row["n"]
    return expected


def _cells_drift(
    kept_before: dict[int, Any], fresh: dict[int, dict[str, dict[str, int]]], fold_rows: list[dict[str, Any]]
) -> int:
    common = set(kept_before) & set(fresh)
    if not common:
        return 0
    stored: Counter[tuple[int, str, str]] = Counter()
    for org_id, dimension, key, n in OrgMemberStat.objects.filter(org_id__in=common).values_list(
        "org_id", "dimension", "key", "n"
    ):
        stored[(org_id, dimension, key)] += n
    chains = _ancestors(row["org_id"] for row in fold_rows)
    names = _names()
    for row in fold_rows:
        for org_id in chains.get(row["org_id"], []):
            if org_id in common:
                for dimension, key in _cells_with_names(row, names):
                    stored[(org_id, dimension, key)] += row["n"]
    recounted: Counter[tuple[int, str, str]] = Counter()
    for org_id in common:
        for dimension, values in fresh[org_id].items():
            for key, n in values.items():
                recounted[(org_id, dimension, key[:120])] += n
    return sum(abs(stored[k] - recounted[k]) for k in set(stored) | set(recounted))


def _write_recount(
    totals: dict[int, Counter[str]], org_ids: list[int], cells: dict[int, dict[str, dict[str, int]]]
) -> None:
    # Streamed by COPY (``copy_rows``): the national recount writes millions of cells, which model
    # instances and INSERTs of 5,000 rows took minutes to write.
    now = timezone.now()
    OrgMemberCount.objects.all().delete()
    copy_rows(
        OrgMemberCount,
        ["org", "cells_computed_at", *CURRENT_STATUSES],
        (
            [pk, now if pk in cells else None, *(totals[pk][status] for status in CURRENT_STATUSES)]
            for pk in org_ids
        ),
    )
    OrgMemberStat.objects.all().delete()
    copy_rows(
        OrgMemberStat,
        ["org", "dimension", "key", "n", "computed_at"],
        (
            [org_id, dimension, key[:120], n, now]
            for org_id, dims in cells.items()
            for dimension, values in dims.items()
            for key, n in values.items()
            if n
        ),
    )


def rebuild() -> int:
    """Recount every unit's totals and kept cells from scratch; returns the number of units."""
    recount_all()
    return OrgMemberCount.objects.count()
