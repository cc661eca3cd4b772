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
from dangvu.core.dates import DateError, IsoDate, parse_partial
from dangvu.members import selectors, services
from dangvu.members.clocks import member_clocks
from dangvu.members.milestones import party_age, probation_ends_on, recognition_due_on
from dangvu.members.models import Ethnicity, Member, Religion
from dangvu.members.models.member import birth_date_iso, masked_cccd
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
            f"(danh sách có hơn {COUNT_CAP:,} bản ghi; với một từ rất phổ biến trong một đơn vị lớn, "
            "cận dưới có thể là một số tròn nhỏ hơn như 1.000 hoặc 100 — lọc hẹp hơn để biết chính xác)."
        )
    )
    count_exact: bool = Field(description="count là số chính xác (true) hay cận dưới (false)")
    results: list[MemberRow]


class ClockOut(BaseModel):
    key: Literal["admission_decision", "ceremony", "recognition_consider", "recognition_decision"] = Field(
        description=(
            "admission_decision: cấp có thẩm quyền quyết định kết nạp (60 ngày làm việc từ nghị quyết chi bộ); "
            "ceremony: lễ kết nạp (30 ngày làm việc từ ngày nhận quyết định); recognition_consider: chi bộ "
            "xét công nhận (30 ngày làm việc sau khi hết 12 tháng dự bị, không gia hạn); recognition_decision: "
            "cấp có thẩm quyền quyết định công nhận (30 ngày làm việc từ nghị quyết chi bộ)"
        )
    )
    label: str
    starts_on: date = Field(description="Ngày bắt đầu tính (không tính ngày này)")
    working_days: int = Field(description="Thời hạn theo quy định đang áp dụng (ngày làm việc)")
    extension_days: int = Field(description="Số ngày làm việc đã gia hạn (một lần)")
    extension_max: int | None = Field(description="Gia hạn tối đa; null: thời hạn không được gia hạn")
    extendable: bool
    due_on: date = Field(description="Ngày cuối của thời hạn (kể cả gia hạn), theo lịch ngày làm việc")
    met_on: date | None = Field(description="Ngày việc được thực hiện; null: đang chờ")
    late: bool = Field(
        description="Quá hạn: thực hiện sau due_on, hoặc chưa thực hiện và hôm nay đã qua due_on"
    )
    provisional: bool = Field(description="due_on rơi vào năm Chính phủ chưa công bố lịch nghỉ (tạm tính)")


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
    admission_resolution_on: date | None = Field(description="Ngày nghị quyết chi bộ đề nghị kết nạp")
    admission_extension_days: int = Field(description="Gia hạn thời hạn quyết định kết nạp (ngày làm việc)")
    decision_received_on: date | None = Field(description="Ngày chi bộ nhận quyết định kết nạp")
    late_ceremony_agreement: str = Field(description="Ý kiến đồng ý của cấp ủy cấp trên cho lễ kết nạp muộn")
    over_age_approval: str = Field(
        description="Ý kiến cấp ủy trực thuộc Trung ương (kết nạp người trên 60 tuổi)"
    )
    recognition_resolution_on: date | None = Field(
        description="Ngày nghị quyết chi bộ đề nghị công nhận chính thức"
    )
    recognition_extension_days: int = Field(
        description="Gia hạn thời hạn cấp có thẩm quyền quyết định công nhận (ngày làm việc)"
    )
    recognition_decided_on: date | None = Field(
        description="Ngày quyết định công nhận chính thức (đảng viên chính thức từ recognized_on)"
    )
    clocks: list[ClockOut] = Field(
        description="Các thời hạn kết nạp và công nhận tính được từ hồ sơ, theo thứ tự thủ tục"
    )
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
    admitted_on: IsoDate | None = None
    card_admitted_on: IsoDate | None = Field(
        None, description="Ngày vào Đảng ghi trên thẻ: tính tuổi đảng khi không có ngày quyết định kết nạp"
    )
    ceremony_on: IsoDate | None = None
    recognized_on: IsoDate | None = None
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


