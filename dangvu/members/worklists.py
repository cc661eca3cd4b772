"""What a unit's secretary or organisation board has to act on (per unit subtree).

* probationers whose 12 months are over or nearly over, with the recognition deadline (and overdue ones);
* badge candidates for the next award day;
* transfers waiting to be received (incoming, outgoing), overdue when the 30 working days have passed;
* files missing required information;
* members who have not paid fees for 3 months (hook for the fees module).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangvu.members.enums import CURRENT_STATUSES, MemberStatus
from dangvu.members.milestones import (
    badge_eligibility,
    badge_milestones,
    died_on,
    next_award_date,
    probation_ends_on,
    recognition_due_on,
)
from dangvu.members.models import Member, Transfer
from dangvu.members.models.reference import rule
from dangvu.members.transfer_rules import started_late


@dataclass(frozen=True)
class DueRecognition:
    member: Member
    probation_ends_on: date
    due_on: date
    overdue: bool


def recognition_due(members: Any, today: date, horizon_days: int = 45) -> list[DueRecognition]:
    """Probationers whose probation ends within ``horizon_days`` or has ended, oldest first."""
    months = int(rule("probation_months", today, default=12))
    latest_ceremony = today + relativedelta(days=horizon_days) - relativedelta(months=months)
    rows = []
    for member in members.filter(status=MemberStatus.PROBATIONARY, ceremony_on__lte=latest_ceremony).order_by(
        "ceremony_on"
    ):
        end, due = probation_ends_on(member), recognition_due_on(member)
        if end is not None and due is not None:
            rows.append(DueRecognition(member, end, due, due < today))
    return rows


@dataclass(frozen=True)
class BadgeCandidate:
    member: Member
    milestone: int
    reached_on: date
    award_on: date
    posthumous: bool = False


def _reaching_window(milestone: int, first: date, last: date) -> Q:
    """Members whose party-age clock runs and reaches ``milestone`` years between ``first`` and ``last``
    (the derived start column: periods out are already in it)."""
    return Q(
        party_age_until__isnull=True,
        party_age_from__gt=first - relativedelta(years=milestone),
        party_age_from__lte=last - relativedelta(years=milestone),
    )


def _months_before(day: date | None, months: int) -> date:
    return (day or date.min + relativedelta(months=months)) - relativedelta(months=months)


def badge_candidates(members: Any, today: date) -> list[BadgeCandidate]:
    """Members to propose for a badge on the next award day, from their party age (periods out
    deducted, re-admitted members counted from their first admission):

    * full (or exempt) members who reach a milestone in the 12 months up to the award day;
    * deceased members who died in those 12 months at most 12 months short of a milestone
      (posthumous award).

    The derived columns choose the rows in SQL; ``badge_eligibility`` (the one rule) confirms each.
    """
    award_on = next_award_date(today)
    since = award_on - relativedelta(months=12)
    milestones = badge_milestones(award_on)
    living = Q()
    for years in milestones:
        living |= _reaching_window(years, since, award_on)
    posthumous = Q()
    for years in milestones:
        # Died in the last 12 months, reaching the milestone at most 12 months after death.
        posthumous |= Q(
            party_age_from__gt=since - relativedelta(years=years, months=12),
            party_age_from__lte=award_on - relativedelta(years=years) + relativedelta(months=12),
        )
    current = members.filter(status__in=[MemberStatus.OFFICIAL, MemberStatus.EXEMPT]).filter(living)
    deceased = members.filter(
        status=MemberStatus.DECEASED, party_age_until__gt=since, party_age_until__lte=award_on
    ).filter(posthumous)
    candidates = []
    for rows, is_posthumous in ((current, False), (deceased, True)):
        for member in rows.prefetch_related("interruptions", "awards", "disciplines"):
            for years in milestones:
                check = badge_eligibility(member, years, award_on, posthumous=is_posthumous)
                if not check.eligible or check.reached_on is None:
                    continue
                # The living: reached in the 12 months up to the award day. The dead: the milestone
                # they were reaching when they died (not the older ones a file may lack).
                first = since if not is_posthumous else _months_before(died_on(member), 12)
                if check.reached_on > first:
                    candidates.append(
                        BadgeCandidate(member, years, check.reached_on, award_on, is_posthumous)
                    )
    return sorted(candidates, key=lambda c: (c.reached_on, c.member.sort_key))


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
