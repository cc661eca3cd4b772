"""A member's life in the Party as data: every lifecycle verb, the statuses it fires from, who may fire
it, what it asks for and the service that performs it (``dangvu.core.workflows``).

The member page offers exactly ``LIFECYCLE.available(user, member)``; the web forms
(``/members/<id>/<verb>/``) and the API operations (``POST /api/v1/members/{id}/<verb>``) are generated
from this one registry; the services in ``dangvu.members.lifecycle`` ask ``LIFECYCLE.ensure_state``
before they move a member.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from dangvu.core.workflows import Input, Transition, Workflow
from dangvu.members.enums import (
    CURRENT_STATUSES,
    ENDED_STATUSES,
    CardEventKind,
    DisciplineForm,
    MemberStatus,
    TemporaryCategory,
    TransferKind,
    ground_choices,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PROB, FULL, EXEMPT = MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL, MemberStatus.EXEMPT
ACTIVE = frozenset({PROB, FULL, EXEMPT})
MILESTONES = (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)


def _decision() -> tuple[Input, ...]:
    """What the deciding level records with its decision: the number and the signer."""
    return (
        Input("decision", _("Số quyết định"), max_length=100),
        Input("signer", _("Người ký quyết định"), required=False, max_length=150),
    )


def _dated(date_label: Any, *, reason_required: bool = False) -> tuple[Input, ...]:
    """The inputs of a verb decided on a date: the date (``on``), the reason, the decision number."""
    return (
        Input("on", date_label, "date", arg="decided_on"),
        Input("reason", _("Lý do"), "textarea", required=reason_required),
        *_decision(),
    )


def _decided(verb: str) -> Callable[[Any, Any], StrOrPromise | None]:
    """The deciding-level check of ``verb`` (``dangvu.members.authority.refusal``) for the registry."""

    def check(user: Any, member: Any) -> StrOrPromise | None:
        from dangvu.members.authority import refusal

        return refusal(user, verb, member.org)

    return check


def _decides_discipline(user: Any, member: Any) -> StrOrPromise | None:
    """Offer "discipline" to whoever decides at least one form (the chi bộ: khiển trách, cảnh cáo); the
    service checks the form chosen."""
    from dangvu.members.authority import decides_any_discipline, discipline_verb, refusal

    if decides_any_discipline(user, member.org):
        return None
    return refusal(user, discipline_verb(DisciplineForm.REPRIMAND), member.org)


def _ground(kind: str, *, required: bool = True) -> Input:
    """The ground of an ending (a code of the ``EndingGround`` list), which re-admission reads."""
    blank: list[tuple[Any, Any]] = [] if required else [("", _("— (chỉ với kỷ luật khai trừ)"))]
    return Input(
        "ground",
        _("Căn cứ ra khỏi Đảng"),
        "choice",
        required=required,
        choices=[*blank, *ground_choices(kind)],
        default=None if required else "",
        description="Mã căn cứ (danh mục căn cứ ra khỏi Đảng); quyết định việc xét kết nạp lại",
    )


def _late_ceremony() -> tuple[Input, ...]:
    return (
        Input(
            "late_ceremony_agreement",
            _("Ý kiến đồng ý của cấp ủy cấp trên (lễ kết nạp muộn)"),
            required=False,
            max_length=300,
            description="Số, ngày văn bản đồng ý tổ chức lễ kết nạp sau thời hạn",
        ),
    )


def _ceremony_recorded(member: Any) -> str | None:
    from dangvu.members.lifecycle import ceremony_pending_refusal

    return ceremony_pending_refusal(member)


def _receives(user: Any, member: Any) -> bool:
    """The receiving side: a transfer of this member is on its way into a unit the user manages."""
    from dangvu.members.lifecycle import pending_transfer_sides

    return pending_transfer_sides(user, member)[0]


def _sends(user: Any, member: Any) -> bool:
    from dangvu.members.lifecycle import pending_transfer_sides

    return pending_transfer_sides(user, member)[1]


def _no_badge_to_return(member: Any) -> str | None:
    from dangvu.members.lifecycle import unreturned_badges_refusal

    return unreturned_badges_refusal(member)


def _no_badge_to_reissue(member: Any) -> str | None:
    from dangvu.members.lifecycle import held_badges_refusal

    return held_badges_refusal(member)


LIFECYCLE = Workflow(
    name="members",
    state_field="status",
    state_labels=dict(MemberStatus.choices),
    transitions=[
        Transition(
            name="recognize",
            title=_("Công nhận đảng viên chính thức"),
            action="dangvu.members.lifecycle:member_recognize",
            sources=frozenset({PROB}),
            target=FULL,
            permission="members.manage",
            decided_by=_decided("recognize"),
            inputs=(
                Input("decided_on", _("Ngày quyết định"), "date"),
                *_decision(),
                Input("resolution_on", _("Ngày nghị quyết chi bộ đề nghị"), "date", required=False),
            ),
            order=10,
        ),
        Transition(
            name="ceremony",
            title=_("Ghi lễ kết nạp"),
            action="dangvu.members.lifecycle:member_ceremony",
            sources=frozenset({PROB}),
            refused=_("Chỉ ghi lễ kết nạp cho đảng viên dự bị."),
            permission="members.manage",
            guard=_ceremony_recorded,
            inputs=(
                Input("ceremony_on", _("Ngày lễ kết nạp"), "date"),
                Input(
                    "decision_received_on",
                    _("Ngày nhận quyết định kết nạp"),
                    "date",
                    required=False,
                    description="Ngày chi bộ nhận quyết định: lễ kết nạp trong 30 ngày làm việc kể từ ngày này",
                ),
                *_late_ceremony(),
            ),
            order=9,
        ),
        Transition(
            name="extend-probation",
            title=_("Gia hạn xét công nhận chính thức"),
            action="dangvu.members.lifecycle:member_extend_probation",
            sources=frozenset({PROB}),
            refused=_("Chỉ gia hạn xét công nhận cho đảng viên dự bị."),
            permission="members.manage",
            decided_by=_decided("recognize"),
            inputs=(
                Input(
                    "working_days",
                    _("Số ngày làm việc gia hạn"),
                    "int",
                    min_value=1,
                    max_value=30,
                    default=30,
                    description="Số ngày làm việc gia hạn (một lần, tối đa 30)",
                ),
                Input("on", _("Ngày quyết định"), "date", arg="decided_on"),
                Input("reason", _("Lý do"), "textarea"),
                Input("decision", _("Số quyết định"), required=False, max_length=100),
                Input("resolution_on", _("Ngày nghị quyết chi bộ đề nghị"), "date", required=False),
            ),
            order=11,
        ),
        Transition(
            name="end-probation",
            title=_("Xóa tên đảng viên dự bị"),
            action="dangvu.members.lifecycle:member_end_probation",
            sources=frozenset({PROB}),
            target=MemberStatus.REMOVED,
            permission="members.manage",
            decided_by=_decided("end-probation"),
            inputs=_dated(_("Ngày quyết định")),
            confirm=_(
                "Người này sẽ không còn là đảng viên dự bị; tuổi đảng không được tính và hồ sơ được đóng."
            ),
            order=12,
        ),
        Transition(
            name="transfer-out",
            title=_("Giới thiệu chuyển sinh hoạt đảng"),
            action="dangvu.members.lifecycle:member_transfer_out",
            sources=ACTIVE,
            permission="members.manage",
            inputs=(
                Input(
                    "kind", _("Loại"), "choice", choices=TransferKind.choices, default=TransferKind.OFFICIAL
                ),
                Input("to_org", _("Chi bộ nơi đến (trên hệ thống)"), "unit", required=False),
                Input(
                    "destination",
                    _("Hoặc tên tổ chức đảng nơi đến (ngoài hệ thống)"),
                    required=False,
                    max_length=255,
                ),
                Input("issued_on", _("Ngày giới thiệu"), "date"),
                Input(
                    "category",
                    _("Diện chuyển tạm thời"),
                    "choice",
                    choices=TemporaryCategory.choices,
                    required=False,
                ),
                Input("until_on", _("Đến ngày (chuyển tạm thời)"), "date", required=False),
                Input(
                    "decided_on",
                    _("Ngày quyết định dẫn đến chuyển sinh hoạt (chuyển chính thức)"),
                    "date",
                    required=False,
                ),
                Input("letter_number", _("Số giấy giới thiệu"), required=False, max_length=50),
                Input(
                    "fees_paid_until",
                    _("Đã đóng đảng phí hết tháng (YYYY-MM)"),
                    required=False,
                    max_length=7,
                    description="YYYY-MM",
                ),
                Input("reason", _("Lý do"), "textarea", required=False),
            ),
            order=20,
        ),
        Transition(
            name="receive",
            title=_("Tiếp nhận sinh hoạt đảng"),
            action="dangvu.members.lifecycle:member_receive_pending",
            allowed=_receives,
            inputs=(
                Input("received_on", _("Ngày tiếp nhận"), "date"),
                Input(
                    "transfer",
                    _("Lần chuyển sinh hoạt"),
                    "int",
                    required=False,
                    description="Mặc định: lần chuyển đang chờ tiếp nhận",
                ),
            ),
            order=21,
        ),
        Transition(
            name="cancel-transfer",
            title=_("Hủy giới thiệu chuyển sinh hoạt"),
            action="dangvu.members.lifecycle:member_cancel_transfer",
            allowed=_sends,
            inputs=(Input("reason", _("Lý do"), "textarea"),),
            order=22,
        ),
        Transition(
            name="card",
            title=_("Phát, cấp lại, đổi thẻ đảng viên"),
            action="dangvu.members.lifecycle:card_issue",
            sources=frozenset({FULL, EXEMPT}),
            refused=_("Chỉ phát thẻ cho đảng viên chính thức."),
            permission="members.manage",
            inputs=(
                Input(
                    "kind",
                    _("Nghiệp vụ"),
                    "choice",
                    choices=CardEventKind.choices,
                    default=CardEventKind.ISSUE,
                ),
                Input("card_number", _("Số thẻ"), max_length=20),
                Input("issued_on", _("Ngày cấp"), "date"),
                Input("decision", _("Số quyết định"), required=False, max_length=100),
                Input("reason", _("Lý do"), required=False),
            ),
            order=30,
        ),
        Transition(
            name="badge",
            title=_("Tặng Huy hiệu Đảng"),
            action="dangvu.members.lifecycle:badge_award",
            sources=frozenset({FULL, EXEMPT, MemberStatus.DECEASED}),
            refused=_(
                "Huy hiệu Đảng chỉ tặng đảng viên chính thức (hoặc truy tặng đảng viên đã từ trần); "
                "đảng viên dự bị chưa được xét."
            ),
            permission="members.manage",
            decided_by=_decided("badge"),
            inputs=(
                Input("milestone", _("Mốc tuổi Đảng"), "int", choices=[(y, f"{y} năm") for y in MILESTONES]),
                Input("awarded_on", _("Ngày trao"), "date"),
                *_decision(),
                Input("seriously_ill", _("Đảng viên ốm nặng (tặng sớm)"), "bool", default=False),
                Input("posthumous", _("Truy tặng"), "bool", default=False),
            ),
            order=31,
        ),
        Transition(
            name="badge-reissue",
            title=_("Cấp lại Huy hiệu Đảng"),
            action="dangvu.members.lifecycle:badge_reissue",
            sources=frozenset({FULL, EXEMPT, MemberStatus.DECEASED}),
            refused=_("Chỉ cấp lại Huy hiệu cho đảng viên (hoặc gia đình đảng viên đã từ trần)."),
            permission="members.manage",
            guard=_no_badge_to_reissue,
            inputs=(
                Input("milestone", _("Mốc tuổi Đảng"), "int", choices=[(y, f"{y} năm") for y in MILESTONES]),
                Input("reissued_on", _("Ngày cấp lại"), "date"),
                Input("reason", _("Lý do cấp lại"), "textarea"),
                Input("decision", _("Số quyết định"), required=False, max_length=100),
            ),
            order=32,
        ),
        Transition(
            name="badge-return",
            title=_("Nộp lại Huy hiệu Đảng"),
            action="dangvu.members.lifecycle:badge_return",
            sources=frozenset(ENDED_STATUSES),
            refused=_("Chỉ người đã ra khỏi Đảng (xóa tên, khai trừ, xin ra) phải nộp lại Huy hiệu."),
            permission="members.manage",
            guard=_no_badge_to_return,
            inputs=(
                Input("returned_on", _("Ngày nộp lại"), "date"),
                Input("note", _("Ghi chú"), "textarea", required=False),
            ),
            order=63,
        ),
        Transition(
            name="discipline",
            title=_("Ghi nhận kỷ luật"),
            action="dangvu.members.lifecycle:discipline_record",
            refused=_("Người này không còn là đảng viên."),
            sources=frozenset(
                set(MemberStatus.values) - set(ENDED_STATUSES) - {MemberStatus.TRANSFERRED_OUT}
            ),
            permission="members.manage",
            decided_by=_decides_discipline,
            inputs=(
                Input(
                    "form",
                    _("Hình thức"),
                    "choice",
                    choices=DisciplineForm.choices,
                    default=DisciplineForm.REPRIMAND,
                ),
                Input("decided_on", _("Ngày quyết định"), "date"),
                *_decision(),
                Input("authority", _("Cấp quyết định"), required=False, max_length=200),
                Input("reason", _("Lý do"), "textarea", required=False),
                Input(
                    "votes_for",
                    _("Số đảng viên tán thành (chi bộ quyết định)"),
                    "int",
                    required=False,
                    min_value=0,
                ),
                Input("votes_against", _("Số không tán thành"), "int", required=False, min_value=0),
                Input(
                    "members_on_roll",
                    _("Số đảng viên chính thức trong danh sách"),
                    "int",
                    required=False,
                    min_value=1,
                    help_text=_("Để trống: lấy theo danh sách đảng viên chính thức của chi bộ."),
                ),
                _ground("expelled", required=False),
            ),
            confirm=_("Kỷ luật khai trừ chấm dứt tư cách đảng viên; các hình thức khác được ghi vào hồ sơ."),
            order=40,
        ),
        Transition(
            name="exempt",
            title=_("Miễn công tác và sinh hoạt đảng"),
            action="dangvu.members.lifecycle:member_exempt",
            sources=frozenset({FULL}),
            target=EXEMPT,
            permission="members.manage",
            inputs=(
                Input("on", _("Từ ngày"), "date", arg="from_on"),
                Input("reason", _("Lý do"), "textarea"),
                Input("decision", _("Số quyết định"), required=False, max_length=100),
            ),
            order=50,
        ),
        Transition(
            name="end-exemption",
            title=_("Thôi miễn sinh hoạt"),
            action="dangvu.members.lifecycle:member_end_exemption",
            sources=frozenset({EXEMPT}),
            target=FULL,
            permission="members.manage",
            inputs=(Input("on", _("Từ ngày"), "date"),),
            order=51,
        ),
        Transition(
            name="deceased",
            title=_("Đảng viên từ trần"),
            action="dangvu.members.lifecycle:member_mark_deceased",
            sources=frozenset(CURRENT_STATUSES),
            target=MemberStatus.DECEASED,
            permission="members.manage",
            inputs=(
                Input("on", _("Ngày mất"), "date", arg="died_on"),
                Input("reason", _("Ghi chú"), "textarea", required=False),
            ),
            confirm=_("Hồ sơ sẽ được đóng; gia đình giữ thẻ đảng và Huy hiệu Đảng."),
            order=60,
        ),
        Transition(
            name="remove",
            title=_("Xóa tên"),
            action="dangvu.members.lifecycle:member_remove",
            sources=frozenset({FULL, EXEMPT}),
            target=MemberStatus.REMOVED,
            permission="members.manage",
            decided_by=_decided("remove"),
            inputs=(*_dated(_("Ngày quyết định"), reason_required=True), _ground("removed")),
            confirm=_(
                "Người này sẽ bị xóa tên khỏi danh sách đảng viên: tuổi đảng dừng từ ngày quyết định, "
                "phải nộp lại Huy hiệu Đảng."
            ),
            order=61,
        ),
        Transition(
            name="leave",
            title=_("Cho ra khỏi Đảng"),
            action="dangvu.members.lifecycle:member_accept_leaving",
            sources=frozenset({FULL, EXEMPT, PROB}),
            target=MemberStatus.LEFT,
            permission="members.manage",
            decided_by=_decided("leave"),
            inputs=(*_dated(_("Ngày quyết định")), _ground("left")),
            confirm=_(
                "Người này sẽ ra khỏi Đảng; chỉ được xét kết nạp lại trong các trường hợp quy định cho phép."
            ),
            order=62,
        ),
        Transition(
            name="rehabilitate",
            title=_("Phục hồi đảng tịch (minh oan)"),
            action="dangvu.members.lifecycle:member_rehabilitate",
            sources=frozenset({MemberStatus.EXPELLED, MemberStatus.REMOVED}),
            refused=_("Chỉ phục hồi người bị khai trừ hoặc xóa tên."),
            permission="members.manage",
            decided_by=_decided("rehabilitate"),
            inputs=(
                Input("on", _("Ngày quyết định"), "date", arg="decided_on"),
                Input("decision", _("Số quyết định hủy bỏ kỷ luật / phục hồi"), max_length=100),
                Input("reason", _("Lý do"), "textarea", required=False),
                Input("signer", _("Người ký quyết định"), required=False, max_length=150),
            ),
            confirm=_(
                "Đảng viên trở lại trạng thái trước khi bị khai trừ hoặc xóa tên; tuổi đảng liên tục "
                "(thời gian gián đoạn được ghi là đã minh oan) và đảng viên đóng bù đảng phí."
            ),
            order=69,
        ),
        Transition(
            name="readmit",
            title=_("Kết nạp lại"),
            action="dangvu.members.lifecycle:member_readmit",
            sources=frozenset(ENDED_STATUSES),
            refused=_("Chỉ kết nạp lại người đã ra khỏi Đảng (xóa tên, khai trừ, xin ra)."),
            target=PROB,
            permission="members.manage",
            decided_by=_decided("readmit"),
            inputs=(
                Input("admitted_on", _("Ngày quyết định kết nạp lại"), "date"),
                Input("ceremony_on", _("Ngày lễ kết nạp"), "date", required=False),
                Input(
                    "hardship_exception",
                    _("Trường hợp hoàn cảnh gia đình đặc biệt khó khăn"),
                    "bool",
                    default=False,
                ),
                Input(
                    "hardship_basis",
                    _("Căn cứ xác nhận hoàn cảnh đặc biệt khó khăn (số, ngày, cơ quan)"),
                    required=False,
                    max_length=200,
                    description="Bắt buộc khi hardship_exception là true",
                ),
                Input(
                    "record_cleared_on",
                    _("Ngày được xóa án tích (nếu từng bị kết án)"),
                    "date",
                    required=False,
                ),
                Input(
                    "considered_on",
                    _("Ngày nghị quyết chi bộ đề nghị kết nạp lại"),
                    "date",
                    required=False,
                    description="Ngày chi bộ xét: tính tuổi (theo tháng) và thời hạn cấp trên quyết định",
                ),
                Input(
                    "over_age_approval",
                    _("Ý kiến cấp ủy trực thuộc Trung ương (người trên 60 tuổi)"),
                    required=False,
                    max_length=300,
                ),
                Input("decision_received_on", _("Ngày nhận quyết định kết nạp"), "date", required=False),
                *_late_ceremony(),
                *_decision(),
            ),
            retired_api_paths=("admit",),
            order=70,
        ),
    ],
)
