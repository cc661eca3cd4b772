"""What a unit's secretary or organisation board has to act on (per unit subtree).

* probationers whose 12 months are over or nearly over, with the recognition deadline (and overdue ones);
* badge candidates for the next award day;
* transfers waiting to be received (incoming, outgoing), overdue when the 30 working days have passed;
* files missing required information;
* members who have not paid fees for 3 months (hook for the fees module).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Generic, TypeVar

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Window,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils.translation import gettext_lazy as _

from dangvu.members.enums import CURRENT_STATUSES, AwardKind, DisciplineForm, MemberStatus
from dangvu.members.milestones import (
    badge_eligibility,
    badge_milestones,
    died_on,
    next_award_date,
    probation_ends_on,
    recognition_due_on,
)
from dangvu.members.models import Award, Discipline, Member, Transfer
from dangvu.members.models.reference import all_rules, rule, rules_version
from dangvu.members.transfer_rules import started_late

Row = TypeVar("Row")


class ConfirmedRows(Generic[Row]):
    """A worklist section for a ``Paginator``: SQL chooses and orders the rows and counts them (the true
    total, without loading them); a slice loads only its rows and confirms each with the rule in Python
    (``confirm`` keeps the rows the rule accepts). Refused rows are replaced by the rows that follow, at
    most ``FILL_ROUNDS`` more fetches, so a page stays full when SQL's choice is wider than the rule (an
    edge case: the SQL conditions mirror the rule, see ``badge_candidate_rows``)."""

    FILL_ROUNDS = 3

    def __init__(self, queryset: Any, confirm: Callable[[list[Member]], list[Row]]) -> None:
        self.queryset = queryset
        self.confirm = confirm
        self._count: int | None = None

    def _with_total(self) -> Any:
        if self._count is not None:
            return self.queryset
        return self.queryset.annotate(worklist_total=Window(Count("pk")))

    def count(self) -> int:
        if self._count is None:
            self._count = self.queryset.order_by().count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Row]:
        return iter(self[0:None])

    def __getitem__(self, index: slice) -> list[Row]:
        start, stop = index.start or 0, index.stop
        if stop is None:
            return self.confirm(list(self.queryset[start:]))
        wanted = stop - start
        rows: list[Row] = []
        position = start
        for _round in range(self.FILL_ROUNDS + 1):
            missing = wanted - len(rows)
            if missing <= 0:
                break
            batch = list(self._with_total()[position : position + missing])
            if batch and self._count is None:
                # The total from the page's own scan (COUNT(*) OVER ()): a province's candidates are
                # read once for the overview, not once to count and once again for the first rows.
                self._count = batch[0].worklist_total
            rows += self.confirm(batch)
            position += len(batch)
            if len(batch) < missing:  # the end of the rows
                break
        return rows[:wanted]


@dataclass(frozen=True)
class DueRecognition:
    member: Member
    probation_ends_on: date
    due_on: date
    overdue: bool


def recognition_rows(members: Any, today: date, horizon_days: int = 45) -> ConfirmedRows[DueRecognition]:
    """Probationers whose probation ends within ``horizon_days`` or has ended, oldest ceremony first."""
    months = int(rule("probation_months", today, default=12))
    latest_ceremony = today + relativedelta(days=horizon_days) - relativedelta(months=months)
    chosen = members.filter(status=MemberStatus.PROBATIONARY, ceremony_on__lte=latest_ceremony).order_by(
        "ceremony_on", "sort_key", "pk"
    )

    def confirm(batch: list[Member]) -> list[DueRecognition]:
        rows = []
        for member in batch:
            end, due = probation_ends_on(member), recognition_due_on(member)
            if end is not None and due is not None:
                rows.append(DueRecognition(member, end, due, due < today))
        return rows

    return ConfirmedRows(chosen, confirm)


def recognition_due(members: Any, today: date, horizon_days: int = 45) -> list[DueRecognition]:
    """Every probationer of ``recognition_rows`` (small sets only: pages use ``recognition_rows``)."""
    return recognition_rows(members, today, horizon_days)[0:None]


@dataclass(frozen=True)
class BadgeCandidate:
    member: Member
    milestone: int
    reached_on: date
    award_on: date
    posthumous: bool = False


def _months_before(day: date | None, months: int) -> date:
    return (day or date.min + relativedelta(months=months)) - relativedelta(months=months)


def _date_number(field: str) -> Any:
    """A date column as the number YYYYMMDD (in date order on both databases; a year is 10000)."""
    return ExtractYear(field) * 10000 + ExtractMonth(field) * 100 + ExtractDay(field)


def _discipline_holds(award_on: date) -> Q:
    """Disciplines that hold a badge back on ``award_on``: decided by then, not an expulsion, within the
    wait of the rule version in force on the discipline's date (``discipline_wait_ends_on`` in SQL)."""
    holds = Q(pk__in=[])
    newer_from: date | None = None
    versions = all_rules(rules_version()).get("badge_wait_after_discipline_months", [])
    for effective_from, effective_to, waits in versions:  # newest first: a newer version wins
        ends = [d for d in (effective_to, newer_from and newer_from - timedelta(days=1)) if d is not None]
        last = min(ends) if ends else None
        newer_from = effective_from
        for form, months in dict(waits).items():
            if not int(months):
                continue
            window = Q(form=form, decided_on__gte=effective_from)
            window &= Q(decided_on__gt=award_on - relativedelta(months=int(months)))
            holds |= window & (Q(decided_on__lte=last) if last else Q())
    return holds & Q(decided_on__lte=award_on) & ~Q(form=DisciplineForm.EXPULSION)