# The columns a list row shows (``selectors.page_values``).
ROW_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "birth_date_precision",
    "status",
    "org_id",
    "org__name",
    "cccd",
)


def _row(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": values["id"],
        "full_name": values["full_name"],
        "sex": values["sex"],
        "birth_date": birth_date_iso(values["birth_date"], values["birth_date_precision"]),
        "status": values["status"],
        "org": values["org_id"],
        "org_name": values["org__name"],
        "cccd": masked_cccd(values["cccd"]),
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
        "clocks": [state.as_dict() for state in member_clocks(member, timezone.localdate())],
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
    results = selectors.page_values(rows, filters.offset, filters.limit, ROW_FIELDS)
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
def get_party_age(request: HttpRequest, member_id: int, on: IsoDate | None = None) -> dict[str, int]:
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
    request: HttpRequest, org_id: int, period_from: IsoDate | None = None, period_to: IsoDate | None = None
) -> dict[str, Any]:
    from dangvu.members.stats import member_stats as compute

    org = get_object_or_404(Org.objects.visible_to(request.user), pk=org_id)
    require_perm(request.user, "members.stats", org)
    today = timezone.localdate()
    subtree = scope_for(request.user, "members.stats").covers_subtree(org)
    return compute(org, period_from or date(today.year, 1, 1), period_to or today, subtree=subtree)


# --- Proposals: the chi bộ proposes, the deciding level decides (dangvu.members.proposals) -----------


class ProposalIn(BaseModel):
    verb: Literal[
        "readmit",
        "recognize",
        "end-probation",
        "remove",
        "leave",
        "badge",
        "discipline:cach-chuc",
        "discipline:khai-tru",
    ] = Field(description="Nghiệp vụ đề nghị cấp có thẩm quyền quyết định")
    resolution_number: str = Field(max_length=100, description="Số nghị quyết của chi bộ")
    resolution_date: date = Field(description="Ngày nghị quyết của chi bộ")
    votes_for: int | None = Field(None, ge=0, description="Số đảng viên tán thành")
    votes_against: int | None = Field(None, ge=0, description="Số đảng viên không tán thành")
    members_on_roll: int | None = Field(
        None,
        ge=1,
        description="Số đảng viên chính thức trong danh sách của chi bộ (mặc định: theo cơ sở dữ liệu); "
        "tỷ lệ biểu quyết tính trên số này, không phải trên số phiếu",
    )
    details: dict[str, Any] = Field(
        default_factory=dict,
        description="Nội dung nghiệp vụ theo đề nghị (ví dụ lý do; Huy hiệu: milestone, posthumous, …)",
    )


class ProposalOut(BaseModel):
    id: int
    member: int
    member_name: str
    verb: str
    verb_label: str
    status: str
    details: dict[str, Any]
    org: int
    deciding_org: int
    deciding_body: str
    resolution_number: str
    resolution_date: date
    votes_for: int | None
    votes_against: int | None
    members_on_roll: int | None
    proposed_by: str
    decision_number: str
    decision_date: date | None
    signer: str
    return_reason: str


class ProposalList(BaseModel):
    count: int
    results: list[ProposalOut]


class ProposalDecideIn(BaseModel):
    decision_number: str = Field(max_length=100, description="Số quyết định")
    decided_on: date = Field(description="Ngày quyết định")
    signer: str = Field("", max_length=150, description="Người ký quyết định")


class ProposalReturnIn(BaseModel):
    reason: str = Field(max_length=500, description="Lý do trả lại chi bộ")


def _proposal(proposal: Any) -> dict[str, Any]:
    return {
        "id": proposal.pk,
        "member": proposal.member_id,
        "member_name": proposal.member.full_name,
        "verb": proposal.verb,
        "verb_label": str(proposal.get_verb_display()),
        "status": proposal.status,
        "details": proposal.details,
        "org": proposal.org_id,
        "deciding_org": proposal.deciding_org_id,
        "deciding_body": proposal.deciding_body,
        "resolution_number": proposal.resolution_number,
        "resolution_date": proposal.resolution_date,
        "votes_for": proposal.votes_for,
        "votes_against": proposal.votes_against,
        "members_on_roll": proposal.members_on_roll,
        "proposed_by": str(proposal.proposed_by),
        "decision_number": proposal.decision_number,
        "decision_date": proposal.decision_date,
        "signer": proposal.signer,
        "return_reason": proposal.return_reason,
    }


