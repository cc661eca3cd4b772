"""Documents in the JSON API: register incoming, draft outgoing, the verbs (generated from the
workflow), the list with search, one document, its file, and the recipients' status feedback."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel, Field

from dangvu.api.schemas import ERRORS
from dangvu.api.workflows import add_workflow_operations
from dangvu.core.dates import IsoDate
from dangvu.core.uploads import max_upload_bytes, too_large_message
from dangvu.documents import printing, registers, selectors, services
from dangvu.documents.enums import DeliveryStatus, FileKind
from dangvu.documents.models import Delivery, Document, FileHeading
from dangvu.documents.rendering.docx import CONTENT_TYPE as DOCX
from dangvu.documents.workflow import DOCUMENTS
from dangvu.orgs.enums import OrgStatus
from dangvu.orgs.models import Org

router = Router(tags=["documents"])


class DeliveryOut(BaseModel):
    recipient: int
    recipient_name: str
    status: str = Field(
        description="Mã trạng thái edXML: 01 đã đến, 02 từ chối, 03 vào sổ, 04 giao, 05 xử lý, 06 xong"
    )
    status_label: str


class DocumentOut(BaseModel):
    id: int
    direction: Literal["incoming", "outgoing"]
    org: int = Field(description="Đơn vị có sổ văn bản này")
    org_name: str
    status: str
    doc_type: str = Field(description="Ký hiệu loại văn bản, ví dụ NQ")
    doc_type_name: str
    number: str = Field(description="Số, ký hiệu, ví dụ 12-NQ/TU (trống khi chưa cấp số)")
    number_value: int | None
    issued_on: date | None
    subject: str
    secrecy: str
    sender_name: str
    sender_org: int | None = Field(None, description="Đơn vị gửi trên hệ thống (id)")
    incoming_number: int | None
    received_on: date | None
    deadline: date | None
    files: list[str]
    ocr_status: str = Field(
        description="Nhận dạng chữ: pending, done, failed, off, hoặc trống (không có bản quét)"
    )
    ocr_proposals: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            "Đề xuất từ bản quét để văn thư kiểm tra (number_text, issued_on, sender_name, doc_type, place): "
            '{"value": …, "source": dòng trên bản quét}; dùng thao tác correct để ghi vào sổ'
        ),
    )
    deliveries: list[DeliveryOut]
    file_heading: int | None = Field(
        None, description="Hồ sơ (danh mục hồ sơ của đơn vị) mà văn bản được lập vào; null: chưa lập hồ sơ"
    )
    actions: list[str] = Field(description="Các thao tác người gọi được làm với văn bản lúc này")


class DocumentList(BaseModel):
    count: int = Field(
        description="Tổng số văn bản khớp: chính xác khi count_exact là true; nếu không, là cận dưới "
        "(danh sách có hơn 10.000 văn bản — lọc hẹp hơn để biết chính xác)."
    )
    count_exact: bool = Field(default=True, description="count là số chính xác (true) hay cận dưới (false)")
    results: list[DocumentOut]


class DocumentFilters(Schema):
    q: str | None = Field(
        None, max_length=200, description="Số ký hiệu (mọi cách viết) hoặc từ trong trích yếu, nội dung"
    )
    direction: Literal["incoming", "outgoing"] | None = None
    status: str | None = Field(None, max_length=16)
    doc_type: str | None = Field(None, max_length=20, description="Ký hiệu loại văn bản")
    secrecy: str | None = Field(None, max_length=10)
    org: int | None = Field(None, description="Đơn vị (gồm cấp dưới)")
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


class OutgoingIn(Schema):
    org: int = Field(description="Đơn vị ban hành (id)")
    doc_type: str = Field(max_length=20, description="Ký hiệu loại văn bản, ví dụ NQ")
    subject: str = Field(min_length=1, max_length=1000)
    body: str = Field("", max_length=200_000)
    recipients: list[int] = Field(default_factory=list, description="Đơn vị nhận trên hệ thống (id)")
    recipients_text: str = Field("", max_length=4000, description="Nơi nhận như in trên văn bản")
    secrecy: Literal["", "mat", "toi-mat", "tuyet-mat"] = ""
    urgency: Literal["", "khan", "thuong-khan", "hoa-toc"] = ""
    signer_title: str = Field("", max_length=120)
    signer_name: str = Field("", max_length=120)
    authority: str = Field("", max_length=120, description="T/M …, K/T …")


class IncomingIn(Schema):
    org: int = Field(description="Đơn vị vào sổ (id)")
    doc_type: str = Field(max_length=20)
    subject: str = Field(min_length=1, max_length=1000)
    sender_name: str = Field(
        "", max_length=255, description="Cơ quan gửi như trên văn bản; có thể bỏ trống khi có sender_org"
    )
    sender_org: int | None = Field(
        None, description="Đơn vị gửi trong danh bạ đơn vị (id), khi nơi gửi là một đơn vị trên hệ thống"
    )
    number: str = Field("", max_length=80, description="Số, ký hiệu như trên văn bản")
    issued_on: IsoDate | None = None
    received_on: IsoDate | None = None
    secrecy: Literal["", "mat", "toi-mat", "tuyet-mat"] = ""
    urgency: Literal["", "khan", "thuong-khan", "hoa-toc"] = ""
    pages: int | None = Field(None, ge=1, le=10_000)
    deadline: IsoDate | None = None


class FilingIn(Schema):
    file_heading: int | None = Field(
        description="Hồ sơ trong danh mục hồ sơ của đơn vị (id); null: rút văn bản khỏi hồ sơ"
    )


class StatusIn(Schema):
    status: Literal["01", "02", "03", "04", "05", "06"]
    note: str = Field("", max_length=300)


def _out(request: HttpRequest, document: Document) -> dict[str, Any]:
    deliveries = list(document.deliveries.select_related("recipient").exclude(status=""))
    labels = dict(DeliveryStatus.choices)
    return {
        "id": document.pk,
        "direction": document.direction,
        "org": document.registry_org_id,
        "org_name": document.registry_org.name,
        "status": document.status,
        "doc_type": document.doc_type.abbreviation,
        "doc_type_name": document.doc_type.name,
        "number": document.number_text,
        "number_value": document.number,
        "issued_on": document.issued_on,
        "subject": document.subject,
        "secrecy": document.secrecy,
        "urgency": document.urgency,
        "sender_name": document.sender_name,
        "sender_org": document.sender_org_id,
        "incoming_number": document.incoming_number,
        "received_on": document.received_on,
        "deadline": document.deadline,
        "files": sorted({f.kind for f in document.files.all()}),
        "ocr_status": document.ocr_status,
        "ocr_proposals": document.ocr_proposals or {},
        "deliveries": [
            {
                "recipient": d.recipient_id,
                "recipient_name": d.recipient.name,
                "status": d.status,
                "status_label": str(labels.get(d.status, "")),
            }
            for d in deliveries
        ],
        "file_heading": document.filed_in_id,
        "actions": [t.name for t in DOCUMENTS.available(request.user, document)],
    }


def _load(request: HttpRequest, document_id: int) -> Document:
    return get_object_or_404(
        Document.objects.visible_to(request.user).select_related("registry_org", "doc_type"), pk=document_id
    )


def _respond(request: HttpRequest, document_id: int) -> dict[str, Any]:
    return _out(request, _load(request, document_id))


@router.get(
    "",
    response={200: DocumentList, **ERRORS},
    summary="Danh sách văn bản (tìm theo số ký hiệu, trích yếu, nội dung)",
)
def list_documents(request: HttpRequest, filters: Query[DocumentFilters]) -> dict[str, Any]:
    org = None
    if filters.org is not None:
        org = get_object_or_404(Org.objects.visible_to(request.user, "documents.view"), pk=filters.org)
    criteria = selectors.DocumentFilter(
        q=filters.q or "",
        direction=filters.direction or "",
        status=filters.status or "",
        doc_type=filters.doc_type or "",
        secrecy=filters.secrecy or "",
        org=org,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    rows = selectors.documents(request.user, criteria)
    total = selectors.total(rows)
    page = list(rows.prefetch_related("files")[filters.offset : filters.offset + filters.limit])
    return {"count": total.value, "count_exact": total.exact, "results": [_out(request, d) for d in page]}


@router.post("/outgoing", response={201: DocumentOut, **ERRORS}, summary="Soạn văn bản đi (dự thảo)")
def create_outgoing(request: HttpRequest, payload: OutgoingIn) -> Status[dict[str, Any]]:
    org = Org.objects.visible_to(request.user, "documents.view").filter(pk=payload.org).first()
    if org is None:
        raise ValidationError({"org": "Không tìm thấy đơn vị."})
    recipients = list(Org.objects.filter(pk__in=payload.recipients[:500]))
    if len(recipients) != len(set(payload.recipients)):
        raise ValidationError({"recipients": "Có đơn vị nhận không tồn tại."})
    data = payload.model_dump(exclude={"org", "recipients"})
    document = services.document_draft(actor=request.user, org=org, recipients=recipients, **data)
    return Status(201, _respond(request, document.pk))


@router.post(
    "/incoming",
    response={201: DocumentOut, **ERRORS},
    summary="Vào sổ văn bản đến (tệp quét hoặc PDF đã ký + thông tin)",
)
def register_incoming(
    request: HttpRequest, metadata: Form[IncomingIn], file: File[UploadedFile | None] = None
) -> Status[dict[str, Any]]:
    org = Org.objects.visible_to(request.user, "documents.view").filter(pk=metadata.org).first()
    if org is None:
        raise ValidationError({"org": "Không tìm thấy đơn vị."})
    content = None
    if file is not None:
        if file.size is not None and file.size > max_upload_bytes():
            raise ValidationError({"file": too_large_message()})
        content = file.read(max_upload_bytes() + 1)
        if len(content) > max_upload_bytes():
            raise ValidationError({"file": too_large_message()})
    sender_org = None
    if metadata.sender_org is not None:
        sender_org = Org.objects.filter(pk=metadata.sender_org, status=OrgStatus.ACTIVE).first()
        if sender_org is None:
            raise ValidationError({"sender_org": "Không tìm thấy đơn vị gửi."})
    data = metadata.model_dump(exclude={"org", "number", "sender_org"})
    document = services.document_register_incoming(
        actor=request.user,
        org=org,
        sender_org=sender_org,
        number_text=metadata.number,
        file_name=(file.name or "")[:255] if file is not None else "",
        content=content,
        **data,
    )
    return Status(201, _respond(request, document.pk))


class RegisterQuery(Schema):
    direction: Literal["incoming", "outgoing"] = Field(
        description="incoming: sổ văn bản đến; outgoing: sổ văn bản đi"
    )
    year: int = Field(ge=1930, le=2100)
    format: Literal["xlsx", "pdf"] = "xlsx"
    org: int | None = Field(
        None, description="Đơn vị có sổ (id); để trống: đơn vị của người gọi (gốc phạm vi được xem)"
    )


@router.get(
    "/register",
    response={200: None, **ERRORS},
    summary="Sổ đăng ký văn bản đến/đi của một đơn vị trong một năm (.xlsx hoặc PDF); được ghi nhật ký",
)
def get_register(request: HttpRequest, query: Query[RegisterQuery]) -> HttpResponse:
    units = Org.objects.visible_to(request.user, "documents.view")
    if query.org is not None:
        org = get_object_or_404(units, pk=query.org)
    else:
        # The caller's own unit when their scope is one subtree (a clerk's commune and its cells).
        top = units.order_by("path").first()
        if top is None or units.exclude(path__startswith=top.path).exists():
            raise ValidationError({"org": "Cần chọn đơn vị có sổ (org)."})
        org = top
    name, content, content_type = registers.register_export(
        actor=request.user, org=org, direction=query.direction, year=query.year, format=query.format
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/{int:document_id}", response={200: DocumentOut, **ERRORS}, summary="Một văn bản")
def get_document(request: HttpRequest, document_id: int) -> dict[str, Any]:
    return _respond(request, document_id)


@router.get(
    "/{document_id}/file",
    response={200: None, **ERRORS},
    summary="Tệp của văn bản (bản ban hành đã ký, hoặc bản gốc của văn bản đến); mỗi lần tải được ghi nhật ký",
)
def get_file(request: HttpRequest, document_id: int, kind: str | None = None) -> HttpResponse:
    document = _load(request, document_id)
    if kind is None:
        kinds = {f.kind for f in document.files.all()}
        kind = next((k for k in (FileKind.ISSUED, FileKind.SIGNED, FileKind.ORIGINAL) if k in kinds), None)
    elif kind not in FileKind.values:
        raise ValidationError({"kind": "Loại tệp không hợp lệ."})
    record, content = services.open_file(actor=request.user, document=document, kind=kind)
    response = HttpResponse(content, content_type=record.content_type)
    response["Content-Disposition"] = f'attachment; filename="{record.name}"'
    return response


@router.get(
    "/{document_id}/docx",
    response={200: None, **ERRORS},
    summary="Văn bản đi dạng Word (.docx) theo thể thức của Đảng, để chỉnh sửa; mỗi lần tải được ghi nhật ký",
)
def get_docx(request: HttpRequest, document_id: int) -> HttpResponse:
    name, content = printing.draft_docx(actor=request.user, document=_load(request, document_id))
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.post(
    "/{document_id}/filing",
    response={200: DocumentOut, **ERRORS},
    summary="Lập hồ sơ: đưa văn bản vào một hồ sơ của danh mục hồ sơ đơn vị (hoặc rút ra)",
)
def file_document(request: HttpRequest, document_id: int, payload: FilingIn) -> dict[str, Any]:
    document = _load(request, document_id)
    heading = None
    if payload.file_heading is not None:
        heading = get_object_or_404(FileHeading.objects.visible_to(request.user), pk=payload.file_heading)
    services.document_file(actor=request.user, document=document, heading=heading)
    return _respond(request, document_id)


@router.post(
    "/{document_id}/deliveries/{unit}/status",
    response={200: DeliveryOut, **ERRORS},
    summary="Đơn vị nhận báo trạng thái xử lý văn bản (mã edXML 01–06)",
)
def delivery_status(request: HttpRequest, document_id: int, unit: int, payload: StatusIn) -> dict[str, Any]:
    recipient = get_object_or_404(Org.objects.visible_to(request.user, "documents.register"), pk=unit)
    delivery = get_object_or_404(
        Delivery.objects.select_related("recipient"), document_id=document_id, recipient=recipient
    )
    delivery = services.delivery_report(
        actor=request.user, delivery=delivery, status=payload.status, note=payload.note
    )
    return {
        "recipient": delivery.recipient_id,
        "recipient_name": delivery.recipient.name,
        "status": delivery.status,
        "status_label": str(dict(DeliveryStatus.choices)[delivery.status]),
    }


class SignPrepareIn(Schema):
    certificate: str = Field(
        min_length=1,
        max_length=65_536,
        description="Chứng thư số của người ký (PEM), tiếp theo là các chứng thư trung gian",
    )
    position: str = Field("", max_length=120, description="Chức vụ ghi dưới chữ ký")


class SignerRequirements(BaseModel):
    certificate_sha256: str = Field(description="SHA-256 của chứng thư phải dùng để ký")
    holder: str = Field(description="Người được cấp chứng thư (phải là người ký)")
    key_usage: list[str]
    algorithms: list[str] = Field(description="Cơ chế ký được chấp nhận")
    trust_roots_sha256: list[str] = Field(description="Chứng thư gốc được tin cậy (SHA-256)")


class SignPrepareOut(BaseModel):
    session: str = Field(description="Mã phiên ký: gửi lại khi hoàn tất")
    expires_at: datetime
    algorithm: Literal["sha256"]
    mechanism: str
    data: str = Field(description="Base64: các thuộc tính ký (DER) — ký lên chính các byte này")
    digest: str = Field(description="Base64: SHA-256 của data, cho thiết bị chỉ ký giá trị băm")
    document_digest: str = Field(
        description="Base64: SHA-256 của phần văn bản được ký, cho bộ ký tự lập gói CMS (messageDigest)"
    )
    requirements: SignerRequirements


class SignCompleteIn(Schema):
    session: UUID
    signature: str = Field(
        min_length=1,
        max_length=200_000,
        description="Base64: giá trị chữ ký trên data, hoặc gói CMS SignedData (DER) trên document_digest",
    )
    certificate: str = Field("", max_length=65_536, description="Chứng thư đã dùng để ký (PEM), nếu có")


@router.post(
    "/{document_id}/sign/prepare",
    response={200: SignPrepareOut, **ERRORS},
    summary="Ký số bằng thiết bị của người ký (USB token), bước 1: máy chủ chuẩn bị văn bản và giá trị cần ký",
)
def sign_prepare(request: HttpRequest, document_id: int, payload: SignPrepareIn) -> dict[str, Any]:
    from dangvu.signing.external import signer_request

    pending = services.document_sign_prepare(
        actor=request.user,
        document=_load(request, document_id),
        certificates_pem=payload.certificate.encode(),
        position=payload.position,
    )
    return signer_request(pending)


@router.post(
    "/{document_id}/sign/complete",
    response={200: DocumentOut, **ERRORS},
    summary="Ký số bằng thiết bị của người ký, bước 2: gửi chữ ký về; máy chủ gắn vào văn bản và kiểm tra",
)
def sign_complete(request: HttpRequest, document_id: int, payload: SignCompleteIn) -> dict[str, Any]:
    try:
        signature = base64.b64decode(payload.signature, validate=True)
    except (ValueError, binascii.Error) as error:
        raise ValidationError({"signature": "Chữ ký không đúng định dạng base64."}) from error
    services.document_sign_complete(
        actor=request.user,
        document=_load(request, document_id),
        session=payload.session,
        signature=signature,
        certificate_pem=payload.certificate.encode() or None,
    )
    return _respond(request, document_id)


VERB_PATHS = add_workflow_operations(
    router,
    DOCUMENTS,
    object_param="document_id",
    load=_load,
    respond=_respond,
    response={200: DocumentOut, **ERRORS},
)
