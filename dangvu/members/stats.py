"""Member statistics for any unit and its subtree (the yearly report's figures).

Every breakdown is made of *cells*: for one dimension (sex, birth year, ethnicity, …) the number of
current members per value. Small units are counted live. Units with many members
(``PRECOMPUTE_MIN_MEMBERS`` and up: provinces, the whole country) read cells computed in advance
(``OrgMemberStat``, rebuilt nightly and after imports), because recounting a province's 200,000
members per breakdown takes seconds; the figures then say when they were computed (``as_of``).
Counts by status always come from the exact roll-ups (``OrgMemberCount``).

Ages and party ages are counted by year, as in the Party's statistical reports: age = report year −
year of birth; party age = report year − year of the party-age start. That start is the member's
derived ``party_age_from`` (the first admission, moved later by every period out of the Party: the
same computation as ``dangvu.members.milestones.party_age``, so a re-admitted member counts from the
first admission, minus the gap). A member whose clock stopped (a period out still open) has a fixed
party age: their cell key is ``=N`` (N years, stop year − start year).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Cast, Concat, ExtractMonth, ExtractYear, Substr
from django.utils import timezone

from dangvu.members.enums import CURRENT_STATUSES, MemberStatus, TheoryLevel
from dangvu.members.models import Member, OrgMemberCount, OrgMemberStat

PRECOMPUTE_MIN_MEMBERS = int(getattr(settings, "DANGVU_STATS_PRECOMPUTE_MIN", 20_000))

AGE_BANDS = [
    ("≤30", 0, 30),
    ("31–40", 31, 40),
    ("41–50", 41, 50),
    ("51–60", 51, 60),
    ("61–70", 61, 70),
    (">70", 71, 200),
]
PARTY_AGE_BANDS = [
    ("<10", 0, 9),
    ("10–19", 10, 19),
    ("20–29", 20, 29),
    ("30–39", 30, 39),
    ("40–49", 40, 49),
    ("≥50", 50, 200),
]

# Breakdowns of current members: dimension → the value grouped on.
CURRENT_DIMENSIONS: dict[str, Any] = {
    "sex": F("sex"),
    "birth_year": ExtractYear("birth_date"),
    "party_age_year": Case(
        When(
            party_age_until__isnull=False,
            then=Concat(
                Value("="),
                Cast(ExtractYear("party_age_until") - ExtractYear("party_age_from"), CharField()),
            ),
        ),
        default=Cast(ExtractYear("party_age_from"), CharField()),
        output_field=CharField(),
    ),
    "ethnicity": F("ethnicity__name"),
    "religion": F("religion__name"),
    "general_education": F("general_education"),
    "political_theory": F("political_theory"),
}
# Events of every member (current or not), by month: dimension → (date field, extra filter).
EVENT_DIMENSIONS: dict[str, tuple[str, Q]] = {
    "admitted_month": ("admitted_on", Q()),
    "recognized_month": ("recognized_on", Q()),
    "deceased_month": ("status_changed_on", Q(status=MemberStatus.DECEASED)),
}
UNKNOWN = ""


def _key(value: Any) -> str:
    return UNKNOWN if value is None else str(value)


def _count_cells(members: Any, group: Any = None) -> dict[Any, dict[str, dict[str, int]]]:
    """Cells of ``members`` (a subtree's members), grouped by ``group`` (None = one group)."""
    result: dict[Any, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    current = members.filter(status__in=CURRENT_STATUSES)
    grouping = {"_group": group} if group is not None else {}
    for dimension, value in CURRENT_DIMENSIONS.items():
        rows = current.annotate(_value=value, **grouping).values("_value", *grouping).annotate(n=Count("pk"))
        for row in rows.order_by():
            result[row.get("_group")][dimension][_key(row["_value"])] = row["n"]
    for dimension, (field, condition) in EVENT_DIMENSIONS.items():
        rows = (
            members.filter(condition, **{f"{field}__isnull": False})
            .annotate(_y=ExtractYear(field), _m=ExtractMonth(field), **grouping)
            .values("_y", "_m", *grouping)
            .annotate(n=Count("pk"))
        )
        for row in rows.order_by():
            result[row.get("_group")][dimension][f"{row['_y']:04d}-{row['_m']:02d}"] = row["n"]
    return result


def _count_cells_live(members: Any) -> dict[str, dict[str, int]]:
    """The same cells as ``_count_cells`` for a small unit, from one read of its members' rows
    (one query instead of one per dimension)."""
    cells: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    current = set(CURRENT_STATUSES)
    rows = members.values_list(
        "status",
        "sex",
        "birth_date",
        "admitted_on",
        "recognized_on",
        "status_changed_on",
        "party_age_from",
        "party_age_until",
        "ethnicity__name",
        "religion__name",
        "general_education",
        "political_theory",
    )
    for (
        status,
        sex,
        born,
        admitted,
        recognized,
        changed,
        age_from,
        age_until,
        ethnicity,
        religion,
        education,
        theory,
    ) in rows.iterator(chunk_size=5000):
        if status in current:
            cells["sex"][_key(sex)] += 1
            cells["birth_year"][_key(born.year if born else None)] += 1
            cells["party_age_year"][party_age_key(age_from, age_until)] += 1
            cells["ethnicity"][_key(ethnicity)] += 1
            cells["religion"][_key(religion)] += 1
            cells["general_education"][_key(education)] += 1
            cells["political_theory"][_key(theory)] += 1
        if admitted:
            cells["admitted_month"][f"{admitted:%Y-%m}"] += 1
        if recognized:
            cells["recognized_month"][f"{recognized:%Y-%m}"] += 1
        if changed and status == MemberStatus.DECEASED:
            cells["deceased_month"][f"{changed:%Y-%m}"] += 1
    return {dimension: dict(values) for dimension, values in cells.items()}


def party_age_key(age_from: date | None, age_until: date | None) -> str:
    """The ``party_age_year`` cell of one member, as the SQL expression of ``CURRENT_DIMENSIONS``."""
    if age_from is None:
        return UNKNOWN
    if age_until is not None:
        return f"={age_until.year - age_from.year}"
    return str(age_from.year)


def rebuild_precomputed(min_members: int | None = None) -> int:
    """Recompute the cells of every unit with at least ``min_members`` members; returns the units.

    One pass per dimension over all members, grouped by their unit's ancestor at the deepest level
    among the big units (or the unit itself when shallower); each big unit then sums the groups of
    its subtree.
    """
    from dangvu.orgs.models import Org

    threshold = PRECOMPUTE_MIN_MEMBERS if min_members is None else min_members
    big = [
        row.org
        for row in OrgMemberCount.objects.select_related("org").all()
        if row.total >= threshold and row.org.status == "active"
    ]
    now = timezone.now()
    rows: list[OrgMemberStat] = []
    if big:
        length = max(org.depth for org in big) * Org.steplen
        members = Member.objects.annotate(_prefix=Substr("org__path", 1, length))
        groups = _count_cells(members, group=F("_prefix"))
        for org in big:
            totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            for prefix, cells in groups.items():
                if prefix.startswith(org.path):
                    for dimension, values in cells.items():
                        for key, n in values.items():
                            totals[dimension][key] += n
            rows += [
                OrgMemberStat(org=org, dimension=dimension, key=key[:120], n=n, computed_at=now)
                for dimension, values in totals.items()
                for key, n in values.items()
            ]
    with transaction.atomic():
        OrgMemberStat.objects.all().delete()
        OrgMemberStat.objects.bulk_create(rows, batch_size=5000)
    return len(big)


def _precomputed(org: Any) -> tuple[dict[str, dict[str, int]], datetime] | None:
    rows = list(OrgMemberStat.objects.filter(org=org).values_list("dimension", "key", "n", "computed_at"))
    if not rows:
        return None
    cells: dict[str, dict[str, int]] = defaultdict(dict)
    for dimension, key, n, _at in rows:
        cells[dimension][key] = n
    return cells, min(at for *_rest, at in rows)


def _bands(cells: dict[str, int], bands: list[tuple[str, int, int]], year: int) -> dict[str, int]:
    result = dict.fromkeys([label for label, _low, _high in bands], 0) | {"unknown": 0}
    for key, n in cells.items():
        if key == UNKNOWN:
            result["unknown"] += n
            continue
        years = int(key[1:]) if key.startswith("=") else year - int(key)
        for label, low, high in bands:
            if low <= years <= high:
                result[label] += n
                break
    return result


def _named(cells: dict[str, int], names: dict[str, str] | None = None) -> dict[str, int]:
    names = names or {}
    ordered = sorted(cells.items(), key=lambda kv: (kv[0] == UNKNOWN and kv[0] not in names, kv[0]))
    return {names.get(k, "—" if k == UNKNOWN else k): n for k, n in ordered}


def _in_months(cells: dict[str, int], period_from: date, period_to: date) -> int:
    first, last = f"{period_from:%Y-%m}", f"{period_to:%Y-%m}"
    return sum(n for month, n in cells.items() if first <= month <= last)


def _live_by_status(members: Any) -> dict[str, int]:
    counts = dict.fromkeys(CURRENT_STATUSES, 0) | dict(
        members.current().values_list("status").annotate(n=Count("pk")).order_by()
    )
    return counts | {"total": sum(counts.values())}


def member_stats(org: Any, period_from: date, period_to: date, *, subtree: bool = True) -> dict[str, Any]:
    """Totals by status (from the roll-ups), and for current members by sex, age band, ethnicity,
    religion, general education, political theory and party-age band; admissions, recognitions and
    deaths in the period. ``subtree=False``: the unit's own members only (for a role held in that unit
    alone, which must not learn its sub-units' figures), counted live."""
    precomputed = _precomputed(org) if subtree else None
    members = Member.objects.in_subtree(org) if subtree else Member.objects.filter(org=org)
    if precomputed is not None:
        cells, as_of = precomputed
        # Whole months from the cells; a period that cuts a month is counted live.
        month_end = (period_to + timedelta(days=1)).day == 1
        whole_months = period_from.day == 1 and (month_end or period_to >= timezone.localdate(as_of))
    else:
        cells, as_of, whole_months = _count_cells_live(members), None, False
    rollup = OrgMemberCount.objects.filter(org=org).first() if subtree else None
    by_status = rollup.as_dict() if rollup else _live_by_status(members) if not subtree else {}
    theory_names = {value: str(label) for value, label in TheoryLevel.choices}
    year = period_to.year
    if whole_months:
        events = {
            name: _in_months(cells.get(f"{name}_month", {}), period_from, period_to)
            for name in ("admitted", "recognized", "deceased")
        }
    else:
        events = {
            "admitted": members.filter(admitted_on__range=(period_from, period_to)).count(),
            "recognized": members.filter(recognized_on__range=(period_from, period_to)).count(),
            "deceased": members.filter(
                status=MemberStatus.DECEASED, status_changed_on__range=(period_from, period_to)
            ).count(),
        }
    return {
        "org": {"id": org.pk, "name": org.name},
        "period": {"from": period_from.isoformat(), "to": period_to.isoformat()},
        "as_of": as_of.isoformat() if as_of else None,
        "by_status": by_status,
        "total": rollup.total if rollup else sum(cells.get("sex", {}).values()),
        "by_sex": _named(cells.get("sex", {})),
        "by_age_band": _bands(cells.get("birth_year", {}), AGE_BANDS, year),
        "by_ethnicity": _named(cells.get("ethnicity", {})),
        "by_religion": _named(cells.get("religion", {})),
        "by_general_education": _named(cells.get("general_education", {})),
        "by_political_theory": _named(cells.get("political_theory", {}), theory_names),
        # Cells computed before party age had its own column (until the nightly rebuild) count by year
        # of admission.
        "by_party_age_band": _bands(
            cells.get("party_age_year", cells.get("admitted_year", {})), PARTY_AGE_BANDS, year
        ),
        "admitted_in_period": events["admitted"],
        "recognized_in_period": events["recognized"],
        "deceased_in_period": events["deceased"],
    }
