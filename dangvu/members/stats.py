"""Member statistics for any unit and its subtree (the yearly report's figures).

Every breakdown is made of *cells*: for one dimension (sex, birth year, ethnicity, …) the number of
current members per value, and the admissions, recognitions and deaths per month. Small units are
counted live. Units with many members (``PRECOMPUTE_MIN_MEMBERS`` and up) keep their cells
(``OrgMemberStat``), which every member change updates through the deltas of
``dangvu.members.rollups`` (folded within seconds; the deltas not folded yet are added when read), so
the figures are exact at once; a period that cuts a month takes that month's cell and counts from the
member rows only the shorter side of the cut (a date range: a few days of events). Counts by status
come from the roll-ups (``OrgMemberCount``), exact the same way. A nightly recount checks both for drift.

Ages and party ages are counted in whole years on the report day (the period's last day), exactly as
``dangvu.members.milestones.party_age`` counts them (and ``completed_years`` for ages). Party age runs
from the member's derived ``party_age_from`` (the first admission, moved later by every period out of
the Party: a re-admitted member counts from the first admission, minus the gap); a member whose clock
stopped (death, a period out still open) has a fixed party age: their cell key is ``=N`` (N whole years
from the start to the stop). The cells of running clocks and of births are kept by year and by month;
a band boundary only needs to know, within the one year that straddles it, who has not reached the
anniversary on the report day: the months after the anniversary's month from the month cells, and the
days of that month after it from the rows (``late_anniversaries``: a date range within one month, on a
partial index), so no cell per day is kept. On a report day before a member's stop or before the end
of one of their periods out the columns are behind: those few members are counted with ``party_age``
itself (``historic_party_ages``). Source and choice: docs/party-age.md.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Cast, Concat, ExtractMonth, ExtractYear, Substr
from django.utils import timezone

from dangvu.members.enums import CURRENT_STATUSES, MemberStatus, TheoryLevel
from dangvu.members.milestones import completed_years, completed_years_sql, latest_start_with_years
from dangvu.members.models import Member, OrgMemberCount, OrgMemberStat
from dangvu.members.rollups import party_age_key

PRECOMPUTE_MIN_MEMBERS = int(getattr(settings, "DANGVU_STATS_PRECOMPUTE_MIN", 1_000))

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
                Cast(completed_years_sql("party_age_from", "party_age_until"), CharField()),
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
# Current members' starts by month ("YYYY-MM"; no cell when unknown, nor for a stopped clock): with the
# year cells above, the bands of any report day read the months of the boundary year from the cells and
# count from the rows only the days of the one month the report day cuts (``late_anniversaries``).
MONTH_DIMENSIONS: dict[str, tuple[str, Q]] = {
    "birth_month": ("birth_date", Q(status__in=CURRENT_STATUSES)),
    "party_age_month": ("party_age_from", Q(status__in=CURRENT_STATUSES, party_age_until__isnull=True)),
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
    for dimension, (field, condition) in (EVENT_DIMENSIONS | MONTH_DIMENSIONS).items():
        rows = (
            members.filter(condition, **{f"{field}__isnull": False})
            .annotate(_y=ExtractYear(field), _m=ExtractMonth(field), **grouping)
            .values("_y", "_m", *grouping)
            .annotate(n=Count("pk"))
        )
        for row in rows.order_by():
            result[row.get("_group")][dimension][f"{row['_y']:04d}-{row['_m']:02d}"] = row["n"]
    return result


# The bands counted in whole years on the report day: dimension → (the member rows' date column, the
# condition of the rows the dimension's year cells count, the bands).
EXACT_BANDS: dict[str, tuple[str, Q, list[tuple[str, int, int]]]] = {
    "birth_year": ("birth_date", Q(status__in=CURRENT_STATUSES), AGE_BANDS),
    "party_age_year": (
        "party_age_from",
        Q(status__in=CURRENT_STATUSES, party_age_until__isnull=True),
        PARTY_AGE_BANDS,
    ),
}


def _after_anniversary(field: str, on: date) -> Q:
    """Rows whose anniversary (of ``field``, a date) falls after ``on`` in ``on``'s year: the month and
    day after ``on``'s, except a 29/2 start when ``on`` is 28/2 of a common year (its anniversary)."""
    from django.db.models import ExpressionWrapper, IntegerField
    from django.db.models.functions import ExtractDay
    from django.db.models.lookups import GreaterThan

    threshold = on.month * 100 + on.day
    if (on.month, on.day) == (2, 28) and not calendar.isleap(on.year):
        threshold = 229
    month_day = ExpressionWrapper(ExtractMonth(field) * 100 + ExtractDay(field), output_field=IntegerField())
    return Q(GreaterThan(month_day, threshold))


