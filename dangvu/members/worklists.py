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


def badge_candidates(members: Any, today: date) -> list[BadgeCandidate]:
    """Full members reaching a badge milestone by the next award day (no badge for it yet)."""
    award_on = next_award_date(today)
    milestones = rule("badge_milestones", award_on, default=[30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90])
    window = Q()
    for years in milestones:
        # Admitted around ``years`` before the award day (interruptions only make it later; checked below).
        window |= Q(
            admitted_on__lte=award_on - relativedelta(years=years),
            admitted_on__gt=award_on - relativedelta(years=years, months=12),
        )
        window |= Q(
            first_admitted_on__lte=award_on - relativedelta(years=years),
            first_admitted_on__gt=award_on - relativedelta(years=years, months=12),
        )
    candidates = []
    queryset = members.filter(status__in=[MemberStatus.OFFICIAL, MemberStatus.EXEMPT]).filter(window)
    for member in queryset.prefetch_related("interruptions", "awards", "disciplines"):
        for years in milestones:
            check = badge_eligibility(member, years, award_on)
            if check.eligible and check.reached_on and check.reached_on > award_on - relativedelta(months=12):
                candidates.append(BadgeCandidate(member, years, check.reached_on, award_on))
    return sorted(candidates, key=lambda c: (c.reached_on, c.member.sort_key))


def transfers_pending(org_queryset: Any, today: date) -> dict[str, list[Transfer]]:
    """Pending transfers into and out of the units of ``org_queryset``."""
    base = Transfer.objects.pending().select_related("member", "from_org", "to_org").order_by("due_on")
    incoming = list(base.filter(to_org__in=org_queryset))
    outgoing = list(base.filter(from_org__in=org_queryset))
    for transfer in [*incoming, *outgoing]:
        transfer.overdue = transfer.due_on < today  # type: ignore[attr-defined]
        transfer.started_late = started_late(transfer)  # type: ignore[attr-defined]
    return {"incoming": incoming, "outgoing": outgoing}


REQUIRED_FIELDS = {
    "birth_date": _("Ngày sinh"),
    "cccd": _("Số CCCD"),
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