def _milestone_sql(award_on: date, since: date, milestones: list[int]) -> tuple[str, list[Any]]:
    """The milestone a member's row is a candidate for (NULL for none) as one SQL ``CASE``: full or
    exempt members whose clock runs and whose start puts the milestone between ``since`` (excluded) and
    the award day; deceased members who died in that time with a start at most 12 months either side
    (the exact 12 months around the death are compared on the numbers in ``badge_candidate_rows``).

    Written as SQL text rather than a tree of ``Q`` objects: the tree of 12 milestones × 2 cases cost
    more CPU to build and compile on every request than the page's rows did."""
    quote = connection.ops.quote_name
    column = {
        name: f"{quote(Member._meta.db_table)}.{quote(name)}"
        for name in ("status", "party_age_from", "party_age_until")
    }
    living = f"{column['status']} IN (%s, %s) AND {column['party_age_until']} IS NULL"
    dead = (
        f"{column['status']} = %s AND {column['party_age_until']} > %s AND {column['party_age_until']} <= %s"
    )
    start = column["party_age_from"]
    whens, params = [], []
    year = relativedelta(months=12)
    for years in milestones:
        whens.append(
            f"WHEN ({living} AND {start} > %s AND {start} <= %s) OR ({dead} AND {start} > %s AND {start} <= %s) "
            f"THEN {int(years)}"
        )
        shift = relativedelta(years=years)
        params += [MemberStatus.OFFICIAL.value, MemberStatus.EXEMPT.value, since - shift, award_on - shift]
        params += [
            MemberStatus.DECEASED.value,
            since,
            award_on,
            since - year - shift,
            award_on + year - shift,
        ]
    return "CASE " + " ".join(whens) + " END", params


def badge_candidate_rows(members: Any, today: date) -> ConfirmedRows[BadgeCandidate]:
    """Members to propose for a badge on the next award day, from their party age (periods out
    deducted, re-admitted members counted from their first admission), in the order they reach it:

    * full (or exempt) members who reach a milestone in the 12 months up to the award day;
    * deceased members who died in those 12 months, at most 12 months short of a milestone and less
      than 12 months past it (posthumous award).

    SQL chooses, orders and counts the rows from the derived columns (``party_age_from`` + the
    milestone's years is the day it is reached), leaving out a milestone already awarded and a
    discipline's wait; ``badge_eligibility`` (the one rule) confirms each row shown.
    """
    award_on = next_award_date(today)
    since = award_on - relativedelta(months=12)
    milestones = badge_milestones(award_on)
    chosen = (
        members.filter(
            party_age_from__lte=award_on + relativedelta(months=12) - relativedelta(years=min(milestones))
        )
        .annotate(
            # Only column names and integers in the text; every value is a parameter.
            badge_milestone=RawSQL(  # noqa: S611
                *_milestone_sql(award_on, since, milestones), output_field=IntegerField()
            )
        )
        .filter(badge_milestone__isnull=False)
        .annotate(
            reached_number=_date_number("party_age_from") + F("badge_milestone") * 10000,
            stopped_number=_date_number("party_age_until"),
        )
        .filter(
            Q(party_age_until__isnull=True)
            | Q(
                reached_number__gt=F("stopped_number") - 10000,
                reached_number__lte=F("stopped_number") + 10000,
            )
        )
        .exclude(
            Exists(
                Award.objects.filter(
                    member=OuterRef("pk"), kind=AwardKind.BADGE, milestone_years=OuterRef("badge_milestone")
                )
            )
        )
        .exclude(Exists(Discipline.objects.filter(_discipline_holds(award_on), member=OuterRef("pk"))))
        .order_by("reached_number", "sort_key", "pk")
    )

    def confirm(batch: list[Member]) -> list[BadgeCandidate]:
        prefetch_related_objects(batch, "interruptions", "awards", "disciplines")
        rows = []
        for member in batch:
            years: int = member.badge_milestone  # type: ignore[attr-defined]  # the queryset's annotation
            posthumous = member.status == MemberStatus.DECEASED
            check = badge_eligibility(member, years, award_on, posthumous=posthumous)
            # The living: reached in the 12 months up to the award day. The dead: the milestone they
            # were reaching when they died (not the older ones a file may lack).
            first = since if not posthumous else _months_before(died_on(member), 12)
            if check.eligible and check.reached_on is not None and check.reached_on > first:
                rows.append(BadgeCandidate(member, years, check.reached_on, award_on, posthumous))
        return rows

    return ConfirmedRows(chosen, confirm)


