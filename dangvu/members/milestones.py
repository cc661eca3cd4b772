"""What the rules compute for a member: party age, recognition deadline, badge eligibility (DOMAIN §2, §4).

Values that the regulations set (12 months of probation, 30 working days, milestones, award days,
early-award windows) come from ``MemberRule`` rows in force on the date concerned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from dangvu.members.enums import DisciplineForm
from dangvu.members.models import Member, PartyInterruption
from dangvu.members.models.reference import rule
from dangvu.workcalendar.calendar import add_working_days


@dataclass(frozen=True)
class PartyAge:
    years: int
    months: int
    days: int

    def as_dict(self) -> dict[str, int]:
        return {"years": self.years, "months": self.months, "days": self.days}

    def __str__(self) -> str:
        from django.utils.translation import gettext

        return gettext("%(years)s năm %(months)s tháng %(days)s ngày") % {
            "years": self.years,
            "months": self.months,
            "days": self.days,
        }


def _shifted_start(start: date, interruptions: Iterable[PartyInterruption], on: date) -> date:
    """``start`` moved later by the calendar length of every interruption between it and ``on``.

    Calendar lengths (years, months, days) rather than day counts, so 20 years with a 5-year gap is
    15 years exactly, whatever the leap days.
    """
    shifted = start
    for gap in sorted(interruptions, key=lambda g: g.starts_on):
        begin = max(gap.starts_on, start)
        end = min(gap.ends_on or on, on)
        if end > begin:
            shifted += relativedelta(end, begin)
    return shifted


def party_age_start(member: Member) -> date | None:
    """The date party age counts from: the first admission decision (re-admitted members keep it)."""
    return member.first_admitted_on or member.admitted_on


def party_age(
    member: Member, on: date, interruptions: Iterable[PartyInterruption] | None = None
) -> PartyAge | None:
    """Party age on ``on``: from the admission decision, minus every period out of party activity.

    Counted as calendar years, months and days from a start date moved forward by each interruption.
    None when the admission date is unknown or after ``on``.
    """
    start = party_age_start(member)
    if start is None or on < start:
        return None
    gaps = list(interruptions) if interruptions is not None else list(member.interruptions.all())
    effective_start = _shifted_start(start, gaps, on)
    if effective_start > on:
        return PartyAge(0, 0, 0)
    delta = relativedelta(on, effective_start)
    return PartyAge(delta.years, delta.months, delta.days)


def probation_ends_on(member: Member) -> date | None:
    """Official status dates from the end of the probation (12 months after the ceremony)."""
    if member.ceremony_on is None:
        return None
    months = int(rule("probation_months", member.ceremony_on, default=12))
    return member.ceremony_on + relativedelta(months=months)


def recognition_due_on(member: Member) -> date | None:
    """The next recognition limit: the competent committee's (30 working days from the chi bộ's
    resolution, plus its one extension) once the chi bộ has resolved; before that the chi bộ's own 30
    working days after the probation ends, which no one can extend (``members.clocks``)."""
    if member.recognition_resolution_on is not None:
        days = int(rule("recognition_decision_working_days", member.recognition_resolution_on, default=30))
        return add_working_days(member.recognition_resolution_on, days + member.recognition_extension_days)
    end = probation_ends_on(member)
    if end is None:
        return None
    return add_working_days(end, int(rule("recognition_working_days", end, default=30)))


def date_of_party_age(
    member: Member, years: int, interruptions: Iterable[PartyInterruption] | None = None
) -> date | None:
    """The day the member reaches ``years`` of party age (interruptions so far push it later)."""
    start = party_age_start(member)
    if start is None:
        return None
    gaps = list(interruptions) if interruptions is not None else list(member.interruptions.all())
    target = start + relativedelta(years=years)
    # Interruptions before the target push it later; iterate until stable (gaps can straddle it).
    for _ in range(5):
        shifted = _shifted_start(start, gaps, target) + relativedelta(years=years)
        if shifted == target:
            break
        target = shifted
    return target


def next_award_date(after: date) -> date:
    """The first badge award day (3/2, 19/5, 2/9, 7/11 by default) on or after ``after``."""
    days = rule("badge_award_days", after, default=["02-03", "05-19", "09-02", "11-07"])
    candidates = []
    for year in (after.year, after.year + 1):
        for day in days:
            month_day = day.split("-")
            candidates.append(date(year, int(month_day[0]), int(month_day[1])))
    return min(d for d in candidates if d >= after)


@dataclass(frozen=True)
class BadgeEligibility:
    milestone: int
    reached_on: date | None
    eligible: bool
    early: bool
    reason: str


def _early_months(milestone: int, on: date, *, seriously_ill: bool, posthumous: bool) -> int:
    if posthumous:
        return int(rule("badge_early_months_posthumous", on, default=12))
    if seriously_ill:
        windows = rule("badge_early_months_ill", on, default={"below_70": 12, "from_70": 24})
        return int(windows["from_70"] if milestone >= 70 else windows["below_70"])
    return 0


def badge_eligibility(
    member: Member, milestone: int, award_on: date, *, seriously_ill: bool = False, posthumous: bool = False
) -> BadgeEligibility:
    """Whether ``member`` can receive the ``milestone``-year badge on ``award_on`` (with the early windows)."""
    milestones = rule("badge_milestones", award_on, default=[30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90])
    if milestone not in milestones:
        return BadgeEligibility(
            milestone, None, False, False, f"{milestone} năm không phải là mốc tặng Huy hiệu."
        )
    if member.status == "probationary":
        return BadgeEligibility(
            milestone, None, False, False, "Đảng viên dự bị không được tặng Huy hiệu Đảng."
        )
    if member.status == "deceased" and not posthumous:
        return BadgeEligibility(milestone, None, False, False, "Đảng viên đã từ trần: chỉ có thể truy tặng.")
    if member.status in {"removed", "expelled", "left"}:
        return BadgeEligibility(
            milestone, None, False, False, "Người không còn là đảng viên không được tặng Huy hiệu."
        )
    reached = date_of_party_age(member, milestone)
    if reached is None:
        return BadgeEligibility(milestone, None, False, False, "Chưa có ngày kết nạp để tính tuổi đảng.")
    # Read through .all() so that lists which prefetch awards and disciplines run no query per member.
    if any(a.kind == "badge" and a.milestone_years == milestone for a in member.awards.all()):
        return BadgeEligibility(
            milestone, reached, False, False, f"Đã được tặng Huy hiệu {milestone} năm tuổi Đảng."
        )
    waits = rule("badge_wait_after_discipline_months", award_on, default={})
    for discipline in (d for d in member.disciplines.all() if d.form != DisciplineForm.EXPULSION):
        months = int(waits.get(discipline.form, 0))
        if months and award_on < discipline.decided_on + relativedelta(months=months):
            return BadgeEligibility(
                milestone,
                reached,
                False,
                False,
                f"Chưa xét tặng: trong thời hạn {months} tháng sau quyết định kỷ luật "
                f"{discipline.get_form_display().lower()}.",
            )
    if award_on >= reached:
        return BadgeEligibility(milestone, reached, True, False, "")
    early = _early_months(milestone, award_on, seriously_ill=seriously_ill, posthumous=posthumous)
    if early and award_on >= reached - relativedelta(months=early):
        return BadgeEligibility(milestone, reached, True, True, "")
    return BadgeEligibility(
        milestone,
        reached,
        False,
        False,
        f"Chưa đủ {milestone} năm tuổi Đảng (đủ vào ngày {reached:%d/%m/%Y}).",
    )
