"""Periods out of party activity in the JSON API: ``/api/v1/interruptions`` (list, read, create, update).

Scoped like the member: a period is visible to whoever may open the member's file, and written by
whoever manages the member (the same services as the member page: ``dangvu.members.interruptions``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel, Field

from dangvu.api.schemas import ERRORS
from dangvu.members import interruptions as service
from dangvu.members.enums import EndingGroundCode, InterruptionReason
from dangvu.members.models import Member, PartyInterruption
from dangvu.orgs.models import Org

router = Router(tags=["members"])

ReasonField = Field(description="lost_contact, transfer_gap, removed, left, expelled")
GroundField = Field(
    "",
    max_length=40,
    description="Mã căn cứ (xóa tên, ra khỏi Đảng, khai trừ): " + ", ".join(EndingGroundCode.values),
)


class InterruptionOut(BaseModel):
    id: int
    member: int
    reason: str
    reason_label: str
    starts_on: date
    ends_on: date | None
    note: str
    ground: str
    rehabilitated: bool


class InterruptionList(BaseModel):
    count: int
    results: list[InterruptionOut]


class InterruptionFilters(Schema):
    member: int | None = Field(None, description="Chỉ thời gian gián đoạn của đảng viên này")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class InterruptionCreate(Schema):
    member: int
    reason: str = ReasonField
    starts_on: date
    ends_on: date | None = Field(None, description="Trống: chưa kết thúc (tuổi đảng dừng đến khi kết thúc)")
    note: str = Field("", max_length=255)
    ground: str = GroundField
    rehabilitated: bool = Field(False, description="Đã được minh oan, phục hồi: tuổi đảng liên tục")


class InterruptionUpdate(Schema):
    reason: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    note: str | None = Field(None, max_length=255)
    ground: str | None = Field(None, max_length=40)
    rehabilitated: bool | None = None
    change_reason: str = Field(min_length=1, max_length=500, description="Lý do sửa (ghi vào nhật ký)")


def _out(row: PartyInterruption) -> dict[str, Any]:
    return {
        "id": row.pk,
        "member": row.member_id,
        "reason": row.reason,
        "reason_label": str(InterruptionReason(row.reason).label)
        if row.reason in InterruptionReason.values
        else row.reason,
        "starts_on": row.starts_on,
        "ends_on": row.ends_on,
        "note": row.note,
        "ground": row.ground,
        "rehabilitated": row.rehabilitated,
    }


@router.get("", response={200: InterruptionList, **ERRORS}, summary="Thời gian gián đoạn sinh hoạt đảng")
def list_interruptions(request: HttpRequest, filters: Query[InterruptionFilters]) -> dict[str, Any]:
    rows = service.interruptions_visible_to(request.user)
    if filters.member is not None:
        rows = rows.filter(member_id=filters.member)
    rows = rows.order_by("member_id", "starts_on", "pk")
    return {
        "count": rows.count(),
        "results": [_out(r) for r in rows[filters.offset : filters.offset + filters.limit]],
    }


@router.post(
    "/import",
    response={200: dict[str, Any], **ERRORS},
    summary="Nhập thời gian gián đoạn từ Excel/CSV (dry_run: chỉ kiểm tra)",
)
def import_interruptions(
    request: HttpRequest, file: File[UploadedFile], org: int, dry_run: bool = True
) -> dict[str, Any]:
    from dangvu.members.importer import ImportError_

    target = Org.objects.visible_to(request.user, "members.manage").filter(pk=org).first()
    if target is None:
        raise ValidationError({"org": "Không tìm thấy đơn vị bạn được quyền nhập."})
    try:
        return service.interruptions_import(actor=request.user, org=target, upload=file, dry_run=dry_run)
    except ImportError_ as error:
        raise ValidationError({"file": str(error)}) from error


@router.get(
    "/{interruption_id}", response={200: InterruptionOut, **ERRORS}, summary="Một thời gian gián đoạn"
)
def get_interruption(request: HttpRequest, interruption_id: int) -> dict[str, Any]:
    return _out(get_object_or_404(service.interruptions_visible_to(request.user), pk=interruption_id))


@router.post("", response={201: InterruptionOut, **ERRORS}, summary="Ghi thời gian gián đoạn sinh hoạt đảng")
def create_interruption(request: HttpRequest, payload: InterruptionCreate) -> Status[dict[str, Any]]:
    # Invisible member: not found (422 on this body field); visible but not managed: 403 from the service.
    member = Member.objects.visible_to(request.user).filter(pk=payload.member).first()
    if member is None:
        raise ValidationError({"member": "Không tìm thấy đảng viên."})
    data = payload.model_dump(exclude={"member"})
    return Status(201, _out(service.interruption_create(actor=request.user, member=member, **data)))


@router.patch(
    "/{interruption_id}",
    response={200: InterruptionOut, **ERRORS},
    summary="Sửa thời gian gián đoạn (có lý do)",
)
def update_interruption(
    request: HttpRequest, interruption_id: int, payload: InterruptionUpdate
) -> dict[str, Any]:
    row = get_object_or_404(service.interruptions_visible_to(request.user), pk=interruption_id)
    changes = payload.model_dump(exclude_unset=True)
    reason = changes.pop("change_reason")
    for field in ("reason", "starts_on", "rehabilitated"):
        if field in changes and changes[field] is None:
            raise ValidationError({field: "Thiếu giá trị bắt buộc."})
    for field in ("note", "ground"):
        if field in changes and changes[field] is None:
            changes[field] = ""
    updated = service.interruption_update(
        actor=request.user, interruption=row, changes=changes, reason=reason
    )
    return _out(updated)
