"""The list of files (danh mục hồ sơ) in the JSON API, mounted at ``/api/v1/documents/files``: a unit's
files of a year, one file with its documents, add, change, remove, copy a year's list, the printable
list. The same services and reads as the pages (``dangvu.documents.filing``)."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, Field

from dangvu.api.schemas import ERRORS
from dangvu.documents import filing
from dangvu.documents.models import FileHeading
from dangvu.documents.models.reference import RETENTION_MAX_YEARS
from dangvu.orgs.models import Org

router = Router(tags=["documents"])

RETENTION_HELP = "Thời hạn bảo quản (năm); null: bảo quản vĩnh viễn"


class FileHeadingOut(BaseModel):
    id: int
    org: int
    org_name: str
    year: int
    section: str
    code: str
    title: str
    retention_years: int | None = Field(description=RETENTION_HELP)
    retention: str = Field(description="Thời hạn bảo quản như in trong danh mục: “Vĩnh viễn”, “10 năm”")
    keeper: str
    note: str
    legal_basis: str
    documents: int = Field(description="Số văn bản trong hồ sơ mà người gọi được xem")


class FiledDocumentOut(BaseModel):
    id: int
    direction: str
    number: str
    incoming_number: int | None
    subject: str
    doc_type: str


class FileHeadingDetail(FileHeadingOut):
    filed: list[FiledDocumentOut]


class FileHeadingList(BaseModel):
    count: int
    results: list[FileHeadingOut]


class ListQuery(Schema):
    org: int | None = Field(None, description="Đơn vị (id); để trống: đơn vị của người gọi")
    year: int = Field(ge=1930, le=2100)


class ExportQuery(ListQuery):
    format: Literal["xlsx", "pdf"] = "xlsx"


class FileHeadingIn(Schema):
    org: int = Field(description="Đơn vị có danh mục hồ sơ (id)")
    year: int = Field(ge=1930, le=2100)
    code: str = Field(min_length=1, max_length=40, description="Số và ký hiệu hồ sơ")
    title: str = Field(min_length=1, max_length=300)
    retention_years: int | None = Field(ge=1, le=RETENTION_MAX_YEARS, description=RETENTION_HELP)
    section: str = Field("", max_length=200, description="Đề mục")
    keeper: str = Field("", max_length=200, description="Đơn vị, người lập hồ sơ")
    note: str = Field("", max_length=500)
    legal_basis: str = Field("", max_length=200)


class FileHeadingPatch(Schema):
    year: int | None = Field(None, ge=1930, le=2100)
    code: str | None = Field(None, min_length=1, max_length=40)
    title: str | None = Field(None, min_length=1, max_length=300)
    retention_years: int | None = Field(None, ge=1, le=RETENTION_MAX_YEARS, description=RETENTION_HELP)
    section: str | None = Field(None, max_length=200)
    keeper: str | None = Field(None, max_length=200)
    note: str | None = Field(None, max_length=500)
    legal_basis: str | None = Field(None, max_length=200)


class CopyIn(Schema):
    org: int
    from_year: int = Field(ge=1930, le=2100)
    to_year: int = Field(ge=1930, le=2100)


class CopyOut(BaseModel):
    added: int


def _out(heading: FileHeading) -> dict[str, Any]:
    return {
        "id": heading.pk,
        "org": heading.org_id,
        "org_name": heading.org.name,
        "year": heading.year,
        "section": heading.section,
        "code": heading.code,
        "title": heading.title,
        "retention_years": heading.retention_years,
        "retention": heading.retention_label,
        "keeper": heading.keeper,
        "note": heading.note,
        "legal_basis": heading.legal_basis,
        "documents": getattr(heading, "filed", 0),
    }


def _unit(request: HttpRequest, org_id: int | None, perm: str = "documents.view") -> Org:
    units = Org.objects.visible_to(request.user, perm)
    if org_id is not None:
        return get_object_or_404(units, pk=org_id)
    top = units.order_by("path").first()
    if top is None or units.exclude(path__startswith=top.path).exists():
        raise ValidationError({"org": "Cần chọn đơn vị (org)."})
    return top


def _load(request: HttpRequest, heading_id: int) -> FileHeading:
    return get_object_or_404(
        FileHeading.objects.visible_to(request.user).select_related("org"), pk=heading_id
    )


def _detail(request: HttpRequest, heading_id: int) -> dict[str, Any]:
    heading = _load(request, heading_id)
    rows = list(filing.filed_documents(request.user, heading)[:1000])
    return _out(heading) | {
        "documents": len(rows),
        "filed": [
            {
                "id": d.pk,
                "direction": d.direction,
                "number": d.number_text,
                "incoming_number": d.incoming_number,
                "subject": d.subject,
                "doc_type": d.doc_type.abbreviation,
            }
            for d in rows
        ],
    }


@router.get(
    "", response={200: FileHeadingList, **ERRORS}, summary="Danh mục hồ sơ của một đơn vị trong một năm"
)
def list_headings(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    org = _unit(request, query.org)
    rows = [_out(h) for h in filing.headings(request.user, org=org, year=query.year).select_related("org")]
    return {"count": len(rows), "results": rows}


@router.post("", response={201: FileHeadingOut, **ERRORS}, summary="Thêm hồ sơ vào danh mục hồ sơ")
def create_heading(request: HttpRequest, payload: FileHeadingIn) -> Status[dict[str, Any]]:
    org = _unit(request, payload.org)
    heading = filing.file_heading_create(actor=request.user, org=org, **payload.model_dump(exclude={"org"}))
    return Status(201, _out(_load(request, heading.pk)))


@router.post(
    "/copy", response={200: CopyOut, **ERRORS}, summary="Sao chép danh mục hồ sơ của một năm sang năm khác"
)
def copy_year(request: HttpRequest, payload: CopyIn) -> dict[str, Any]:
    org = _unit(request, payload.org)
    added = filing.file_heading_copy_year(
        actor=request.user, org=org, from_year=payload.from_year, to_year=payload.to_year
    )
    return {"added": added}


@router.get(
    "/export",
    response={200: None, **ERRORS},
    summary="Danh mục hồ sơ để in (.xlsx hoặc PDF); được ghi nhật ký",
)
def export_list(request: HttpRequest, query: Query[ExportQuery]) -> HttpResponse:
    org = _unit(request, query.org)
    name, content, content_type = filing.file_list_export(
        actor=request.user, org=org, year=query.year, format=query.format
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get(
    "/{heading_id}", response={200: FileHeadingDetail, **ERRORS}, summary="Một hồ sơ và các văn bản trong đó"
)
def get_heading(request: HttpRequest, heading_id: int) -> dict[str, Any]:
    return _detail(request, heading_id)


@router.patch(
    "/{heading_id}", response={200: FileHeadingDetail, **ERRORS}, summary="Sửa hồ sơ trong danh mục"
)
def update_heading(request: HttpRequest, heading_id: int, payload: FileHeadingPatch) -> dict[str, Any]:
    heading = _load(request, heading_id)
    filing.file_heading_update(
        actor=request.user, heading=heading, changes=payload.model_dump(exclude_unset=True)
    )
    return _detail(request, heading_id)


@router.delete(
    "/{heading_id}", response={204: None, **ERRORS}, summary="Xóa hồ sơ (chưa có văn bản) khỏi danh mục"
)
def delete_heading(request: HttpRequest, heading_id: int) -> Status[None]:
    filing.file_heading_delete(actor=request.user, heading=_load(request, heading_id))
    return Status(204, None)