def badge_candidates(members: Any, today: date) -> list[BadgeCandidate]:
    """Every row of ``badge_candidate_rows`` (small sets only: pages use ``badge_candidate_rows``)."""
    return badge_candidate_rows(members, today)[0:None]


def transfers_pending(org_queryset: Any, today: date) -> dict[str, list[Transfer]]:
    """Pending transfers into and out of the units of ``org_queryset``, and the members there on a
    temporary transfer (``temporary``, not counted in the units' strength)."""
    base = Transfer.objects.pending().select_related("member", "from_org", "to_org").order_by("due_on")
    incoming = list(base.filter(to_org__in=org_queryset))
    outgoing = list(base.filter(from_org__in=org_queryset))
    for transfer in [*incoming, *outgoing]:
        transfer.overdue = transfer.due_on < today  # type: ignore[attr-defined]
        transfer.started_late = started_late(transfer)  # type: ignore[attr-defined]
    # Members here on a temporary transfer: they take part in the unit's activity, listed but not
    # counted in its strength (they are counted where they hold official membership).
    temporary = list(
        Transfer.objects.temporary_here(today)
        .filter(to_org__in=org_queryset)
        .select_related("member", "from_org", "to_org")
        .order_by("until_on", "pk")[:TEMPORARY_ROWS]
    )
    return {"incoming": incoming, "outgoing": outgoing, "temporary": temporary}


TEMPORARY_ROWS = 200


REQUIRED_FIELDS = {
    "birth_date": _("Ngày sinh"),
    "cccd": _("Số định danh cá nhân (CCCD)"),
    "admitted_on": _("Ngày kết nạp"),
    "ethnicity": _("Dân tộc"),
    "hometown": _("Quê quán"),
    "file_number": _("Số lý lịch"),
}


def incomplete_files(members: Any) -> Any:
    """Current members whose file lacks any of the required fields."""
    missing = Q()
    for field in REQUIRED_FIELDS:
        missing |= (
            Q(**{f"{field}__isnull": True})
            if field in {"birth_date", "cccd", "admitted_on", "ethnicity", "file_number"}
            else Q(**{field: ""})
        )
    return members.filter(status__in=CURRENT_STATUSES).filter(missing)


def missing_fields(member: Member) -> list[str]:
    return [str(label) for field, label in REQUIRED_FIELDS.items() if not getattr(member, field)]


# The fees module registers a provider: (members queryset, today) -> queryset of members in arrears.
_unpaid_fees_provider: Callable[[Any, date], Any] | None = None


def register_unpaid_fees_provider(provider: Callable[[Any, date], Any]) -> None:
    global _unpaid_fees_provider
    _unpaid_fees_provider = provider


def unpaid_fees(members: Any, today: date) -> Any:
    return _unpaid_fees_provider(members, today) if _unpaid_fees_provider else None


def proposals_to_decide(user: Any) -> Any:
    """Open proposals of the chi bộ waiting for a decision of a unit where ``user`` records decisions
    (``members.decide`` in the deciding unit, directly or from above)."""
    from dangvu.accounts.permissions import scope_q
    from dangvu.members.models import MemberProposal

    return (
        MemberProposal.objects.open()
        .filter(scope_q(user, "members.decide", "deciding_org__path", "deciding_org_id"))
        .select_related("member", "member__org", "proposed_by")
    )
