from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from django.db.models import Count, Window
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import BaseModel, Field

from dangvu.accounts.permissions import scope_for
from dangvu.api.schemas import ERRORS
from dangvu.orgs import directory
from dangvu.orgs.models import Org

router = Router(tags=["orgs"])

# Output models are plain pydantic models: ninja's Schema adds a per-object Django adapter that the
# endpoints (which return dicts) do not need, and it costs a third of the list endpoint's time.


class OrgTypeOut(BaseModel):
    code: str
    name: str


class OrgRef(BaseModel):
    id: int
    name: str
    code: str


class OrgOut(BaseModel):
    id: int
    name: str
    short_name: str
    code: str
    abbreviation: str
    type: OrgTypeOut
    status: str
    depth: int
    parent_id: int | None
    child_count: int
    established_on: date | None
    ended_on: date | None


class OrgDetailOut(OrgOut):
    ancestors: list[OrgRef]
    children: list[OrgRef]


class OrgListOut(BaseModel):
    count: int
    results: list[OrgOut]


class OrgFilters(Schema):
    parent: int | None = Field(None, description="Chỉ các đơn vị trực thuộc đơn vị này")
    type: str | None = Field(None, max_length=40, description="Mã loại đơn vị")
    q: str | None = Field(None, max_length=200, description="Tìm theo tên, mã (không phân biệt dấu)")
    status: str | None = Field(None, max_length=12)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


_LIST_FIELDS = (
    "id",
    "name",
    "short_name",
    "code",
    "abbreviation",
    "org_type__code",
    "org_type__name",
    "status",
    "depth",
    "path",
    "numchild",
    "established_on",
    "ended_on",
)


def _row_out(row: dict[str, Any], parent_ids: dict[str, int]) -> dict[str, Any]:
    """One unit as the API shows it (a plain dict: ninja validates the response once)."""
    path = row["path"]
    return {
        "id": row["id"],
        "name": row["name"],
        "short_name": row["short_name"],
        "code": row["code"],
        "abbreviation": row["abbreviation"],
        "type": {"code": row["org_type__code"], "name": row["org_type__name"]},
        "status": row["status"],
        "depth": row["depth"],
        "parent_id": parent_ids.get(path[: -Org.steplen]) if row["depth"] > 1 else None,
        "child_count": row["numchild"],
        "established_on": row["established_on"],
        "ended_on": row["ended_on"],
    }


def _parent_ids(paths: list[str]) -> dict[str, int]:
    parents = {path[: -Org.steplen] for path in paths if len(path) > Org.steplen}
    return dict(Org.objects.filter(path__in=parents).values_list("path", "pk").order_by()) if parents else {}


class UnitChoiceOut(BaseModel):
    id: int
    code: str
    name: str
    type: str
    path: str = Field(description="Tên đơn vị và các cấp trên, gần nhất trước")
    status: str
    accepts_members: bool


class DirectoryFilters(Schema):
    q: str = Field("", max_length=100, description="Tên, tên viết tắt hoặc mã (không phân biệt dấu)")
    limit: int = Field(20, ge=1, le=50)
    include_ended: bool = False


class PickerFilters(Schema):
    perm: str = Field(max_length=60, description="Quyền của thao tác, ví dụ members.manage")
    q: str = Field("", max_length=100)
    limit: int = Field(20, ge=1, le=50)
    accepts_members: bool = Field(False, description="Chỉ đơn vị có đảng viên sinh hoạt trực tiếp (chi bộ)")


@router.get(
    "/directory",
    response={200: list[UnitChoiceOut], **ERRORS},
    summary="Danh bạ đơn vị cả nước (tên và đường dẫn; mọi người dùng đã đăng nhập)",
)
def unit_directory(request: HttpRequest, filters: Query[DirectoryFilters]) -> list[Any]:
    return [
        asdict(c)
        for c in directory.directory(filters.q, limit=filters.limit, include_ended=filters.include_ended)
    ]


@router.get(
    "/picker",
    response={200: list[UnitChoiceOut], **ERRORS},
    summary="Các đơn vị người dùng được thực hiện một thao tác (theo quyền)",
)
def unit_picker(request: HttpRequest, filters: Query[PickerFilters]) -> list[Any]:
    choices = directory.pick(
        request.user, filters.perm, filters.q, limit=filters.limit, accepts_members=filters.accepts_members
    )
    return [asdict(c) for c in choices]


@router.get("", response={200: OrgListOut, **ERRORS}, summary="Danh sách đơn vị trong phạm vi của người dùng")
def list_orgs(request: HttpRequest, filters: Query[OrgFilters]) -> dict[str, Any]:
    queryset = Org.objects.visible_to(request.user)
    parents: dict[str, int] = {}
    if filters.parent is not None:
        parent = get_object_or_404(
            Org.objects.visible_to(request.user).only("pk", "path", "depth"), pk=filters.parent
        )
        queryset = queryset.filter(path__startswith=parent.path, depth=parent.depth + 1)
        parents = {parent.path: parent.pk}
    if filters.type:
        queryset = queryset.filter(org_type__code=filters.type)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.q:
        queryset = queryset.search(filters.q)
    # The total comes with the page (a window count): one query instead of two.
    page = queryset.annotate(total=Window(Count("pk"))).order_by("path").values(*_LIST_FIELDS, "total")
    rows = list(page[filters.offset : filters.offset + filters.limit])
    total = rows[0]["total"] if rows else (queryset.count() if filters.offset else 0)
    if not parents:
        parents = _parent_ids([row["path"] for row in rows])
    scope = scope_for(request.user, "orgs.view")
    for row in rows:
        if not scope.covers_path(row["path"]):
            row["numchild"] = 0  # a role held in this unit alone does not learn its sub-units
    return {"count": total, "results": [_row_out(row, parents) for row in rows]}


@router.get(
    "/{org_id}",
    response={200: OrgDetailOut, **ERRORS},
    summary="Một đơn vị, các cấp trên và đơn vị trực thuộc",
)
def get_org(request: HttpRequest, org_id: int) -> dict[str, Any]:
    row = get_object_or_404(Org.objects.visible_to(request.user).values(*_LIST_FIELDS), pk=org_id)
    path, depth = row["path"], row["depth"]
    ancestor_paths = [path[: i * Org.steplen] for i in range(1, depth)]
    ancestors = list(
        Org.objects.filter(path__in=ancestor_paths).order_by("depth").values("id", "name", "code", "path")
    )
    children = list(
        Org.objects.visible_to(request.user)
        .filter(path__startswith=path, depth=depth + 1)
        .order_by("sort_name", "pk")
        .values("id", "name", "code")
    )
    out = _row_out(row, {a["path"]: a["id"] for a in ancestors}) | {"child_count": len(children)}
    return out | {
        "ancestors": [{"id": a["id"], "name": a["name"], "code": a["code"]} for a in ancestors],
        "children": children,
    }
