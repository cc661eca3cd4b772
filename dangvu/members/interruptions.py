"""Periods out of party activity (thời gian gián đoạn): record, correct, import (DOMAIN §4).

Party age does not count them (``dangvu.members.milestones.party_age``); an open period stops the clock
until it is closed. Removal, leaving and expulsion open one themselves (``services.transition``) and
re-admission closes it; these services are for the periods the verbs do not know: lost contact, gaps
in a transfer, periods out before the file was digitised, a rehabilitation. Each write checks
``members.manage`` on the member's unit, refuses overlapping or impossible periods with a Vietnamese
reason, recomputes the member's derived party-age columns and writes one audit entry (a correction
with its reason).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangvu.accounts.permissions import require_perm
from dangvu.audit.services import audit_created, audit_log, diff, snapshot
from dangvu.members.enums import InterruptionReason
from dangvu.members.milestones import party_age_start
from dangvu.members.models import Member, PartyInterruption
from dangvu.members.readmission import check_ground
from dangvu.members.services import lock, party_age_refresh

EDITABLE = ("reason", "starts_on", "ends_on", "note", "ground", "rehabilitated")
# The reasons that are an ending of membership, and so carry its ground.
ENDING_REASONS = frozenset({InterruptionReason.REMOVED, InterruptionReason.LEFT, InterruptionReason.EXPELLED})


def interruptions_visible_to(user: Any) -> Any:
    """The periods out ``user`` may read: those of the members whose file they may open (scoped
    exactly like the member: same units, same own-file rule)."""
    return PartyInterruption.objects.filter(
        member__in=Member.objects.visible_to(user, "members.view_file").values("pk")
    )


def _validate(member: Member, row: PartyInterruption) -> None:
    today = timezone.localdate()
    if row.reason not in InterruptionReason.values:
        raise ValidationError({"reason": "Lý do gián đoạn không hợp lệ."})
    if row.starts_on > today:
        raise ValidationError({"starts_on": "Ngày bắt đầu không được ở tương lai."})
    if row.ends_on is not None:
        if row.ends_on > today:
            raise ValidationError({"ends_on": "Ngày kết thúc không được ở tương lai."})
        if row.ends_on < row.starts_on:
            raise ValidationError({"ends_on": "Ngày kết thúc không được trước ngày bắt đầu."})
    start = party_age_start(member)
    if start is not None and row.starts_on < start:
        raise ValidationError(
            {"starts_on": f"Thời gian gián đoạn không được trước ngày vào Đảng ({start:%d/%m/%Y})."}
        )
    if row.ground:
        if row.reason not in ENDING_REASONS:
            raise ValidationError({"ground": "Chỉ ghi căn cứ với xóa tên, ra khỏi Đảng hoặc khai trừ."})
        check_ground(row.reason, row.ground, row.starts_on)
    _check_overlap(member, row)


def _check_overlap(member: Member, row: PartyInterruption) -> None:
    """No two periods overlap, and nothing starts after a period that is still open."""
    others = PartyInterruption.objects.filter(member=member).exclude(pk=row.pk).order_by("starts_on")
    far = date.max
    for other in others:
        if row.starts_on <= (other.ends_on or far) and other.starts_on <= (row.ends_on or far):
            until = f"{other.ends_on:%d/%m/%Y}" if other.ends_on else "nay (chưa kết thúc)"
            raise ValidationError(
                {
                    "starts_on": "Trùng với thời gian gián đoạn khác "
                    f"({other.get_reason_display().lower()}, từ {other.starts_on:%d/%m/%Y} đến {until})."
                }
            )


@transaction.atomic
def interruption_create(
    *,
    actor: Any,
    member: Member,
    reason: str,
    starts_on: date,
    ends_on: date | None = None,
    note: str = "",
    ground: str = "",
    rehabilitated: bool = False,
) -> PartyInterruption:
    """Record a period out of party activity. Side effects: the member's derived party-age columns,
    one audit entry."""
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    row = PartyInterruption(
        member=member,
        reason=reason,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note.strip(),
        ground=ground.strip(),
        rehabilitated=rehabilitated,
    )
    _validate(member, row)
    row.full_clean()
    row.save()
    party_age_refresh(member)
    audit_created(actor=actor, obj=row, event="members.interruption_create", org=member.org)
    return row


@transaction.atomic
def interruption_update(
    *, actor: Any, interruption: PartyInterruption, changes: dict[str, Any], reason: str
) -> PartyInterruption:
    """Correct a period out (its dates, reason, ground, or mark it rehabilitated), with the reason for
    the correction. Side effects: the member's derived party-age columns, one audit entry before → after
    with the reason."""
    row = PartyInterruption.objects.select_for_update().get(pk=interruption.pk)
    member = lock(row.member)
    require_perm(actor, "members.manage", member.org)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Trường không được phép."))
    if not reason.strip():
        raise ValidationError({"change_reason": "Cần ghi rõ lý do sửa thời gian gián đoạn."})
    before = snapshot(row, list(EDITABLE))
    for field, value in changes.items():
        setattr(row, field, value.strip() if isinstance(value, str) else value)
    _validate(member, row)
    row.full_clean()
    row.save(update_fields=sorted(changes) or None)
    party_age_refresh(member)
    changed = diff(before, snapshot(row, list(EDITABLE)))
    if changed:
        audit_log(
            actor=actor,
            action="update",
            obj=row,
            org=member.org,
            event="members.interruption_update",
            changes=changed,
            data={"reason": reason.strip(), "member": member.pk},
        )
    return row