def _columns_behind(on: date) -> Q:
    """Current members whose derived party-age columns do not hold on ``on``: their clock stopped after
    it (a period out opened later: the cells count the years they had at the stop), or a period out
    deducted from ``party_age_from`` ends after it (the cells count it whole). A handful of rows on a
    past report day, none on a report day after every stop and every period's end."""
    from django.db.models import Exists, OuterRef

    from dangvu.members.models import PartyInterruption

    later_end = PartyInterruption.objects.filter(
        member=OuterRef("pk"), ends_on__isnull=False, rehabilitated=False, ends_on__gt=on
    )
    return Q(status__in=CURRENT_STATUSES) & (Q(party_age_until__gt=on) | Q(Exists(later_end)))


def _historic_rows(on: date) -> list[Any]:
    """The candidates for ``_columns_behind(on)`` of a unit that keeps cells, as rows shaped like its
    cells (``historic``, the member's id, 1) for ``_kept_figures`` to read in the same statement: two
    bare scans of the partial indexes ``member_party_age_stopped_idx`` and
    ``interruption_closed_ends_idx``, empty ranges on a report day after every stop and every period's
    end (the yearly report's usual days). No join: planning one with the units cost the cells read more
    than the empty scans (0.6 ms against 0.1 ms at 6 million members); ``historic_party_ages`` keeps
    the current members of the unit's subtree."""
    from django.db.models import BigIntegerField

    from dangvu.members.models import PartyInterruption

    label, one = Value("historic", output_field=CharField()), Value(1, output_field=BigIntegerField())
    stopped = (
        Member.objects.filter(party_age_until__gt=on)
        .order_by()
        .annotate(_d=label, _k=Cast("pk", CharField()), _n=one)
        .values_list("_d", "_k", "_n")
    )
    ended = (
        PartyInterruption.objects.filter(ends_on__isnull=False, rehabilitated=False, ends_on__gt=on)
        .order_by()
        .annotate(_d=label, _k=Cast("member_id", CharField()), _n=one)
        .values_list("_d", "_k", "_n")
    )
    return [stopped, ended]


def historic_party_ages(ids: Sequence[int], on: date, org: Any = None) -> list[tuple[int, int]]:
    """For the members ``ids`` (whose derived columns may not hold on ``on``; only the current members
    of ``org``'s subtree when given), the whole years of party age the cells count them with and the
    years ``milestones.party_age`` gives on ``on`` (periods out before ``on`` deducted, a period still
    running on ``on`` stopping the clock there), for those where they differ: ``_bands`` moves each
    from the one band to the other. Two queries per thousand members (none without ``ids``)."""
    from dangvu.members.milestones import party_age

    members: list[Member] = []
    ids = sorted(set(ids))
    for first in range(0, len(ids), 1000):  # SQLite bounds the parameters of one statement
        chunk = Member.objects.filter(pk__in=ids[first : first + 1000])
        if org is not None:
            chunk = chunk.filter(status__in=CURRENT_STATUSES, org__path__startswith=org.path)
        members += chunk.only(
            "status",
            "status_changed_on",
            "first_admitted_on",
            "admitted_on",
            "card_admitted_on",
            "party_age_from",
            "party_age_until",
        ).prefetch_related("interruptions")
    moves = []
    for member in members:
        if member.party_age_from is None:
            continue  # no start: unknown both ways
        counted = max(completed_years(member.party_age_from, member.party_age_until or on), 0)
        age = party_age(member, on, member.interruptions.all())
        exact = age.years if age is not None else 0
        if counted != exact:
            moves.append((counted, exact))
    return moves


