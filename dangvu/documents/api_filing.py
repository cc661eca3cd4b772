"""The list of files (danh mục hồ sơ) in the JSON API, mounted at ``/api/v1/documents/files``: a unit's
files of a year, one file with its documents, add, change, remove, copy a year's list, the printable
list. The same services and reads as the pages (``dangvu.documents.filing``)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, Field

from dangvu.api.schemas import ERRORS
from dangvu.core.dates import IsoDate
from dangvu.documents import archive, filing
from dangvu.documents.models import ArchiveHandover, FileHeading, RetentionPeriod
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
    retention_period: int | None = Field(description="Nhóm tài liệu trong bảng thời hạn bảo quản mẫu (id)")
    state: Literal["open", "closed", "handed_over"] = Field(
        description="open: đang lập; closed: đã kết thúc; handed_over: đã nộp lưu trữ cơ quan"
    )
    closed_on: date | None
    started_on: date | None
    page_count: int | None = Field(description="Số tờ khi kết thúc")
    document_count: int | None = Field(description="Số văn bản khi kết thúc")
    handover: int | None = Field(description="Biên bản giao nộp (id)")
    handover_due: date | None = Field(description="Hạn nộp lưu (hồ sơ đã kết thúc, chưa nộp)")
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
    retention_years: int | None = Field(
        None,
        ge=1,
        le=RETENTION_MAX_YEARS,
        description=RETENTION_HELP + "; bỏ hẳn trường này: lấy theo retention_period",
    )
    retention_period: int | None = Field(
        None, description="Nhóm tài liệu trong bảng thời hạn bảo quản mẫu (id): đề xuất thời hạn bảo quản"
    )
    section: str = Field("", max_length=200, description="Đề mục")
    keeper: str = Field("", max_length=200, description="Đơn vị, người lập hồ sơ")
    note: str = Field("", max_length=500)
    legal_basis: str = Field("", max_length=200)


class FileHeadingPatch(Schema):
    year: int | None = Field(None, ge=1930, le=2100)
    code: str | None = Field(None, min_length=1, max_length=40)
    title: str | None = Field(None, min_length=1, max_length=300)
    retention_years: int | None = Field(None, ge=1, le=RETENTION_MAX_YEARS, description=RETENTION_HELP)
    retention_period: int | None = Field(None, description="Nhóm tài liệu (id)")
    section: str | None = Field(None, max_length=200)
    keeper: str | None = Field(None, max_length=200)
    note: str | None = Field(None, max_length=500)
    legal_basis: str | None = Field(None, max_length=200)


class RetentionPeriodOut(BaseModel):
    id: int
    code: str
    group: str
    title: str
    retention_years: int | None = Field(description=RETENTION_HELP)
    retention: str
    legal_basis: str
    confirmed: bool = Field(description="false: giá trị mặc định chưa đối chiếu văn bản gốc")


class CloseIn(Schema):
    closed_on: IsoDate = Field(description="Ngày kết thúc hồ sơ")
    page_count: int = Field(ge=0, le=archive.MAX_SHEETS, description="Số tờ")
    document_count: int | None = Field(
        None, ge=0, le=archive.MAX_SHEETS, description="Số văn bản; bỏ trống: số văn bản đã lập vào hồ sơ"
    )
    started_on: IsoDate | None = Field(None, description="Ngày bắt đầu; bỏ trống: ngày văn bản sớm nhất")
    keeper: str = Field("", max_length=200, description="Người lập hồ sơ")


class ReopenIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


class HandoverIn(Schema):
    org: int
    files: list[int] = Field(min_length=1, max_length=1000, description="Hồ sơ đã kết thúc (id)")
    handed_on: IsoDate
    delivered_by: str = Field(min_length=1, max_length=200, description="Người giao")
    received_by: str = Field(min_length=1, max_length=200, description="Người nhận (lưu trữ cơ quan)")
    archive_name: str = Field("", max_length=200)
    note: str = Field("", max_length=500)


class HandoverOut(BaseModel):
    id: int
    org: int
    number: int
    year: int
    handed_on: date
    delivered_by: str
    received_by: str
    archive_name: str
    note: str
    files: list[FileHeadingOut]


class HandoverList(BaseModel):
    count: int
    results: list[HandoverOut]


class AwaitingQuery(Schema):
    org: int | None = Field(None, description="Đơn vị (id); để trống: đơn vị của người gọi")


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
        "retention_period": heading.retention_period_id,
        "state": "handed_over" if heading.handover_id else "closed" if heading.closed_on else "open",
        "closed_on": heading.closed_on,
        "started_on": heading.started_on,
        "page_count": heading.page_count,
        "document_count": heading.document_count,
        "handover": heading.handover_id,
        "handover_due": archive.handover_due(heading.closed_on)
        if heading.closed_on and not heading.handover_id
        else None,
        "documents": getattr(heading, "filed", 0),
    }


def _period(period_id: int | None) -> RetentionPeriod | None:
    if period_id is None:
        return None
    period = RetentionPeriod.objects.filter(pk=period_id, active=True).first()
    if period is None:
        raise ValidationError({"retention_period": "Không tìm thấy nhóm tài liệu."})
    return period


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
    values = payload.model_dump(exclude={"org", "retention_period"})
    if "retention_years" not in payload.model_fields_set:
        values["retention_years"] = filing.FROM_PERIOD
    heading = filing.file_heading_create(
        actor=request.user, org=org, retention_period=_period(payload.retention_period), **values
    )
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
    "/retention-periods",
    response={200: list[RetentionPeriodOut], **ERRORS},
    summary="Bảng thời hạn bảo quản mẫu (nhóm tài liệu và thời hạn đề xuất)",
)
def retention_periods(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": p.pk,
            "code": p.code,
            "group": p.group,
            "title": p.title,
            "retention_years": p.retention_years,
            "retention": p.retention_label,
            "legal_basis": p.legal_basis,
            "confirmed": p.confirmed,
        }
        for p in RetentionPeriod.objects.filter(active=True)
    ]


def _handover_out(record: ArchiveHandover) -> dict[str, Any]:
    return {
        "id": record.pk,
        "org": record.org_id,
        "number": record.number,
        "year": record.year,
        "handed_on": record.handed_on,
        "delivered_by": record.delivered_by,
        "received_by": record.received_by,
        "archive_name": record.archive_name,
        "note": record.note,
        "files": [_out(h) for h in archive.handover_files(record).select_related("org")],
    }


def _record(request: HttpRequest, record_id: int) -> ArchiveHandover:
    return get_object_or_404(
        ArchiveHandover.objects.visible_to(request.user).select_related("org"), pk=record_id
    )


@router.get(
    "/handovers",
    response={200: HandoverList, **ERRORS},
    summary="Biên bản giao nộp hồ sơ vào lưu trữ cơ quan của một đơn vị",
)
def list_handovers(request: HttpRequest, query: Query[AwaitingQuery]) -> dict[str, Any]:
    org = _unit(request, query.org)
    rows = [_handover_out(r) for r in archive.handovers(request.user, org=org)[:200]]
    return {"count": len(rows), "results": rows}


@router.get(
    "/handovers/awaiting",
    response={200: FileHeadingList, **ERRORS},
    summary="Hồ sơ đã kết thúc, chưa nộp lưu (với hạn nộp lưu)",
)
def list_awaiting(request: HttpRequest, query: Query[AwaitingQuery]) -> dict[str, Any]:
    org = _unit(request, query.org)
    rows = [_out(h) for h in archive.awaiting_handover(request.user, org=org)]
    return {"count": len(rows), "results": rows}


@router.post(
    "/handovers",
    response={201: HandoverOut, **ERRORS},
    summary="Lập biên bản giao nộp hồ sơ đã kết thúc vào lưu trữ cơ quan",
)
def create_handover(request: HttpRequest, payload: HandoverIn) -> Status[dict[str, Any]]:
    org = _unit(request, payload.org)
    headings = list(FileHeading.objects.visible_to(request.user).filter(pk__in=payload.files))
    if len(headings) != len(set(payload.files)):
        raise ValidationError({"files": "Có hồ sơ không tồn tại."})
    record = archive.archive_handover_create(
        actor=request.user, org=org, headings=headings, **payload.model_dump(exclude={"org", "files"})
    )
    return Status(201, _handover_out(_record(request, record.pk)))


@router.get("/handovers/{record_id}", response={200: HandoverOut, **ERRORS}, summary="Một biên bản giao nộp")
def get_handover(request: HttpRequest, record_id: int) -> dict[str, Any]:
    return _handover_out(_record(request, record_id))


@router.get(
    "/handovers/{record_id}/pdf",
    response={200: None, **ERRORS},
    summary="Biên bản giao nộp để in (PDF); được ghi nhật ký",
)
def handover_pdf(request: HttpRequest, record_id: int) -> HttpResponse:
    name, content = archive.handover_export(actor=request.user, record=_record(request, record_id))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.post("/{heading_id}/close", response={200: FileHeadingDetail, **ERRORS}, summary="Kết thúc hồ sơ")
def close_heading(request: HttpRequest, heading_id: int, payload: CloseIn) -> dict[str, Any]:
    archive.file_heading_close(actor=request.user, heading=_load(request, heading_id), **payload.model_dump())
    return _detail(request, heading_id)


@router.post(
    "/{heading_id}/reopen",
    response={200: FileHeadingDetail, **ERRORS},
    summary="Mở lại hồ sơ đã kết thúc (có lý do)",
)
def reopen_heading(request: HttpRequest, heading_id: int, payload: ReopenIn) -> dict[str, Any]:
    archive.file_heading_reopen(actor=request.user, heading=_load(request, heading_id), reason=payload.reason)
    return _detail(request, heading_id)


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
    changes = payload.model_dump(exclude_unset=True)
    if "retention_period" in changes:
        changes["retention_period"] = _period(changes["retention_period"])
    filing.file_heading_update(actor=request.user, heading=heading, changes=changes)
    return _detail(request, heading_id)


@router.delete(
    "/{heading_id}", response={204: None, **ERRORS}, summary="Xóa hồ sơ (chưa có văn bản) khỏi danh mục"
)
def delete_heading(request: HttpRequest, heading_id: int) -> Status[None]:
    filing.file_heading_delete(actor=request.user, heading=_load(request, heading_id))
    return Status(204, None)
