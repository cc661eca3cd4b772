"""What the rules compute for a member: party age, recognition deadline, badge eligibility (DOMAIN §2, §4,
§15).

Party age is computed by ``party_age`` alone; the member's derived columns ``party_age_from`` and
``party_age_until`` (kept by ``dangvu.members.services.party_age_refresh``) let SQL count the same thing
for statistics, filters and badge lists.

Values that the regulations set (12 months of probation, 30 working days, milestones, award days,
early-award windows) come from ``MemberRule`` rows in force on the date concerned.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from dangvu.members.enums import DisciplineForm, MemberStatus
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


def party_age_start(member: Member) -> date | None:
    """The date party age counts from: the first admission decision (re-admitted members keep it), or
    the date on the party card when no decision date is on record (QĐ 29 §4.5 and its successors)."""
    return member.first_admitted_on or member.admitted_on or member.card_admitted_on


def died_on(member: Member) -> date | None:
    """The date of death of a deceased member (the effective date of the “deceased” status)."""
    return member.status_changed_on if member.status == MemberStatus.DECEASED else None


def deducted_gaps(member: Member, interruptions: Iterable[PartyInterruption] | None = None) -> list[Any]:
    """The periods out of party activity that party age does not count, in date order (a rehabilitated
    member's period stays on record but is not deducted: their party age is continuous)."""
    rows = interruptions if interruptions is not None else member.interruptions.all()
    return sorted((g for g in rows if not g.rehabilitated), key=lambda g: g.starts_on)


def clock_stops_on(member: Member, gaps: Sequence[Any]) -> date | None:
    """The day the party-age clock stopped: death, or the start of a period out that is still open."""
    stops = [g.starts_on for g in gaps if g.ends_on is None]
    death = died_on(member)
    if death is not None:
        stops.append(death)
    return min(stops) if stops else None


def _shifted_start(start: date, gaps: Sequence[Any], on: date) -> date:
    """``start`` moved later by the calendar length of every period out between it and ``on``.

    Calendar lengths (years, months, days) rather than day counts, so 20 years with a 5-year gap is
    15 years exactly, whatever the leap days.
    """
    shifted = start
    for gap in gaps:
        begin = max(gap.starts_on, start)
        end = min(gap.ends_on or on, on)
        if end > begin:
            shifted += relativedelta(end, begin)
    return shifted


def party_age(
    member: Member, on: date, interruptions: Iterable[PartyInterruption] | None = None
) -> PartyAge | None:
    """Party age on ``on``: the one function every page, list, badge check and export uses.

    Counted in calendar years, months and days from the first admission decision (or the card's
    date), minus every period out of party activity; the clock stops at death and while a period out
    is open. None when the start is unknown or after ``on``.
    """
    start = party_age_start(member)
    if start is None or on < start:
        return None
    gaps = deducted_gaps(member, interruptions)
    stop = clock_stops_on(member, gaps)
    until = min(on, stop) if stop is not None else on
    effective_start = _shifted_start(start, gaps, until)
    if effective_start >= until:
        return PartyAge(0, 0, 0)
    delta = relativedelta(until, effective_start)
    return PartyAge(delta.years, delta.months, delta.days)


def party_age_columns(
    member: Member, interruptions: Iterable[PartyInterruption] | None = None
) -> tuple[date | None, date | None]:
    """The member's derived columns ``party_age_from`` and ``party_age_until``: the start moved by
    every period out recorded, and the day the clock stopped (None while it runs). For any day D on
    or after the last period's end, ``party_age(D)`` is the calendar span from ``party_age_from`` to
    D (or to ``party_age_until`` when earlier): what SQL statistics and lists count with."""
    start = party_age_start(member)
    if start is None:
        return None, None
    gaps = deducted_gaps(member, interruptions)
    stop = clock_stops_on(member, gaps)
    closed_until = max([start, *(g.ends_on for g in gaps if g.ends_on is not None)])
    return _shifted_start(start, gaps, min(closed_until, stop) if stop else closed_until), stop


def completed_years(start: date, on: date) -> int:
    """Whole years from ``start`` to ``on`` as ``party_age`` counts them (``relativedelta``: a start on
    29/2 has its anniversary on 28/2 of a common year); negative when ``on`` is before ``start``."""
    return relativedelta(on, start).years


def latest_start_with_years(on: date, years: int) -> date:
    """The latest start that has ``years`` whole years on ``on`` (``completed_years(s, on) >= years``
    exactly when ``s <= latest_start_with_years(on, years)``): the same day ``years`` earlier, and 29/2
    of a leap year when ``on`` is 28/2 of a common year (a 29/2 start's anniversary falls on 28/2)."""
    earlier = on - relativedelta(years=years)
    if (on.month, on.day) == (2, 28) and not calendar.isleap(on.year) and calendar.isleap(earlier.year):
        return earlier + timedelta(days=1)
    return earlier


def completed_years_sql(start: str, end: str) -> Any:
    """``completed_years(start, end)`` of two date columns as one SQL expression (both databases): the
    difference of the years, less one when the end's month and day come before the start's, except for
    a 29/2 start and a 28/2 end in a common year."""
    from django.db.models import Case, ExpressionWrapper, IntegerField, Value, When
    from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear, Mod
    from django.db.models.lookups import Exact, GreaterThanOrEqual

    def month_day(field: str) -> Any:
        return ExpressionWrapper(ExtractMonth(field) * 100 + ExtractDay(field), output_field=IntegerField())

    end_year = ExtractYear(end)
    leap_end = Case(
        When(Exact(Mod(end_year, Value(400)), 0), then=Value(1)),
        When(Exact(Mod(end_year, Value(100)), 0), then=Value(0)),
        When(Exact(Mod(end_year, Value(4)), 0), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    start_md, end_md = month_day(start), month_day(end)
    short = Case(
        When(GreaterThanOrEqual(end_md, start_md), then=Value(0)),
        # From 29/2 to 28/2: a whole year in a common year, one short in a leap year.
        When(Exact(start_md * 10000 + end_md, 2290228), then=leap_end),
        default=Value(1),
        output_field=IntegerField(),
    )
    return ExpressionWrapper(end_year - ExtractYear(start) - short, output_field=IntegerField())


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
    """The day the member reaches (or would have reached, for a deceased member) ``years`` of party
    age, periods out pushing it later. None when the start is unknown or a period out that is still
    open stopped the clock before.

    A member admitted on 29/2 reaches a whole number of years on 28/2 of a common year (the civil
    rule: a period in years ends on the corresponding day, or the month's last day when there is none).
    """
    start = party_age_start(member)
    if start is None:
        return None
    gaps = deducted_gaps(member, interruptions)
    target = start + relativedelta(years=years)
    # Periods out before the target push it later; repeat until stable (a period can straddle it).
    for _ in range(len(gaps) + 2):
        shifted = _shifted_start(start, [g for g in gaps if g.ends_on is not None], target)
        shifted += relativedelta(years=years)
        if shifted == target:
            break
        target = shifted
    if any(g.ends_on is None and g.starts_on < target for g in gaps):
        return None
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


MILESTONES_DEFAULT = [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90]


def badge_milestones(on: date) -> list[int]:
    return [int(m) for m in rule("badge_milestones", on, default=MILESTONES_DEFAULT)]


def early_months_ill(milestone: int, on: date) -> int:
    """How many months early a seriously ill member may receive the ``milestone`` badge (rule
    ``badge_early_months_ill`` in force on ``on``: 12 for 30–65 years, 24 for 70–90)."""
    windows = rule("badge_early_months_ill", on, default=[])
    if isinstance(windows, dict):  # the first version of the rule: {"below_70": 12, "from_70": 24}
        return int(windows["from_70"] if milestone >= 70 else windows["below_70"])
    for window in windows:
        if int(window["from"]) <= milestone <= int(window["to"]):
            return int(window["months"])
    return 0


def discipline_wait_ends_on(discipline: Any) -> date | None:
    """Until when a discipline holds a badge back: the wait of the rule in force on the day of the
    discipline (a warning of 2023 is judged by QĐ 24-QĐ/TW), None when it imposes none."""
    waits = rule("badge_wait_after_discipline_months", discipline.decided_on, default={})
    months = int(waits.get(discipline.form, 0))
    return discipline.decided_on + relativedelta(months=months) if months else None


def _refused(milestone: int, reached: date | None, reason: str) -> BadgeEligibility:
    return BadgeEligibility(milestone, reached, False, False, reason)


def _status_refusal(member: Member, milestone: int, posthumous: bool) -> BadgeEligibility | None:
    if member.status == MemberStatus.PROBATIONARY:
        return _refused(milestone, None, "Đảng viên dự bị không được tặng Huy hiệu Đảng.")
    if member.status == MemberStatus.DECEASED and not posthumous:
        return _refused(milestone, None, "Đảng viên đã từ trần: chỉ có thể truy tặng.")
    if posthumous and member.status != MemberStatus.DECEASED:
        return _refused(milestone, None, "Chỉ truy tặng Huy hiệu cho đảng viên đã từ trần.")
    if member.status in {MemberStatus.REMOVED, MemberStatus.EXPELLED, MemberStatus.LEFT}:
        return _refused(milestone, None, "Người không còn là đảng viên không được tặng Huy hiệu.")
    return None


def _discipline_refusal(
    member: Member, milestone: int, reached: date, award_on: date
) -> BadgeEligibility | None:
    for discipline in member.disciplines.all():
        if discipline.form == DisciplineForm.EXPULSION or discipline.decided_on > award_on:
            continue
        until = discipline_wait_ends_on(discipline)
        if until is not None and award_on < until:
            months = relativedelta(until, discipline.decided_on)
            return _refused(
                milestone,
                reached,
                f"Chưa xét tặng: trong thời hạn {months.years * 12 + months.months} tháng sau quyết định "
                f"kỷ luật {discipline.get_form_display().lower()} ngày {discipline.decided_on:%d/%m/%Y} "
                f"(đến ngày {until:%d/%m/%Y}).",
            )
    return None


def _posthumous(member: Member, milestone: int, reached: date, award_on: date) -> BadgeEligibility:
    """Posthumous award: only when the member died at most 12 months (the rule in force at death)
    short of the milestone (HD 01-HD/TW 2021 §18, HD 06-HD/TW 2025; DOMAIN §15)."""
    died = died_on(member)
    if died is None:
        return _refused(milestone, reached, "Chưa có ngày mất của đảng viên để xét truy tặng.")
    if award_on < died:
        return _refused(milestone, reached, "Ngày truy tặng không được trước ngày mất.")
    months = int(rule("badge_early_months_posthumous", died, default=12))
    if died < reached - relativedelta(months=months):
        return _refused(
            milestone,
            reached,
            f"Không truy tặng: khi từ trần (ngày {died:%d/%m/%Y}) đảng viên còn thiếu hơn {months} tháng "
            f"mới đủ {milestone} năm tuổi Đảng (đủ vào ngày {reached:%d/%m/%Y}).",
        )
    return BadgeEligibility(milestone, reached, True, died < reached, "")


def badge_eligibility(
    member: Member, milestone: int, award_on: date, *, seriously_ill: bool = False, posthumous: bool = False
) -> BadgeEligibility:
    """Whether ``member`` can receive the ``milestone``-year badge on ``award_on``.

    The milestone is reached by party age (periods out deducted, see ``date_of_party_age``); seriously
    ill members may receive it early (``early_months_ill``); a deceased member only posthumously and
    only if they died at most 12 months short of it; a discipline holds it back for the wait of the
    rule in force on the discipline's date. Lists prefetch awards and disciplines: read through .all().
    """
    if milestone not in badge_milestones(award_on):
        return _refused(milestone, None, f"{milestone} năm không phải là mốc tặng Huy hiệu.")
    refusal = _status_refusal(member, milestone, posthumous)
    if refusal is not None:
        return refusal
    reached = date_of_party_age(member, milestone)
    if reached is None:
        if party_age_start(member) is None:
            return _refused(milestone, None, "Chưa có ngày kết nạp để tính tuổi đảng.")
        stop = clock_stops_on(member, deducted_gaps(member))
        return _refused(
            milestone,
            None,
            f"Tuổi đảng đang dừng: gián đoạn sinh hoạt đảng từ ngày {stop:%d/%m/%Y} chưa kết thúc."
            if stop
            else "Chưa tính được ngày đủ tuổi đảng.",
        )
    if any(a.kind == "badge" and a.milestone_years == milestone for a in member.awards.all()):
        return _refused(milestone, reached, f"Đã được tặng Huy hiệu {milestone} năm tuổi Đảng.")
    refusal = _discipline_refusal(member, milestone, reached, award_on)
    if refusal is not None:
        return refusal
    if posthumous:
        return _posthumous(member, milestone, reached, award_on)
    if award_on >= reached:
        return BadgeEligibility(milestone, reached, True, False, "")
    early = early_months_ill(milestone, award_on) if seriously_ill else 0
    if early and award_on >= reached - relativedelta(months=early):
        return BadgeEligibility(milestone, reached, True, True, "")
    return _refused(
        milestone, reached, f"Chưa đủ {milestone} năm tuổi Đảng (đủ vào ngày {reached:%d/%m/%Y})."
    )
