from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from dangvu.api.schemas import ERRORS
from dangvu.members.models import OrgMemberCount
from dangvu.orgs.models import Org

router = Router(tags=["orgs"])


class OrgTypeOut(Schema):
    code: str
    name: str


class OrgRef(Schema):
    id: int
    name: str
    code: str


class OrgOut(Schema):
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
    member_counts: dict[str, int]


class OrgListOut(Schema):
    count: int
    results: list[OrgOut]


class OrgFilters(Schema):
    parent: int | None = Field(None, description="Chỉ các đơn vị trực thuộc đơn vị này")
    type: str | None = Field(None, max_length=40, description="Mã loại đơn vị")
    q: str | None = Field(None, max_length=200, description="Tìm theo tên, mã (không phân biệt dấu)")
    status: str | None = Field(None, max_length=12)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


def _out(org: Org, parent_ids: dict[str, int]) -> OrgOut:
    return OrgOut(
        id=org.pk,
        name=org.name,
        short_name=org.short_name,
        code=org.code,
        abbreviation=org.abbreviation,
        type=OrgTypeOut(code=org.org_type.code, name=org.org_type.name),
        status=org.status,
        depth=org.depth,
        parent_id=parent_ids.get(org.path[: -Org.steplen]) if org.depth > 1 else None,
        child_count=org.numchild,
        established_on=org.established_on,
        ended_on=org.ended_on,
    )


def _parent_ids(orgs: list[Org]) -> dict[str, int]:
    paths = {org.path[: -Org.steplen] for org in orgs if org.depth > 1}
    return dict(Org.objects.filter(path__in=paths).values_list("path", "pk").order_by())


@router.get("", response={200: OrgListOut, **ERRORS}, summary="Danh sách đơn vị trong phạm vi của người dùng")
def list_orgs(request: HttpRequest, filters: Query[OrgFilters]) -> OrgListOut:
    queryset = Org.objects.visible_to(request.user).with_type()
    if filters.parent is not None:
        parent = get_object_or_404(Org.objects.visible_to(request.user), pk=filters.parent)
        queryset = queryset.filter(path__startswith=parent.path, depth=parent.depth + 1)
    if filters.type:
        queryset = queryset.filter(org_type__code=filters.type)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.q:
        queryset = queryset.search(filters.q)
    total = queryset.count()
    page = list(queryset.order_by("path")[filters.offset : filters.offset + filters.limit])
    parents = _parent_ids(page)
    return OrgListOut(count=total, results=[_out(org, parents) for org in page])


@router.get(
    "/{org_id}",
    response={200: OrgDetailOut, **ERRORS},
    summary="Một đơn vị, các cấp trên và đơn vị trực thuộc",
)
def get_org(request: HttpRequest, org_id: int) -> OrgDetailOut:
    org = get_object_or_404(Org.objects.visible_to(request.user).with_type(), pk=org_id)
    ancestors = list(Org.objects.filter(path__in=org.ancestor_paths()[:-1]).order_by("depth"))
    children = list(
        Org.objects.filter(path__startswith=org.path, depth=org.depth + 1).order_by("sort_name", "pk")
    )
    counts = OrgMemberCount.objects.filter(org=org).first()
    base = _out(org, {a.path: a.pk for a in ancestors})
    return OrgDetailOut(
        **base.model_dump(),
        ancestors=[OrgRef(id=a.pk, name=a.name, code=a.code) for a in ancestors],
        children=[OrgRef(id=c.pk, name=c.name, code=c.code) for c in children],
        member_counts=counts.as_dict() if counts else {},
    )
