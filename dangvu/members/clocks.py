"""The time limits of admission and recognition (DOMAIN §2 steps 8–13), each computed by one function
from a stored start date and a rule in force on that date (``MemberRule``, with its legal basis):

- the committee decides admission within ``admission_decision_working_days`` (60) working days of the
  chi bộ's resolution, and recognition within ``recognition_decision_working_days`` (30) of the chi
  bộ's recognition resolution; **each committee limit may be extended once** by up to
  ``decision_extension_max_working_days`` (30);
- the chi bộ considers recognition within ``recognition_working_days`` (30) working days after the
  12 months of probation end — a limit **no one can extend**;
- the ceremony takes place within ``ceremony_working_days`` (30) of *receiving* the decision, or later
  with the upper committee's agreement recorded;
- the applicant is 18 to 60 **counted in months** on the day the chi bộ considers the case; over 60
  needs the approval of the committee directly under the Centre, recorded.

The clocks are computed when read from their stored start dates, so a calendar change moves them
without a write (``members.calendar``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dangvu.members.enums import MemberStatus
from dangvu.members.milestones import probation_ends_on
from dangvu.members.models import Member
from dangvu.members.models.reference import rule
from dangvu.workcalendar.calendar import add_working_days, is_provisional


@dataclass(frozen=True)
class Clock:
    """One running time limit: it starts on ``starts_on`` and ends on ``due_on`` (inclusive)."""

    key: str
    starts_on: date
    working_days: int
    extension_days: int
    due_on: date
    extendable: bool

    def is_late(self, on: date) -> bool:
        return on > self.due_on


def _clock(key: str, rule_key: str, starts_on: date, default: int, extension: int, extendable: bool) -> Clock:
    days = int(rule(rule_key, starts_on, default=default))
    return Clock(key, starts_on, days, extension, add_working_days(starts_on, days + extension), extendable)


def extension_limit(on: date) -> int:
    """The most working days a committee's limit may be extended by, once (rule in force on ``on``)."""
    return int(rule("decision_extension_max_working_days", on, default=30))


def admission_decision_clock(member: Member) -> Clock | None:
    """The committee's limit to decide admission, from the chi bộ resolution (plus the one extension)."""
    if member.admission_resolution_on is None:
        return None
    return _clock(
        "admission_decision",
        "admission_decision_working_days",
        member.admission_resolution_on,
        60,
        member.admission_extension_days,
        True,
    )


def ceremony_clock(member: Member) -> Clock | None:
    """The limit to hold the ceremony, from the day the decision was received."""
    if member.decision_received_on is None:
        return None
    return _clock("ceremony", "ceremony_working_days", member.decision_received_on, 30, 0, False)


def recognition_consider_clock(member: Member) -> Clock | None:
    """The chi bộ's limit to consider recognition after the 12 months end: never extended."""
    end = probation_ends_on(member)
    if end is None:
        return None
    return _clock("recognition_consider", "recognition_working_days", end, 30, 0, False)


def recognition_decision_clock(member: Member) -> Clock | None:
    """The committee's limit to decide recognition, from the chi bộ's resolution (plus the extension)."""
    if member.recognition_resolution_on is None:
        return None
    return _clock(
        "recognition_decision",
        "recognition_decision_working_days",
        member.recognition_resolution_on,
        30,
        member.recognition_extension_days,
        True,
    )


def age_in_months(birth_date: date, on: date) -> int:
    """Age counted in months, as the admission rule counts it: the month of birth counts whole (born
    25/3/2008 is 18 years = 216 months old on 10/3/2026)."""
    return (on.year - birth_date.year) * 12 + on.month - birth_date.month


CLOCK_LABELS = {
    "admission_decision": _("Cấp có thẩm quyền quyết định kết nạp"),
    "ceremony": _("Tổ chức lễ kết nạp"),
    "recognition_consider": _("Chi bộ xét công nhận chính thức"),
    "recognition_decision": _("Cấp có thẩm quyền quyết định công nhận chính thức"),
}


@dataclass(frozen=True)
class ClockState:
    """A clock as a member's file shows it: the limit, what ended it (if anything) and whether it was
    or is late, and whether its last day falls in a year the government has not announced yet."""

    clock: Clock
    label: str
    met_on: date | None
    late: bool
    provisional: bool
    extension_max: int | None

    def as_dict(self) -> dict[str, object]:
        clock = self.clock
        return {
            "key": clock.key,
            "label": self.label,
            "starts_on": clock.starts_on,
            "working_days": clock.working_days,
            "extension_days": clock.extension_days,
            "extension_max": self.extension_max,
            "extendable": clock.extendable,
            "due_on": clock.due_on,
            "met_on": self.met_on,
            "late": self.late,
            "provisional": self.provisional,
        }