def _proposals(user: Any) -> Any:
    from dangvu.members.models import MemberProposal

    return MemberProposal.objects.visible_to(user).select_related("member", "proposed_by")


@router.get(
    "/{member_id}/proposals",
    response={200: ProposalList, **ERRORS},
    summary="Các đề nghị của chi bộ cho một đảng viên",
)
def list_member_proposals(request: HttpRequest, member_id: int) -> dict[str, Any]:
    member = _member_for(request, member_id)
    rows = [_proposal(p) for p in _proposals(request.user).filter(member=member)[:200]]
    return {"count": len(rows), "results": rows}


@router.post(
    "/{member_id}/proposals",
    response={201: ProposalOut, **ERRORS},
    summary="Ghi nhận nghị quyết đề nghị của chi bộ (cấp có thẩm quyền quyết định sau)",
)
def create_member_proposal(
    request: HttpRequest, member_id: int, payload: ProposalIn
) -> Status[dict[str, Any]]:
    from dangvu.members.proposals import proposal_create

    member = _member_for(request, member_id)
    proposal = proposal_create(actor=request.user, member=member, **payload.model_dump())
    return Status(201, _proposal(_proposals(request.user).get(pk=proposal.pk)))


proposal_router = Router(tags=["members"])


@proposal_router.get(
    "",
    response={200: ProposalList, **ERRORS},
    summary="Đề nghị của chi bộ (to_decide: chỉ những đề nghị chờ bạn quyết định)",
)
def list_proposals(
    request: HttpRequest,
    status: Literal["proposed", "decided", "returned"] | None = None,
    to_decide: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> dict[str, Any]:
    from dangvu.members.worklists import proposals_to_decide

    rows = proposals_to_decide(request.user) if to_decide else _proposals(request.user)
    if status is not None:
        rows = rows.filter(status=status)
    rows = rows.order_by("-proposed_at", "-pk")
    offset, limit = max(offset, 0), min(max(limit, 1), 200)
    count = rows.count()
    return {"count": count, "results": [_proposal(p) for p in rows[offset : offset + limit]]}


def _proposal_for(request: HttpRequest, proposal_id: int) -> Any:
    return get_object_or_404(_proposals(request.user).select_related("member__org"), pk=proposal_id)


@proposal_router.get(
    "/{proposal_id}", response={200: ProposalOut, **ERRORS}, summary="Một đề nghị của chi bộ"
)
def get_proposal(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    return _proposal(_proposal_for(request, proposal_id))


@proposal_router.post(
    "/{proposal_id}/decide",
    response={200: ProposalOut, **ERRORS},
    summary="Cấp có thẩm quyền quyết định theo đề nghị (số, ngày quyết định, người ký)",
)
def decide_proposal(request: HttpRequest, proposal_id: int, payload: ProposalDecideIn) -> dict[str, Any]:
    from dangvu.members.proposals import proposal_decide

    proposal = proposal_decide(
        actor=request.user, proposal=_proposal_for(request, proposal_id), **payload.model_dump()
    )
    return _proposal(_proposal_for(request, proposal.pk))


@proposal_router.post(
    "/{proposal_id}/return",
    response={200: ProposalOut, **ERRORS},
    summary="Trả lại đề nghị cho chi bộ (kèm lý do)",
)
def return_proposal(request: HttpRequest, proposal_id: int, payload: ProposalReturnIn) -> dict[str, Any]:
    from dangvu.members.proposals import proposal_return

    proposal = proposal_return(
        actor=request.user, proposal=_proposal_for(request, proposal_id), reason=payload.reason
    )
    return _proposal(_proposal_for(request, proposal.pk))
