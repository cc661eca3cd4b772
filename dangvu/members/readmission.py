"""Who may be re-admitted (kết nạp lại), and the grounds on which membership ended (DOMAIN §2.14, §16).

QĐ 294-QĐ/TW §3.5 (like QĐ 232, 24 and 29 before it): re-admission only once; at least 36 months
after leaving the Party, 60 months after the criminal record is cleared for a less serious crime; never
for those who abandoned party activity, who applied to leave (except for extreme family hardship), who
caused serious disunity, or who were convicted of corruption or of a serious (or worse) crime.

The ground of each removal, leaving and expulsion is a code of the ``EndingGround`` reference list,
stored on the period out the ending opened (``PartyInterruption.ground``). Which grounds bar
re-admission, and which need the record cleared, are the member rules in force on the re-admission
date (``readmission_barred_grounds``, ``readmission_record_cleared_grounds``,
``readmission_min_months``, ``readmission_min_months_after_record_cleared``), read through
``readmission_refusal`` alone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db.models import Q

from dangvu.members.enums import ENDED_STATUSES, InterruptionReason, MemberStatus
from dangvu.members.models import EndingGround, PartyInterruption
from dangvu.members.models.reference import rule

HARDSHIP_GROUND = "leave.family_hardship"


def grounds_in_force(kind: str, on: date) -> Any:
    """The grounds of ``kind`` (removed, left, expelled) in force on ``on``, in their list order."""
    return (
        EndingGround.objects.filter(kind=kind, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("order", "code")
    )


def ground_choices(kind: str) -> list[tuple[str, str]]:
    """(code, label) of every ground of ``kind`` ever listed (forms and the API accept them all; the
    date check is ``check_ground``'s)."""
    return [(g.code, g.label) for g in EndingGround.objects.filter(kind=kind).order_by("order", "code")]


def check_ground(kind: str, code: str, on: date) -> EndingGround:
    """The ground ``code`` for an ending of ``kind`` decided on ``on``; ValidationError otherwise."""
    ground = grounds_in_force(kind, on).filter(code=code).first()
    if ground is None:
        raise ValidationError(
            {"ground": f"Căn cứ “{code}” không có trong danh mục cho nghiệp vụ này vào ngày đó."}
        )
    return ground


def ending_period(member: Any) -> PartyInterruption | None:
    """The period out opened by the member's latest ending (removal, leaving, expulsion)."""
    return (
        PartyInterruption.objects.filter(member=member, reason__in=ENDED_STATUSES)
        .order_by("-starts_on", "-pk")
        .first()
    )


def _readmitted_before(member: Any) -> bool:
    """A re-admission the file shows without the re-admission verb (imported or digitised history): a
    first admission earlier than the current one, or an earlier ending (xóa tên, ra khỏi Đảng, khai
    trừ) already closed."""
    if member.first_admitted_on is not None and member.first_admitted_on != member.admitted_on:
        return True
    return PartyInterruption.objects.filter(
        member=member, reason__in=ENDED_STATUSES, ends_on__isnull=False, rehabilitated=False
    ).exists()


def _months_after(start: date, months: int) -> date:
    return start + relativedelta(months=months)


def readmission_refusal(
    member: Any,
    admitted_on: date,
    *,
    record_cleared_on: date | None = None,
    hardship_exception: bool = False,
) -> str | None:
    """Why ``member`` cannot be re-admitted on ``admitted_on`` (Vietnamese), or None when they can."""
    if member.readmitted_on is not None or _readmitted_before(member):
        return "Chỉ được kết nạp lại một lần; người này đã được kết nạp lại."
    if member.status not in ENDED_STATUSES:
        return "Chỉ kết nạp lại người đã ra khỏi Đảng (xóa tên, khai trừ, xin ra)."
    period = ending_period(member)
    ground = period.ground if period is not None else ""
    left_on = period.starts_on if period is not None else member.status_changed_on
    if (
        member.status == MemberStatus.LEFT
        and ground != HARDSHIP_GROUND
        and not (hardship_exception and not ground)
    ):
        return (
            "Người đã xin ra khỏi Đảng không được kết nạp lại (trừ trường hợp vì hoàn cảnh gia đình "
            "đặc biệt khó khăn đã được ghi nhận)."
        )
    if not ground and member.status != MemberStatus.LEFT:
        return (
            "Chưa ghi căn cứ ra khỏi Đảng (lý do xóa tên hoặc khai trừ): cập nhật thời gian gián đoạn "
            "trước khi xét kết nạp lại."
        )
    barred = rule("readmission_barred_grounds", admitted_on, default=[])
    if ground in barred:
        label = EndingGround.objects.filter(code=ground).values_list("label", flat=True).first() or ground
        return f"Không xét kết nạp lại người ra khỏi Đảng vì: {label}."
    months = int(rule("readmission_min_months", admitted_on, default=36))
    if left_on is not None and admitted_on < _months_after(left_on, months):
        return (
            f"Chưa đủ {months} tháng kể từ khi ra khỏi Đảng "
            f"(đủ vào ngày {_months_after(left_on, months):%d/%m/%Y})."
        )
    if ground in rule("readmission_record_cleared_grounds", admitted_on, default=[]):
        if record_cleared_on is None:
            return "Người bị kết án cần có ngày được xóa án tích để xét kết nạp lại."
        cleared = int(rule("readmission_min_months_after_record_cleared", admitted_on, default=60))
        if admitted_on < _months_after(record_cleared_on, cleared):
            return (
                f"Chưa đủ {cleared} tháng kể từ ngày được xóa án tích "
                f"(đủ vào ngày {_months_after(record_cleared_on, cleared):%d/%m/%Y})."
            )
    return None


def record_hardship(period: PartyInterruption | None) -> bool:
    """Whether a re-admission under the hardship exception must store the ground on the period out
    (a leaving recorded before grounds existed)."""
    return period is not None and period.reason == InterruptionReason.LEFT and not period.ground
