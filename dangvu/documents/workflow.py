"""The life of a document as data (``dangvu.core.workflows``): the outgoing verbs (revise, approve,
return, sign, issue, seal, cancel) and the incoming ones (register, refuse, assign, note, complete).
Pages and the API offer and accept only what the user can fire on the document in its state; the web
forms and the API operations (``POST /api/v1/documents/{id}/<verb>``) are generated from here."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from dangvu.core.workflows import Input, Transition, Workflow
from dangvu.documents.enums import HandlingResult, IncomingStatus, OutgoingStatus

OUT, IN = OutgoingStatus, IncomingStatus


def _reviewer(user: Any, document: Any) -> bool:
    from dangvu.documents.services import may_review

    return may_review(user, document)


def _signer(user: Any, document: Any) -> bool:
    from dangvu.accounts.permissions import has_perm

    return has_perm(user, "signing.sign", document.registry_org)


def _handler(user: Any, document: Any) -> bool:
    from dangvu.documents.services import may_handle

    return may_handle(user, document)


def _document(value: Any) -> Any:
    if value is None or not isinstance(value, int):
        return value
    from dangvu.documents.models import Document

    return Document.objects.filter(pk=value).first()


def _not_signed_yet(document: Any) -> str | None:
    from dangvu.documents.services import files_allowed

    if document.status == OUT.APPROVED and files_allowed(document.secrecy):
        return "Văn bản chưa được ký số; chưa cấp số."
    return None


def _files_here(document: Any) -> str | None:
    from dangvu.documents.services import files_allowed

    if not files_allowed(document.secrecy):
        return "Văn bản chỉ được vào sổ thông tin: không ký số trên hệ thống (bản giấy được ký)."
    return None


DOCUMENTS = Workflow(
    name="documents",
    state_field="status",
    state_labels={**dict(OutgoingStatus.choices), **dict(IncomingStatus.choices)},
    transitions=[
        Transition(
            name="revise",
            title=_("Sửa dự thảo"),
            action="dangvu.documents.services:document_revise",
            object_arg="document",
            sources=frozenset({OUT.DRAFT}),
            permission="documents.draft",
            inputs=(
                Input("subject", _("Trích yếu"), "textarea", max_length=1000),
                Input("body", _("Nội dung"), "textarea", required=False, max_length=200_000),
                Input("comment", _("Ghi chú phiên bản"), required=False),
            ),
            order=5,
        ),
        Transition(
            name="approve",
            title=_("Duyệt"),
            action="dangvu.documents.services:document_approve",
            object_arg="document",
            sources=frozenset({OUT.DRAFT, OUT.IN_REVIEW}),
            allowed=_reviewer,
            inputs=(Input("comment", _("Ý kiến"), "textarea", required=False),),
            order=10,
        ),
        Transition(
            name="return",
            title=_("Trả lại để sửa"),
            action="dangvu.documents.services:document_return",
            object_arg="document",
            sources=frozenset({OUT.IN_REVIEW}),
            allowed=_reviewer,
            inputs=(Input("comment", _("Ý kiến"), "textarea"),),
            order=11,
        ),
        Transition(
            name="sign",
            title=_("Ký số"),
            action="dangvu.documents.services:document_sign",
            object_arg="document",
            sources=frozenset({OUT.APPROVED}),
            allowed=_signer,
            guard=_files_here,
            inputs=(Input("position", _("Chức vụ ghi dưới chữ ký"), required=False, max_length=120),),
            order=20,
        ),
        Transition(
            name="issue",
            title=_("Cấp số, ban hành"),
            action="dangvu.documents.services:document_issue",
            object_arg="document",
            sources=frozenset({OUT.SIGNED, OUT.APPROVED}),
            permission="documents.register",
            guard=_not_signed_yet,
            inputs=(Input("on", _("Ngày ban hành"), "date", required=False),),
            confirm=_(
                "Văn bản sẽ được cấp số trong sổ của đơn vị, đóng dấu số và gửi đến nơi nhận; số đã cấp không thu hồi."
            ),
            order=21,
        ),
        Transition(
            name="seal",
            title=_("Ký số của cơ quan (đóng dấu)"),
            action="dangvu.documents.services:document_seal",
            object_arg="document",
            sources=frozenset({OUT.AWAITING_SEAL}),
            permission="documents.register",
            order=22,
        ),
        Transition(
            name="void-number",
            title=_("Hủy số đã cấp"),
            action="dangvu.documents.services:document_void_number",
            object_arg="document",
            sources=frozenset({OUT.AWAITING_SEAL}),
            permission="documents.register",
            inputs=(Input("reason", _("Lý do hủy số"), "textarea"),),
            confirm=_(
                "Số đã cấp bị hủy, ghi lý do vào sổ và không cấp lại cho văn bản khác; văn bản không được ban hành."
            ),
            order=23,
        ),
        Transition(
            name="cancel",
            title=_("Hủy dự thảo"),
            action="dangvu.documents.services:document_cancel",
            object_arg="document",
            sources=frozenset({OUT.DRAFT, OUT.IN_REVIEW, OUT.APPROVED}),
            permission="documents.draft",
            inputs=(Input("reason", _("Lý do"), "textarea"),),
            confirm=_("Dự thảo sẽ bị hủy; các phiên bản vẫn được lưu."),
            order=90,
        ),
        Transition(
            name="register",
            title=_("Vào sổ văn bản đến"),
            action="dangvu.documents.services:document_register_arrived",
            object_arg="document",
            sources=frozenset({IN.ARRIVED}),
            permission="documents.register",
            inputs=(Input("deadline", _("Hạn xử lý (để trống: theo quy định)"), "date", required=False),),
            order=30,
        ),
        Transition(
            name="refuse",
            title=_("Từ chối tiếp nhận"),
            action="dangvu.documents.services:document_refuse",
            object_arg="document",
            sources=frozenset({IN.ARRIVED}),
            permission="documents.register",
            inputs=(Input("reason", _("Lý do"), "textarea"),),
            confirm=_("Đơn vị gửi sẽ nhận trạng thái “Từ chối tiếp nhận” (mã 02)."),
            order=31,
        ),
        Transition(
            name="correct",
            title=_("Sửa thông tin vào sổ"),
            action="dangvu.documents.services:document_correct",
            object_arg="document",
            sources=frozenset({IN.REGISTERED, IN.ASSIGNED, IN.IN_PROGRESS}),
            permission="documents.register",
            inputs=(
                Input(
                    "number_text",
                    _("Số, ký hiệu"),
                    required=False,
                    max_length=80,
                    help_text=_("Chỉ các ô được điền mới thay đổi; số đến và ngày đến giữ nguyên."),
                ),
                Input("issued_on", _("Ngày văn bản"), "date", required=False),
                Input("sender_name", _("Cơ quan gửi"), required=False, max_length=255),
                Input(
                    "sender_org",
                    _("Đơn vị gửi trên hệ thống"),
                    "unit",
                    required=False,
                    help_text=_(
                        "Đơn vị của Đảng bộ đã gửi văn bản; tên đơn vị thành cơ quan gửi, trừ khi ghi tên khác."
                    ),
                ),
                Input("doc_type", _("Loại văn bản (ký hiệu hoặc mã)"), required=False, max_length=60),
                Input("subject", _("Trích yếu"), "textarea", required=False, max_length=1000),
                Input("pages", _("Số trang"), "int", required=False, min_value=1, max_value=10_000),
            ),
            order=35,
        ),
        Transition(
            name="assign",
            title=_("Giao xử lý (bút phê)"),
            action="dangvu.documents.services:document_assign",
            object_arg="document",
            sources=frozenset({IN.REGISTERED, IN.ASSIGNED, IN.IN_PROGRESS}),
            permission="documents.assign",
            inputs=(
                Input("instruction", _("Ý kiến chỉ đạo"), "textarea"),
                Input("lead_org", _("Đơn vị chủ trì"), "unit", required=False),
                Input(
                    "lead_user",
                    _("Người xử lý chính"),
                    "user",
                    required=False,
                    help_text=_("Tên đăng nhập của người được giao, ví dụ chuyenvien.xa"),
                ),
                Input("coordinators", _("Đơn vị phối hợp"), "units", required=False),
                Input("deadline", _("Hạn xử lý"), "date", required=False),
            ),
            order=40,
        ),
        Transition(
            name="note",
            title=_("Ghi tiến độ"),
            action="dangvu.documents.services:document_note",
            object_arg="document",
            sources=frozenset({IN.ASSIGNED, IN.IN_PROGRESS}),
            allowed=_handler,
            inputs=(Input("text", _("Nội dung"), "textarea"),),
            order=41,
        ),
        Transition(
            name="complete",
            title=_("Hoàn thành xử lý"),
            action="dangvu.documents.services:document_complete",
            object_arg="document",
            sources=frozenset({IN.REGISTERED, IN.ASSIGNED, IN.IN_PROGRESS}),
            allowed=lambda user, document: _handler(user, document) or _clerk(user, document),
            inputs=(
                Input(
                    "result",
                    _("Kết quả"),
                    "choice",
                    choices=HandlingResult.choices,
                    default=HandlingResult.DONE,
                ),
                Input("note", _("Ghi chú"), "textarea", required=False),
                Input("reply", _("Văn bản trả lời (mã số)"), "int", required=False, resolve=_document),
            ),
            order=42,
        ),
    ],
)


def _clerk(user: Any, document: Any) -> bool:
    from dangvu.accounts.permissions import has_perm

    return has_perm(user, "documents.register", document.registry_org)


def workflow_of(document: Any) -> Workflow:
    return DOCUMENTS