def count_cells_live(
    members: Any, period: tuple[date, date] | None = None, late_on: date | None = None, *, months: bool = True
) -> dict[str, dict[str, int]]:
    """The same cells as ``_count_cells`` for a unit counted live, in one query that reads the members'
    rows once (a materialized CTE grouped once per dimension): the database returns a few hundred
    cells instead of every row. Also ``status`` (every member by status) and, given a ``period``,
    ``in_period`` (admitted, recognized, deceased: the events dated in it); given ``late_on``, for each
    dimension of ``EXACT_BANDS`` a ``<dimension>_late`` cell per year: the members of that year whose
    anniversary falls after ``late_on`` (``late_anniversaries`` for the units that keep cells), and a
    ``historic`` cell per current member whose derived party-age columns do not hold on ``late_on``
    (``historic_party_ages``; none on a report day after every stop and every period's end).
    ``months=False``: without the month cells of ``MONTH_DIMENSIONS`` (only kept cells are read by them).
    """
    dated_dimensions = EVENT_DIMENSIONS | (MONTH_DIMENSIONS if months else {})
    columns: dict[str, Any] = {
        "_status": F("status"),
        "_current": Case(When(status__in=CURRENT_STATUSES, then=Value(1)), default=Value(0)),
        **{f"_{dimension}": value for dimension, value in CURRENT_DIMENSIONS.items()},
    }
    if late_on is not None:
        columns["_id"] = F("pk")
        columns["_historic"] = Case(When(_columns_behind(late_on), then=Value(1)), default=Value(0))
        for dimension, (field, condition, _bands) in EXACT_BANDS.items():
            columns[f"_{dimension}_late"] = Case(
                When(
                    condition & Q(**{f"{field}__isnull": False}) & _after_anniversary(field, late_on),
                    then=Value(1),
                ),
                default=Value(0),
            )
    for dimension, (field, condition) in dated_dimensions.items():
        dated = Q(**{f"{field}__isnull": False}) & condition
        columns[f"_{dimension}_y"] = Case(When(dated, then=ExtractYear(field)), default=None)
        columns[f"_{dimension}_m"] = Case(When(dated, then=ExtractMonth(field)), default=None)
        if period is not None and dimension in EVENT_DIMENSIONS:
            columns[f"_{dimension}_in"] = Case(
                When(dated & Q(**{f"{field}__range": period}), then=Value(1)), default=Value(0)
            )
    base = members.order_by().annotate(**columns).values(*columns)
    sql, params = base.query.sql_with_params()
    # The names put into this SQL are the constant dimension names above, never input.
    parts = ["SELECT 'status', _status, CAST(NULL AS TEXT), COUNT(*) FROM m GROUP BY _status"]
    parts += [
        f"SELECT '{dimension}', CAST(_{dimension} AS TEXT), CAST(NULL AS TEXT), COUNT(*) FROM m "  # noqa: S608
        f"WHERE _current = 1 GROUP BY _{dimension}"
        for dimension in CURRENT_DIMENSIONS
    ]
    parts += [
        f"SELECT '{dimension}', CAST(_{dimension}_y AS TEXT), CAST(_{dimension}_m AS TEXT), COUNT(*) "  # noqa: S608
        f"FROM m WHERE _{dimension}_y IS NOT NULL GROUP BY _{dimension}_y, _{dimension}_m"
        for dimension in dated_dimensions
    ]
    if period is not None:
        parts += [
            f"SELECT 'in_period', '{dimension}', CAST(NULL AS TEXT), SUM(_{dimension}_in) FROM m"  # noqa: S608
            for dimension in EVENT_DIMENSIONS
        ]
    if late_on is not None:
        parts += [
            f"SELECT '{dimension}_late', CAST(_{dimension} AS TEXT), CAST(NULL AS TEXT), COUNT(*) FROM m "  # noqa: S608
            f"WHERE _{dimension}_late = 1 GROUP BY _{dimension}"
            for dimension in EXACT_BANDS
        ]
        parts.append("SELECT 'historic', CAST(_id AS TEXT), CAST(NULL AS TEXT), 1 FROM m WHERE _historic = 1")
    cells: dict[str, dict[str, int]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH m AS MATERIALIZED ({sql}) " + " UNION ALL ".join(parts), params)
        for dimension, value, month, n in cursor.fetchall():
            key = f"{int(value):04d}-{int(month):02d}" if month is not None else _key(value)
            cells[dimension][key] = int(n or 0)
    return dict(cells)


def count_cells_rows(members: Any) -> dict[str, dict[str, int]]:
    """``count_cells_live`` by reading every row into Python (the reference the tests compare with)."""
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
            if born:
                cells["birth_month"][f"{born:%Y-%m}"] += 1
            if age_from and not age_until:
                cells["party_age_month"][f"{age_from:%Y-%m}"] += 1
        if admitted:
            cells["admitted_month"][f"{admitted:%Y-%m}"] += 1
        if recognized:
            cells["recognized_month"][f"{recognized:%Y-%m}"] += 1
        if changed and status == MemberStatus.DECEASED:
            cells["deceased_month"][f"{changed:%Y-%m}"] += 1
    return {dimension: dict(values) for dimension, values in cells.items()}


def recount_cells(
    totals: dict[int, Any], min_members: int | None = None
) -> dict[int, dict[str, dict[str, int]]]:
    """The cells of every active unit with at least ``min_members`` current members (``totals``: {org
    id: {status: n}}), recounted from the member table: {org id: {dimension: {key: n}}}.

    One pass per dimension over all members, grouped by their unit's deepest big ancestor (so that
    the groups are the big units' cells, not every unit's at the big units' deepest level: the month
    cells of every xã would be millions of groups); each group then adds to the big units of its chain.
    """
    from dangvu.orgs.models import Org

    threshold = PRECOMPUTE_MIN_MEMBERS if min_members is None else min_members
    big_ids = [pk for pk, counter in totals.items() if sum(counter.values()) >= threshold]
    big = {
        org.path: org.pk
        for org in Org.objects.filter(pk__in=big_ids, status="active").only("pk", "path", "depth")
    }
    result: dict[int, dict[str, dict[str, int]]] = {}
    if not big:
        return result
    lengths = sorted({len(path) for path in big}, reverse=True)
    prefixes = {f"_p{length}": Substr("org__path", 1, length) for length in lengths}
    deepest = Case(
        *[
            When(Q(**{f"_p{length}__in": [p for p in big if len(p) == length]}), then=F(f"_p{length}"))
            for length in lengths
        ],
        default=Value(""),  # under no big unit: a group no chain counts
        output_field=CharField(),
    )
    members = Member.objects.annotate(**prefixes).annotate(_prefix=deepest)
    groups = _count_cells(members, group=F("_prefix"))
    for prefix, cells in groups.items():
        chain = [
            big[prefix[:i]] for i in range(Org.steplen, len(prefix) + 1, Org.steplen) if prefix[:i] in big
        ]
        for org_id in chain:
            totals_of = result.setdefault(org_id, {})
            for dimension, values in cells.items():
                into = totals_of.setdefault(dimension, {})
                for key, n in values.items():
                    into[key] = into.get(key, 0) + n
    return result


def rebuild_precomputed(min_members: int | None = None, *, initial: bool = False) -> int:
    """Recount the roll-ups and the cells of every unit with at least ``min_members`` members (see
    ``rollups.recount_all``); returns the number of units that keep cells."""
    from dangvu.members import rollups

    rollups.recount_all(min_members=min_members, initial=initial)
    return OrgMemberCount.objects.filter(cells_computed_at__isnull=False).count()


class _RowCounts:
    """Counts of a unit's subtree members from the rows, gathered and run as one query: each part is a
    condition on a date range (a few days of one month), answered by the date indexes; the unit's
    subtree is resolved once (a materialized list of its units), or not at all for the only root."""

    def __init__(self, org: Any) -> None:
        self.org = org
        self.parts: list[Q] = []

    def add(self, condition: Q) -> int:
        self.parts.append(condition)
        return len(self.parts) - 1

    def run(self) -> dict[int, int]:
        from django.db.models import Max, Min

        from dangvu.orgs.models import Org

        if not self.parts:
            return {}
        whole_table = False
        if self.org.depth == 1:  # the only root: its filter would hash the country's units
            ends = Org.objects.aggregate(first=Min("path"), last=Max("path"))
            whole_table = all((path or "").startswith(self.org.path) for path in ends.values())
        parts: list[str] = []
        params: list[Any] = []
        for number, condition in enumerate(self.parts):
            query = Member.objects.filter(condition).order_by().values(_part=Value(number), _org=F("org_id"))
            sql, sql_params = query.query.sql_with_params()
            parts.append(sql)
            params += sql_params
        # Built from the ORM's own SQL. The rows of every part are matched to the subtree's units at
        # once (one hash of the units, not one per part).
        union = " UNION ALL ".join(parts)
        if whole_table:
            union = f"SELECT _part, COUNT(*) FROM ({union}) s GROUP BY _part"  # noqa: S608
        else:
            units = Org.objects.filter(path__startswith=self.org.path).order_by().values("id")
            units_sql, units_params = units.query.sql_with_params()
            union = (
                f"SELECT _part, COUNT(*) FROM ({union}) s "  # noqa: S608
                f"WHERE _org IN ({units_sql}) GROUP BY _part"
            )
            params = [*params, *units_params]
        serial = connection.vendor == "postgresql" and connection.in_atomic_block
        if serial:
            # A few thousand index entries: starting parallel workers costs more than the scan (and,
            # on a busy machine, much more); for this transaction only, sent with the query.
            union = f"SET LOCAL max_parallel_workers_per_gather = 0; {union}"
        with connection.cursor() as cursor:
            cursor.execute(union, params)
            if serial:
                cursor.nextset()
            counts = {int(part): int(n or 0) for part, n in cursor.fetchall()}
        return {number: counts.get(number, 0) for number in range(len(self.parts))}


# A figure known once the row counts are run (``_RowCounts.run``): a constant plus or minus some of them.
Figure = tuple[int, tuple[tuple[int, int], ...]]  # (constant, ((sign, part), …))


def _value(figure: Figure, counts: dict[int, int]) -> int:
    constant, terms = figure
    return constant + sum(sign * counts[part] for sign, part in terms)


def _sum(figures: list[Figure]) -> Figure:
    return sum(f[0] for f in figures), tuple(term for f in figures for term in f[1])


def _month_bounds(day: date) -> tuple[date, date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _days(month_cell: int, low: date, high: date, field: str, condition: Q, rows: _RowCounts) -> Figure:
    """The members of ``condition`` whose ``field`` falls in ``low``–``high`` (within one month), given
    ``month_cell``: how many fall in that whole month. The shorter side is counted from the rows: the
    days asked, or the rest of the month (then subtracted from the cell)."""
    start, end = _month_bounds(low)
    asked = (high - low).days + 1
    rest = (end - start).days + 1 - asked
    if not month_cell or asked <= 0:
        return 0, ()
    if rest <= 0:
        return month_cell, ()
    if asked <= rest:
        return 0, ((1, rows.add(condition & Q(**{f"{field}__range": (low, high)}))),)
    others = Q()
    if start < low:
        others |= Q(**{f"{field}__range": (start, low - timedelta(days=1))})
    if high < end:
        others |= Q(**{f"{field}__range": (high + timedelta(days=1), end)})
    return month_cell, ((-1, rows.add(condition & others)),)


def _kept_figures(org: Any, period_from: date, period_to: date) -> dict[str, Any] | None:
    """The figures of a unit that keeps cells (None if it does not): its cells plus the deltas not
    folded yet, its roll-up plus theirs, and the few row counts the period and the report day need, in
    one query (call inside ``consistent``)."""
    from dangvu.members import rollups

    row = OrgMemberCount.objects.filter(org=org).values(*CURRENT_STATUSES, "cells_computed_at").first()
    if row is None or row["cells_computed_at"] is None:
        return None
    # The cells the figures need: not every month of every event and start since the 1930s, only
    # the period's months and the months of the years that straddle a band boundary on the report day.
    dated, months = list(EVENT_DIMENSIONS), list(MONTH_DIMENSIONS)
    boundary_months = [
        f"{year:04d}-{month:02d}" for year in _boundary_years(period_to) for month in range(1, 13)
    ]
    needed = (
        ~Q(dimension__in=dated + months)
        | Q(dimension__in=dated, key__range=(f"{period_from:%Y-%m}", f"{period_to:%Y-%m}"))
        | Q(dimension__in=months, key__in=boundary_months)
    )
    cells: dict[str, dict[str, int]] = defaultdict(dict)
    kept = OrgMemberStat.objects.filter(needed, org=org).order_by().values_list("dimension", "key", "n")
    # The members whose derived columns do not hold on the report day come with the cells (no query
    # of their own); a member may come twice (stopped, and a period ending later).
    for dimension, key, n in kept.union(*_historic_rows(period_to), all=True):
        cells[dimension][key] = n
    pending, pending_statuses = rollups.unfolded(org)
    for dimension, values in pending.items():
        into = cells[dimension]
        for key, n in values.items():
            into[key] = into.get(key, 0) + n
    by_status = {s: int(row[s]) + pending_statuses.get(s, 0) for s in CURRENT_STATUSES}
    by_status["total"] = sum(by_status.values())
    rows = _RowCounts(org)
    events = _events(cells, period_from, period_to, rows)
    late = _late(cells, period_to, rows)
    counts = rows.run()
    return {
        "cells": cells,
        "by_status": by_status,
        "events": {name: _value(figure, counts) for name, figure in events.items()},
        "late": {d: {key: _value(f, counts) for key, f in years.items()} for d, years in late.items()},
        "moves": historic_party_ages([int(pk) for pk in cells.pop("historic", {})], period_to, org),
    }


def _bands(
    cells: dict[str, int],
    bands: list[tuple[str, int, int]],
    on: date,
    late: dict[str, int] | None = None,
    moves: Sequence[tuple[int, int]] = (),
) -> dict[str, int]:
    """Bands of whole years on ``on``. A cell keyed by a year counts ``on.year − year``, less one for
    the ``late`` members of that year (their anniversary falls after ``on``); a cell ``=N`` counts N.
    A start after ``on`` counts in the first band (0 years). Each of ``moves`` (years counted, years
    on ``on``: ``historic_party_ages``) moves one member from the one band to the other."""
    late = late or {}
    result = dict.fromkeys([label for label, _low, _high in bands], 0) | {"unknown": 0}

    def add(years: int, n: int) -> None:
        years = max(years, 0)
        for label, low, high in bands:
            if low <= years <= high:
                result[label] += n
                break

    for key, n in cells.items():
        if key == UNKNOWN:
            result["unknown"] += n
        elif key.startswith("="):
            add(int(key[1:]), n)
        else:
            behind = min(max(late.get(key, 0), 0), n)
            add(on.year - int(key), n - behind)
            add(on.year - int(key) - 1, behind)
    for counted, exact in moves:
        add(counted, -1)
        add(exact, 1)
    return result


def _boundary_years(on: date) -> set[int]:
    """The years whose starts reach a band boundary on ``on``: ``on.year − low`` of every band but the
    first (of ``EXACT_BANDS``)."""
    return {on.year - low for _f, _c, bands in EXACT_BANDS.values() for _label, low, _high in bands[1:]}


def _late(cells: dict[str, dict[str, int]], on: date, rows: _RowCounts) -> dict[str, dict[str, Figure]]:
    """For a unit that keeps cells, for each dimension of ``EXACT_BANDS``: {year: the members of that
    year's cell whose anniversary falls after ``on``} for the years where that moves them to another
    band (one per band boundary: ``on.year − low``), so that the bands count whole years on ``on`` as
    ``milestones.party_age`` and ``completed_years`` do, without a cell per day.

    The months after the anniversary's month come from the month cells (``MONTH_DIMENSIONS``); the
    days of the anniversary's month after it are counted from the rows (the shorter side of that
    month, on the partial indexes of ``birth_date`` and ``party_age_from``). A year whose month cells
    do not add up to its year cell (cells kept before the month cells existed) is counted from the
    rows instead, by a date range within the year."""
    result: dict[str, dict[str, Figure]] = {dimension: {} for dimension in EXACT_BANDS}
    months_of = dict(zip(EXACT_BANDS, MONTH_DIMENSIONS, strict=True))
    for dimension, (field, condition, bands) in EXACT_BANDS.items():
        months = cells.get(months_of[dimension], {})
        for _label, low, _high in bands[1:]:
            year = on.year - low
            key = str(year)
            in_year = cells.get(dimension, {}).get(key, 0)
            if year < 1 or not in_year:
                continue
            cutoff = latest_start_with_years(on, low)  # within ``year``: on time up to it, late after
            by_month = [months.get(f"{year:04d}-{month:02d}", 0) for month in range(1, 13)]
            if sum(by_month) == in_year:
                after = sum(by_month[cutoff.month :])
                _start, end = _month_bounds(cutoff)
                days = _days(
                    by_month[cutoff.month - 1], cutoff + timedelta(days=1), end, field, condition, rows
                )
                result[dimension][key] = _sum([(after, ()), days])
                continue
            on_time_side = (cutoff - date(year, 1, 1)).days < (date(year, 12, 31) - cutoff).days
            span = (
                (date(year, 1, 1), cutoff)
                if on_time_side
                else (cutoff + timedelta(days=1), date(year, 12, 31))
            )
            if span[0] > span[1]:
                result[dimension][key] = (0, ())  # 31/12: nobody's anniversary is later
                continue
            part = rows.add(condition & Q(**{f"{field}__range": span}))
            # On-time side counted: the late are the rest of the year's cell.
            result[dimension][key] = (in_year, ((-1, part),)) if on_time_side else (0, ((1, part),))
    return result


def late_anniversaries(org: Any, cells: dict[str, dict[str, int]], on: date) -> dict[str, dict[str, int]]:
    """``_late`` of a unit that keeps cells (``cells``: its kept cells), counted at once."""
    rows = _RowCounts(org)
    late = _late(cells, on, rows)
    counts = rows.run()
    return {
        dimension: {key: _value(f, counts) for key, f in years.items()} for dimension, years in late.items()
    }


def _named(cells: dict[str, int], names: dict[str, str] | None = None) -> dict[str, int]:
    names = names or {}
    ordered = sorted(cells.items(), key=lambda kv: (kv[0] == UNKNOWN and kv[0] not in names, kv[0]))
    return {names.get(k, "—" if k == UNKNOWN else k): n for k, n in ordered}


def _in_months(cells: dict[str, int], period_from: date, period_to: date) -> int:
    first, last = f"{period_from:%Y-%m}", f"{period_to:%Y-%m}"
    return sum(n for month, n in cells.items() if first <= month <= last)


_EVENTS = {
    "admitted": ("admitted_month", "admitted_on", Q()),
    "recognized": ("recognized_month", "recognized_on", Q()),
    "deceased": ("deceased_month", "status_changed_on", Q(status=MemberStatus.DECEASED)),
}


def _split_period(
    period_from: date, period_to: date, today: date
) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """The period as whole months (counted from the month cells) and the days of the months it only
    cuts (counted from the member rows). A month that runs past today is whole: no event is dated
    in the future."""
    if period_from > period_to:
        return None, []
    first = (
        period_from
        if period_from.day == 1
        else (period_from.replace(day=28) + timedelta(days=4)).replace(day=1)
    )
    next_day = period_to + timedelta(days=1)
    last = (
        period_to if next_day.day == 1 or period_to >= today else period_to.replace(day=1) - timedelta(days=1)
    )
    if first > last:
        return None, [(period_from, period_to)]
    parts = []
    if period_from < first:
        parts.append((period_from, first - timedelta(days=1)))
    if last < period_to:
        parts.append((last + timedelta(days=1), period_to))
    return (first, last), parts


def _events(
    cells: dict[str, dict[str, int]], period_from: date, period_to: date, rows: _RowCounts
) -> dict[str, Figure]:
    """Admissions, recognitions and deaths in the period: whole months from the cells; the days of a
    cut month from the month's cell and the rows of the shorter side of that month (a few days)."""
    whole, parts = _split_period(period_from, period_to, timezone.localdate())
    by_month: list[tuple[date, date]] = []
    for low, high in parts:  # each within one month, but for a short period across two
        while low <= high:
            end = min(high, _month_bounds(low)[1])
            by_month.append((low, end))
            low = end + timedelta(days=1)
    result: dict[str, Figure] = {}
    for name, (dimension, field, condition) in _EVENTS.items():
        month_cells = cells.get(dimension, {})
        n = _in_months(month_cells, *whole) if whole else 0
        days = [
            _days(month_cells.get(f"{low:%Y-%m}", 0), low, high, field, condition, rows)
            for low, high in by_month
        ]
        result[name] = _sum([(n, ()), *days])
    return result


def member_stats(org: Any, period_from: date, period_to: date, *, subtree: bool = True) -> dict[str, Any]:
    """Totals by status, and for current members by sex, age band, ethnicity, religion, general
    education, political theory and party-age band; admissions, recognitions and deaths in the period.
    Exact at this moment: a big unit (``PRECOMPUTE_MIN_MEMBERS`` and up) reads its kept cells plus the
    changes not folded into them yet, and the few days of the rows its period and report day cut, in
    one snapshot; a smaller one is counted live, in one query.
    ``subtree=False``: the unit's own members only (for a role held in that unit alone, which must not
    learn its sub-units' figures), counted live."""
    from dangvu.members import rollups

    kept = None
    if subtree:
        with rollups.consistent():
            kept = _kept_figures(org, period_from, period_to)
    if kept is not None:
        cells, by_status, events, late = kept["cells"], kept["by_status"], kept["events"], kept["late"]
        moves = kept["moves"]
    else:  # one query
        members = Member.objects.in_subtree(org) if subtree else Member.objects.filter(org=org)
        cells = count_cells_live(members, (period_from, period_to), late_on=period_to, months=False)
        late = {dimension: cells.get(f"{dimension}_late", {}) for dimension in EXACT_BANDS}
        moves = historic_party_ages([int(pk) for pk in cells.get("historic", {})], period_to)
        in_period = cells.get("in_period", {})
        events = {name: in_period.get(dimension, 0) for name, (dimension, _f, _c) in _EVENTS.items()}
        statuses = cells.get("status", {})
        by_status = {s: statuses.get(s, 0) for s in CURRENT_STATUSES}
        by_status["total"] = sum(by_status.values())
    theory_names = {value: str(label) for value, label in TheoryLevel.choices}
    return {
        "org": {"id": org.pk, "name": org.name},
        "period": {"from": period_from.isoformat(), "to": period_to.isoformat()},
        "as_of": None,  # exact at this moment (kept for the API's shape: figures used to be nightly)
        "by_status": by_status,
        "total": by_status["total"],
        "by_sex": _named(cells.get("sex", {})),
        "by_age_band": _bands(cells.get("birth_year", {}), AGE_BANDS, period_to, late["birth_year"]),
        "by_ethnicity": _named(cells.get("ethnicity", {})),
        "by_religion": _named(cells.get("religion", {})),
        "by_general_education": _named(cells.get("general_education", {})),
        "by_political_theory": _named(cells.get("political_theory", {}), theory_names),
        "by_party_age_band": _bands(
            cells.get("party_age_year", {}), PARTY_AGE_BANDS, period_to, late["party_age_year"], moves
        ),
        "admitted_in_period": events["admitted"],
        "recognized_in_period": events["recognized"],
        "deceased_in_period": events["deceased"],
    }
