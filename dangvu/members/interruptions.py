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
from django.db.models import Q
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


# --- Import ----------------------------------------------------------------------------------------------

IMPORT_HEADERS: dict[str, tuple[str, ...]] = {
    "cccd": (
        "so cccd",
        "cccd",
        "so dinh danh ca nhan",
        "so dinh danh ca nhan (cccd)",
        "so dinh danh",
        "so the can cuoc",
        "can cuoc",
    ),
    "file_number": ("so ly lich", "so ll", "file_number"),
    "reason": ("ly do", "ly do gian doan", "reason"),
    "starts_on": ("tu ngay", "ngay bat dau", "starts_on"),
    "ends_on": ("den ngay", "ngay ket thuc", "ends_on"),
    "ground": ("can cu", "ma can cu", "can cu ra khoi dang", "ground"),
    "note": ("ghi chu", "note"),
}


def _coded(choices: Any, value: str) -> str | None:
    """A code of ``choices`` given by its code or its label (accents and case ignored)."""
    from dangvu.core.text import fold

    text = value.strip()
    for code, label in choices:
        if text == code or fold(text) == fold(str(label)):
            return str(code)
    return None


def _import_row(actor: Any, org: Any, values: dict[str, Any]) -> None:
    """Record one imported row through ``interruption_create`` (ValidationError: the row's problem)."""
    from dangvu.core.dates import DateError, parse_partial
    from dangvu.members.enums import EndingGroundCode

    text = {k: "" if v is None else str(v).strip() for k, v in values.items()}
    key = Q(cccd=text["cccd"]) if text.get("cccd") else Q(file_number=text.get("file_number") or None)
    member = Member.objects.visible_to(actor, "members.manage").in_subtree(org).filter(key).first()
    if member is None or not (text.get("cccd") or text.get("file_number")):
        raise ValidationError(
            "Không tìm thấy đảng viên (theo số định danh cá nhân hoặc số lý lịch) trong đơn vị."
        )
    reason = _coded(InterruptionReason.choices, text.get("reason", ""))
    if reason is None:
        raise ValidationError(f"Lý do “{text.get('reason', '')}” không có trong danh mục.")
    ground = _coded(EndingGroundCode.choices, text["ground"]) if text.get("ground") else ""
    if ground is None:
        raise ValidationError(f"Căn cứ “{text['ground']}” không có trong danh mục.")
    dates: dict[str, date | None] = {}
    for field in ("starts_on", "ends_on"):
        try:
            parsed = parse_partial(values.get(field))
        except (DateError, ValueError, OverflowError) as error:
            raise ValidationError(f"Ngày không hợp lệ: {values.get(field)}.") from error
        if parsed is not None and parsed[1] != "day":
            raise ValidationError("Cần ngày đầy đủ (ngày/tháng/năm).")
        dates[field] = parsed[0] if parsed else None
    if dates["starts_on"] is None:
        raise ValidationError("Thiếu ngày bắt đầu gián đoạn.")
    interruption_create(
        actor=actor,
        member=member,
        reason=reason,
        starts_on=dates["starts_on"],
        ends_on=dates["ends_on"],
        note=text.get("note", "")[:255],
        ground=ground,
    )


def interruptions_import(*, actor: Any, org: Any, upload: Any, dry_run: bool = True) -> dict[str, Any]:
    """Import periods out from .xlsx/.csv (one per row: the member's số định danh cá nhân or file
    number, reason, from, to, ground, note) into members of ``org``'s subtree. Every row goes through
    ``interruption_create`` (same checks, same audit); nothing is kept on a dry run or when any row has
    a problem (the report lists each with its line)."""
    from dangvu.core.text import fold
    from dangvu.members.importer import read_table

    require_perm(actor, "members.manage", org)
    headers, rows, read_problems = read_table(upload)
    by_folded = {syn: field for field, synonyms in IMPORT_HEADERS.items() for syn in synonyms}
    index = {}
    for position, header in enumerate(headers):
        field = by_folded.get(fold(header).replace("*", "").strip())
        if field and field not in index:
            index[field] = position
    missing = [name for name in ("reason", "starts_on") if name not in index]
    if missing or not ({"cccd", "file_number"} & set(index)):
        raise ValidationError(
            "Tệp cần các cột: Số định danh cá nhân (hoặc Số CCCD, Số lý lịch), Lý do, Từ ngày; "
            f"các cột của tệp: {', '.join(headers)}."
        )
    problems = [{"row": p.row, "message": p.message} for p in read_problems]
    total = 0
    with transaction.atomic():
        for number, cells in rows:
            total += 1
            values = {field: cells[i] if i < len(cells) else None for field, i in index.items()}
            try:
                with transaction.atomic():
                    _import_row(actor, org, values)
            except ValidationError as error:
                problems.append({"row": number, "message": " ".join(error.messages)})
        imported = not dry_run and not problems
        if not imported:
            transaction.set_rollback(True)
    return {"total_rows": total, "imported": imported, "dry_run": dry_run, "errors": problems}
