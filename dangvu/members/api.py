"""Members in the JSON API: list, file, create, correct, lifecycle verbs, party age, import, statistics."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel, Field

from dangvu.accounts.permissions import require_perm, scope_for
from dangvu.api.schemas import ERRORS
from dangvu.api.workflows import add_workflow_operations
from dangvu.core.dates import DateError, parse_partial
from dangvu.members import selectors, services
from dangvu.members.milestones import party_age, probation_ends_on, recognition_due_on
from dangvu.members.models import Ethnicity, Member, Religion
from dangvu.members.selectors import COUNT_CAP
from dangvu.members.workflow import LIFECYCLE
from dangvu.orgs.models import Org

router = Router(tags=["members"])


class MemberRow(BaseModel):
    id: int
    full_name: str
    sex: str
    birth_date: str | None
    status: str
    org: int
    org_name: str
    cccd: str = Field(description="Masked in lists: only the last 4 digits")


class MemberList(BaseModel):
    count: int = Field(
        description=(
            "Tổng số bản ghi khớp: chính xác khi count_exact là true; nếu không, là cận dưới "
            f"(danh sách có hơn {COUNT_CAP:,} bản ghi — lọc hẹp hơn để biết chính xác)."
        )
    )
    count_exact: bool = Field(description="count là số chính xác (true) hay cận dưới (false)")
    results: list[MemberRow]


class MemberDetail(BaseModel):
    id: int
    full_name: str
    other_names: str
    sex: str
    birth_date: str | None
    birth_place: str
    hometown: str
    permanent_address: str
    current_address: str
    ethnicity: str | None
    religion: str | None
    cccd: str | None
    phone: str
    email: str
    general_education: str
    professional_degree: str
    political_theory: str
    state_management: str
    foreign_languages: str
    occupation: str
    work_unit: str
    position: str
    org: int
    org_name: str
    status: str
    admitted_on: date | None
    ceremony_on: date | None
    recognized_on: date | None
    first_admitted_on: date | None
    readmitted_on: date | None
    card_admitted_on: date | None
    probation_ends_on: date | None
    recognition_due_on: date | None
    card_number: str | None
    file_number: str | None
    introducers: str
    party_age: dict[str, int] | None


class PartyAgeOut(BaseModel):
    years: int
    months: int
    days: int


class MemberFilters(Schema):
    q: str | None = Field(
        None, max_length=200, description="Tên (không phân biệt dấu) hoặc số CCCD/thẻ/lý lịch"
    )
    match: Literal["word", "substring"] = Field(
        "word",
        description="word: mỗi từ gõ vào là đầu một từ trong tên; substring: xuất hiện ở bất kỳ đâu trong tên",
    )
    org: int | None = Field(None, description="Đơn vị; gồm cả các đơn vị cấp dưới")
    status: str | None = Field(None, max_length=20)
    sex: Literal["male", "female"] | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


_TEXT_FIELDS = (
    "other_names",
    "birth_place",
    "hometown",
    "permanent_address",
    "current_address",
    "phone",
    "email",
    "general_education",
    "professional_degree",
    "political_theory",
    "state_management",
    "foreign_languages",
    "occupation",
    "work_unit",
    "position",
    "introducers",
    "file_number",
    "notes",
)


class MemberFields(Schema):
    """Fields a client may send when creating or correcting a member file."""

    full_name: str | None = Field(None, min_length=1, max_length=150)
    sex: Literal["male", "female"] | None = None
    birth_date: str | None = Field(None, description="YYYY-MM-DD, or YYYY-MM / YYYY when only partly known")
    cccd: str | None = Field(
        None,
        max_length=12,
        description="Số định danh cá nhân (12 chữ số, in trên thẻ căn cước/CCCD; Luật Căn cước 2023)",
    )
    admitted_on: date | None = None
    card_admitted_on: date | None = Field(
        None, description="Ngày vào Đảng ghi trên thẻ: tính tuổi đảng khi không có ngày quyết định kết nạp"
    )
    ceremony_on: date | None = None
    recognized_on: date | None = None
    ethnicity: str | None = Field(None, description="Tên hoặc mã dân tộc")
    religion: str | None = Field(None, description="Tên hoặc mã tôn giáo")
    other_names: str | None = None
    birth_place: str | None = None
    hometown: str | None = None
    permanent_address: str | None = None
    current_address: str | None = None
    phone: str | None = None
    email: str | None = None
    general_education: str | None = None
    professional_degree: str | None = None
    political_theory: str | None = None
    state_management: str | None = None
    foreign_languages: str | None = None
    occupation: str | None = None
    work_unit: str | None = None
    position: str | None = None
    introducers: str | None = None
    file_number: str | None = None
    notes: str | None = None


class MemberCreate(MemberFields):
    full_name: str = Field(min_length=1, max_length=150)
    sex: Literal["male", "female"]
    org: int
    status: Literal["probationary", "official"] = "official"


def _reference(model: Any, value: str | None, field: str) -> Any:
    if value in (None, ""):
        return None
    found = selectors.reference(model, value)
    if found is None:
        raise ValidationError({field: f"Không có “{value}” trong danh mục."})
    return found


def _field_values(data: dict[str, Any]) -> dict[str, Any]:
    """Turn API input into model values (partial birth date, reference lists)."""
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key == "birth_date":
            try:
                parsed = parse_partial(value)
            except DateError as error:
                raise ValidationError({"birth_date": str(error)}) from error
            values["birth_date"], values["birth_date_precision"] = parsed if parsed else (None, "day")
        elif key == "ethnicity":
            values["ethnicity"] = _reference(Ethnicity, value, "ethnicity")
        elif key == "religion":
            values["religion"] = _reference(Religion, value, "religion")
        elif key in _TEXT_FIELDS:
            values[key] = value or ""
        else:
            values[key] = value
    for key in ("cccd", "file_number"):
        if key in values:
            values[key] = values[key] or None
    return values


def _row(member: Member) -> dict[str, Any]:
    return {
        "id": member.pk,
        "full_name": member.full_name,
        "sex": member.sex,
        "birth_date": member.birth_date_iso(),
        "status": member.status,
        "org": member.org_id,
        "org_name": member.org.name,
        "cccd": member.masked_cccd,
    }


def _detail(member: Member) -> dict[str, Any]:
    age = party_age(member, timezone.localdate())
    return {
        **{field: getattr(member, field) for field in MemberDetail.model_fields if hasattr(member, field)},
        "birth_date": member.birth_date_iso(),
        "ethnicity": member.ethnicity.name if member.ethnicity else None,
        "religion": member.religion.name if member.religion else None,
        "org": member.org_id,
        "org_name": member.org.name,
        "probation_ends_on": probation_ends_on(member),
        "recognition_due_on": recognition_due_on(member) if member.status == "probationary" else None,
        "party_age": age.as_dict() if age else None,
    }


def _member_for(request: HttpRequest, member_id: int) -> Member:
    return get_object_or_404(
        Member.objects.visible_to(request.user).select_related("org", "ethnicity", "religion"), pk=member_id
    )


@router.get(
    "",
    response={200: MemberList, **ERRORS},
    summary="Danh sách đảng viên (tìm không dấu, lọc theo đơn vị và cấp dưới)",
)
def list_members(request: HttpRequest, filters: Query[MemberFilters]) -> dict[str, Any]:
    org = None
    if filters.org is not None:
        org = get_object_or_404(Org.objects.visible_to(request.user, "members.view"), pk=filters.org)
    criteria = selectors.MemberFilter(
        q=filters.q or "",
        substring=filters.match == "substring",
        org=org,
        status=filters.status or "",
        sex=filters.sex or "",
    )
    rows = selectors.members(request.user, criteria)
    total = selectors.total(request.user, criteria, rows)
    results = selectors.page(rows, filters.offset, filters.limit)
    return {"count": total.value, "count_exact": total.exact, "results": [_row(m) for m in results]}


# Registered before the /{member_id} routes so that “import” is not taken for an id.
@router.post(
    "/import",
    response={200: dict[str, Any], **ERRORS},
    summary="Nhập đảng viên từ Excel/CSV (dry_run: chỉ kiểm tra)",
)
def import_members(
    request: HttpRequest,
    file: File[UploadedFile],
    org: int,
    dry_run: bool = True,
    mode: Literal["all", "valid"] = "all",
) -> dict[str, Any]:
    from dangvu.members.importer import ImportError_, run_import

    target = (
        Org.objects.visible_to(request.user, "members.manage")
        .filter(pk=org)
        .select_related("org_type")
        .first()
    )
    if target is None:
        raise ValidationError({"org": "Không tìm thấy đơn vị bạn được quyền nhập đảng viên."})
    try:
        report = run_import(actor=request.user, org=target, upload=file, dry_run=dry_run, mode=mode)
    except ImportError_ as error:
        raise ValidationError({"file": str(error)}) from error
    return report.as_dict()


@router.get(
    "/{member_id}",
    response={200: MemberDetail, **ERRORS},
    summary="Hồ sơ một đảng viên (mỗi lần xem được ghi nhật ký)",
)
def get_member(request: HttpRequest, member_id: int) -> dict[str, Any]:
    return _detail(selectors.open_file(request.user, member_id))


@router.post("", response={201: MemberDetail, **ERRORS}, summary="Nhập hồ sơ một đảng viên")
def create_member(request: HttpRequest, payload: MemberCreate) -> Status[dict[str, Any]]:
    data = payload.model_dump(exclude_unset=True)
    # A unit the user cannot see is "not found"; one they see but may not manage is refused (403) by the service.
    org = Org.objects.visible_to(request.user).filter(pk=data.pop("org")).select_related("org_type").first()
    if org is None:
        raise ValidationError({"org": "Không tìm thấy đơn vị."})
    values = _field_values(data)
    member = services.member_create(actor=request.user, org=org, **values)
    return Status(
        201, _detail(Member.objects.select_related("org", "ethnicity", "religion").get(pk=member.pk))
    )


@router.patch("/{member_id}", response={200: MemberDetail, **ERRORS}, summary="Sửa hồ sơ đảng viên")
def update_member(request: HttpRequest, member_id: int, payload: MemberFields) -> dict[str, Any]:
    member = _member_for(request, member_id)
    services.member_update(
        actor=request.user, member=member, changes=_field_values(payload.model_dump(exclude_unset=True))
    )
    return _detail(_member_for(request, member_id))


@router.get("/{member_id}/party-age", response={200: PartyAgeOut, **ERRORS}, summary="Tuổi đảng vào một ngày")
def get_party_age(request: HttpRequest, member_id: int, on: date | None = None) -> dict[str, int]:
    member = _member_for(request, member_id)
    age = party_age(member, on or timezone.localdate())
    if age is None:
        raise ValidationError(
            {"on": "Chưa có tuổi đảng vào ngày này (chưa kết nạp hoặc thiếu ngày quyết định kết nạp)."}
        )
    return age.as_dict()


# --- Lifecycle verbs: generated from the workflow registry (dangvu.members.workflow) ---------------


def _done(request: HttpRequest, member_id: int) -> dict[str, Any]:
    return _detail(_member_for(request, member_id))


VERB_PATHS = add_workflow_operations(
    router,
    LIFECYCLE,
    object_param="member_id",
    load=_member_for,
    respond=_done,
    response={200: MemberDetail, **ERRORS},
)


# Operations on a unit that the members module answers (mounted under /api/v1/orgs by the description).
org_router = Router(tags=["members"])


@org_router.get(
    "/{org_id}/member-stats",
    response={200: dict[str, Any], **ERRORS},
    summary="Thống kê đảng viên của đơn vị và cấp dưới",
)
def member_stats(
    request: HttpRequest, org_id: int, period_from: date | None = None, period_to: date | None = None
) -> dict[str, Any]:
    from dangvu.members.stats import member_stats as compute

    org = get_object_or_404(Org.objects.visible_to(request.user), pk=org_id)
    require_perm(request.user, "members.stats", org)
    today = timezone.localdate()
    subtree = scope_for(request.user, "members.stats").covers_subtree(org)
    return compute(org, period_from or date(today.year, 1, 1), period_to or today, subtree=subtree)
