"""Citizen-ID conflicts in the JSON API: ``/api/v1/identity-conflicts`` (list, read, resolve).

The same read and write as the pages (``dangvu.members.identity``): a conflict is visible to whoever
manages members in the reviewing unit (404 for anyone else); the CCCD is masked as in every list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import BaseModel, Field

from dangvu.api.schemas import ERRORS
from dangvu.members.identity import NOTE_MAX, conflicts_for, identity_conflict_resolve
from dangvu.members.models import ConflictOutcome, IdentityConflict

router = Router(tags=["members"])


class ConflictOut(BaseModel):
    id: int
    created_at: datetime
    existing: int = Field(description="Hồ sơ đảng viên đã có số CCCD này")
    existing_name: str
    existing_org: int
    cccd: str = Field(description="Số CCCD, che (chỉ 4 số cuối)")
    requested_org: int = Field(description="Đơn vị người nhập định ghi số này")
    reviewer_org: int | None = Field(description="Đơn vị xem xét (cấp trên gần nhất của cả hai hồ sơ)")
    reported_by: str | None
    channel: str
    status: Literal["open", "resolved"]
    outcome: str
    outcome_label: str
    note: str
    resolved_by: str | None
    resolved_at: datetime | None


class ConflictList(BaseModel):
    count: int
    results: list[ConflictOut]


class ConflictFilters(Schema):
    status: Literal["open", "resolved", "all"] = Field("open", description="open (mặc định), resolved, all")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


class ConflictResolveIn(BaseModel):
    outcome: Literal["same_person", "different_people", "dismissed"] = Field(
        description="; ".join(f"{value}: {label}" for value, label in ConflictOutcome.choices)
    )
    note: str = Field(min_length=1, max_length=NOTE_MAX, description="Đã xử lý thế nào")


def _conflict(row: IdentityConflict) -> dict[str, Any]:
    return {
        "id": row.pk,
        "created_at": row.created_at,
        "existing": row.existing_id,
        "existing_name": row.existing.full_name,
        "existing_org": row.existing.org_id,
        "cccd": row.existing.masked_cccd,
        "requested_org": row.requested_org_id,
        "reviewer_org": row.reviewer_org_id,
        "reported_by": row.reported_by.username if row.reported_by else None,
        "channel": row.channel,
        "status": "open" if row.is_open else "resolved",
        "outcome": row.outcome,
        "outcome_label": str(row.get_outcome_display()) if row.outcome else "",
        "note": row.resolution_note,
        "resolved_by": row.resolved_by.username if row.resolved_by else None,
        "resolved_at": row.resolved_at,
    }


@router.get("", response={200: ConflictList, **ERRORS}, summary="Số CCCD trùng bạn cần xem xét")
def list_conflicts(request: HttpRequest, filters: Query[ConflictFilters]) -> dict[str, Any]:
    rows = conflicts_for(request.user)
    if filters.status == "open":
        rows = rows.open().order_by("created_at", "pk")
    elif filters.status == "resolved":
        rows = rows.resolved().order_by("-resolved_at", "-pk")
    else:
        rows = rows.order_by("-created_at", "-pk")
    page = rows[filters.offset : filters.offset + filters.limit]
    return {"count": rows.count(), "results": [_conflict(row) for row in page]}


def _conflict_for(request: HttpRequest, conflict_id: int) -> IdentityConflict:
    return get_object_or_404(conflicts_for(request.user), pk=conflict_id)


@router.get("/{conflict_id}", response={200: ConflictOut, **ERRORS}, summary="Một trường hợp số CCCD trùng")
def get_conflict(request: HttpRequest, conflict_id: int) -> dict[str, Any]:
    return _conflict(_conflict_for(request, conflict_id))


@router.post(
    "/{conflict_id}/resolve",
    response={200: ConflictOut, **ERRORS},
    summary="Ghi nhận kết quả xử lý một trường hợp số CCCD trùng (ra khỏi danh sách việc cần làm)",
)
def resolve_conflict(request: HttpRequest, conflict_id: int, payload: ConflictResolveIn) -> dict[str, Any]:
    conflict = identity_conflict_resolve(
        actor=request.user,
        conflict=_conflict_for(request, conflict_id),
        outcome=payload.outcome,
        note=payload.note,
    )
    return _conflict(_conflict_for(request, conflict.pk))