def _met_on(member: Member, key: str) -> date | None:
    """The day the step a clock waits for happened (None while it is awaited)."""
    recognized = member.recognized_on if member.status != MemberStatus.PROBATIONARY else None
    return {
        "admission_decision": member.admitted_on,
        "ceremony": member.ceremony_on,
        "recognition_consider": member.recognition_resolution_on,
        "recognition_decision": recognized and (member.recognition_decided_on or recognized),
    }[key]


def member_clocks(member: Member, on: date) -> list[ClockState]:
    """Every admission and recognition clock the member's file can compute (its start recorded), in
    the order of the procedure, each with the day its step happened and whether it is (or was) late on
    ``on``. The member page and ``GET /api/v1/members/{id}`` show exactly this."""
    states = []
    for clock in (
        admission_decision_clock(member),
        ceremony_clock(member),
        recognition_consider_clock(member),
        recognition_decision_clock(member),
    ):
        if clock is None:
            continue
        met_on = _met_on(member, clock.key)
        if (
            clock.key == "recognition_consider"
            and met_on is None
            and member.status != MemberStatus.PROBATIONARY
        ):
            # Recognised (or the probation ended) before the chi bộ's resolution was recorded.
            met_on = member.recognized_on or member.status_changed_on
        states.append(
            ClockState(
                clock=clock,
                label=str(CLOCK_LABELS[clock.key]),
                met_on=met_on,
                late=(met_on or on) > clock.due_on,
                provisional=is_provisional(clock.due_on.year),
                extension_max=extension_limit(clock.starts_on) if clock.extendable else None,
            )
        )
    return states


def age_rule_in_force(on: date) -> bool:
    """Whether the age limits have a rule row in force on ``on`` (a re-admission decided before the
    rows begin, found in a digitised file, is not judged by them)."""
    try:
        rule("admission_age_max_years", on)
    except LookupError:
        return False
    return True


def readmission_age_limits_apply(on: date) -> bool:
    """Whether a re-admission is judged by the admission age limits (rule ``readmission_age_limits``).
    The regulations send a re-admission through the admission procedure and conditions; that the age
    limits are among them is an inference, so the row is marked unconfirmed and an administrator can
    turn it off (then nothing is refused for age). Default: they apply."""
    return bool(rule("readmission_age_limits", on, default=True))


def check_admission_age(birth_date: date, considered_on: date, over_age_approval: str = "") -> None:
    """Refuse an applicant under the minimum age, or over the maximum without the recorded approval,
    counted in months on the day the chi bộ considers the case."""
    months = age_in_months(birth_date, considered_on)
    minimum = int(rule("admission_age_min_years", considered_on, default=18))
    maximum = int(rule("admission_age_max_years", considered_on, default=60))
    if months < minimum * 12:
        raise ValidationError(
            {
                "birth_date": f"Người vào Đảng phải đủ {minimum} tuổi (tính theo tháng) khi chi bộ xét; "
                f"ngày {considered_on:%d/%m/%Y} mới {months // 12} tuổi {months % 12} tháng."
            }
        )
    if months > maximum * 12 and not over_age_approval.strip():
        raise ValidationError(
            {
                "over_age_approval": f"Người trên {maximum} tuổi chỉ được kết nạp khi có ý kiến đồng ý của "
                "cấp ủy trực thuộc Trung ương: ghi số, ngày văn bản."
            }
        )


def check_ceremony(
    *, ceremony_on: date, admitted_on: date, received_on: date | None, late_agreement: str
) -> None:
    """The ceremony comes after the decision and within its limit of receiving it, unless the upper
    committee agreed to a later date (recorded)."""
    if ceremony_on < admitted_on:
        raise ValidationError({"ceremony_on": "Lễ kết nạp không được trước ngày quyết định kết nạp."})
    if received_on is None:
        return
    if received_on < admitted_on:
        raise ValidationError(
            {"decision_received_on": "Ngày nhận quyết định không được trước ngày quyết định kết nạp."}
        )
    days = int(rule("ceremony_working_days", received_on, default=30))
    due = add_working_days(received_on, days)
    if ceremony_on > due and not late_agreement.strip():
        raise ValidationError(
            {
                "ceremony_on": f"Lễ kết nạp phải tổ chức trong {days} ngày làm việc kể từ ngày nhận quyết định "
                f"(đến {due:%d/%m/%Y}); tổ chức muộn hơn cần ghi ý kiến đồng ý của cấp ủy cấp trên."
            }
        )


def check_extension(working_days: int, on: date) -> None:
    maximum = extension_limit(on)
    if not 0 <= working_days <= maximum:
        raise ValidationError({"working_days": f"Số ngày gia hạn phải từ 1 đến {maximum} ngày làm việc."})
