"""The documents module's description: everything it contributes to the shell (dangvu.core.modules)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from dangvu.core.modules import (
    ApiMount,
    CounterSource,
    Figure,
    ModuleDescription,
    NavEntry,
    Permission,
    SearchHit,
    SearchSource,
    UnitPanel,
    WorkItem,
    WorkSection,
    WorkSource,
)
from dangvu.documents.reminders import handling_reminders

CLERKS = ("quan-tri", "van-thu")
LEADERS = ("quan-tri", "lanh-dao")
STAFF = ("quan-tri", "van-thu", "chuyen-vien", "lanh-dao")


def _section(key: str, title: str, rows: Any, today: date, limit: int, url: str) -> WorkSection:
    items = list(rows.select_related("doc_type")[:limit])
    count = rows.order_by().count()
    return WorkSection(
        key=key,
        title=title,
        count=count,
        overdue=rows.filter(deadline__lt=today).count() if count else 0,
        url=url,
        items=[
            WorkItem(
                title=f"{d.number_text + ' — ' if d.number_text else ''}{d.subject[:120]}",
                url=d.get_absolute_url(),
                due_on=d.deadline,
                overdue=bool(d.deadline and d.deadline < today),
                detail=d.sender_name or d.get_status_display(),
            )
            for d in items
        ],
    )


def _to_handle(user: Any, today: date, limit: int) -> WorkSection | None:
    """Incoming documents assigned to the user (or to a unit where they handle documents), overdue first."""
    from dangvu.documents.enums import IncomingStatus
    from dangvu.documents.models import Document

    rows = (
        Document.objects.visible_to(user, "documents.handle")
        .filter(status__in=[IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS])
        .filter(
            Q(assignments__active=True, assignments__lead_user=user)
            | Q(assignments__active=True, assignments__lead_org__isnull=False)
        )
        .distinct()
        .order_by("deadline", "pk")
    )
    return _section(
        "documents.to_handle",
        str(_("Văn bản cần xử lý")),
        rows,
        today,
        limit,
        reverse("documents:list") + "?mine=1",
    )


def _to_register(user: Any, today: date, limit: int) -> WorkSection | None:
    from dangvu.documents.enums import IncomingStatus
    from dangvu.documents.models import Document

    rows = (
        Document.objects.visible_to(user, "documents.register")
        .filter(status=IncomingStatus.ARRIVED)
        .order_by("created_at", "pk")
    )
    return _section(
        "documents.to_register",
        str(_("Văn bản đến chờ vào sổ")),
        rows,
        today,
        limit,
        reverse("documents:list") + "?direction=incoming&status=arrived",
    )


def _to_assign(user: Any, today: date, limit: int) -> WorkSection | None:
    from dangvu.documents.enums import IncomingStatus
    from dangvu.documents.models import Document

    rows = (
        Document.objects.visible_to(user, "documents.assign")
        .filter(status=IncomingStatus.REGISTERED)
        .order_by("deadline", "pk")
    )
    return _section(
        "documents.to_assign",
        str(_("Văn bản chờ giao xử lý")),
        rows,
        today,
        limit,
        reverse("documents:list") + "?direction=incoming&status=registered",
    )


def _to_review(user: Any, today: date, limit: int) -> WorkSection | None:
    from dangvu.documents.enums import OutgoingStatus
    from dangvu.documents.models import Document
    from dangvu.documents.services import may_review

    rows = (
        Document.objects.visible_to(user).filter(status=OutgoingStatus.IN_REVIEW).order_by("updated_at", "pk")
    )
    mine = [d.pk for d in rows[:500] if may_review(user, d)]
    return _section(
        "documents.to_review",
        str(_("Dự thảo chờ duyệt")),
        rows.filter(pk__in=mine),
        today,
        limit,
        reverse("documents:list") + "?direction=outgoing&status=in_review",
    )


def _to_sign(user: Any, today: date, limit: int) -> WorkSection | None:
    from dangvu.documents.enums import OutgoingStatus
    from dangvu.documents.models import Document
    from dangvu.orgs.models import Org

    units = Org.objects.visible_to(user, "signing.sign")
    rows = (
        Document.objects.visible_to(user)
        .filter(status=OutgoingStatus.APPROVED, registry_org__in=units)
        .order_by("updated_at")
    )
    return _section(
        "documents.to_sign",
        str(_("Văn bản chờ ký")),
        rows,
        today,
        limit,
        reverse("documents:list") + "?direction=outgoing&status=approved",
    )


def _figures(user: Any, today: date) -> list[Figure]:
    from dangvu.documents.kpi import kpi

    figures = kpi(user, today.replace(month=1, day=1), today)
    return [
        Figure(
            "documents.electronic",
            str(_("Văn bản gửi, nhận điện tử (năm nay)")),
            # No document this year yet: no share to show (0 % would read as "none was electronic").
            f"{figures.electronic_share:.0%}" if figures.total else "—",
            reverse("documents:kpi"),
        ),
        Figure(
            "documents.overdue",
            str(_("Văn bản đến quá hạn xử lý")),
            figures.overdue_now,
            reverse("documents:list") + "?overdue=1",
        ),
    ]


def _search(user: Any, query: str, limit: int) -> list[SearchHit]:
    from dangvu.documents.search import search_documents

    return [
        SearchHit(
            title=f"{d.number_text + ' — ' if d.number_text else ''}{d.subject[:120]}",
            url=d.get_absolute_url(),
            subtitle=d.registry_org.name,
            kind=str(_("Văn bản")),
        )
        for d in search_documents(user, query)[:limit]
    ]


class DocumentCalendar:
    """Recompute the handling deadlines of open incoming documents that were set by the rule (not by
    hand) when the working-day calendar changes; each move is audited."""

    def recompute_deadlines(self, *, actor: Any, first: date, last: date) -> int:
        from dangvu.audit.services import audit_log
        from dangvu.documents.enums import IncomingStatus
        from dangvu.documents.models import Document
        from dangvu.documents.services import default_deadline

        moved = 0
        open_rows = Document.objects.filter(
            status__in=[IncomingStatus.REGISTERED, IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS],
            deadline_by_hand=False,
            received_on__isnull=False,
            received_on__lte=last,
            deadline__gte=first - timedelta(days=1),
        ).select_related("registry_org")
        for document in open_rows:
            if document.received_on is None:
                continue
            new = default_deadline(document.received_on, document.urgency)
            if new != document.deadline:
                audit_log(
                    actor=actor,
                    action="update",
                    obj=document,
                    org=document.registry_org,
                    event="documents.deadline_recomputed",
                    changes={"deadline": [document.deadline, new]},
                )
                Document.objects.filter(pk=document.pk).update(deadline=new)
                moved += 1
        return moved


# Every event the documents module writes to the audit log, in words for the log page and its export.
AUDIT_EVENTS = {
    "documents.draft": _("Tạo dự thảo văn bản đi"),
    "documents.revise": _("Sửa dự thảo văn bản"),
    "documents.approve": _("Phê duyệt dự thảo văn bản"),
    "documents.return": _("Trả lại dự thảo để sửa"),
    "documents.sign_prepare": _("Chuẩn bị ký số văn bản bằng thiết bị ký của người ký"),
    "documents.sign": _("Ký số văn bản"),
    "documents.issue": _("Cấp số, ban hành văn bản"),
    "documents.seal": _("Ký số của cơ quan (đóng dấu) văn bản"),
    "documents.cancel": _("Hủy dự thảo văn bản"),
    "documents.void_number": _("Hủy số văn bản đã cấp (không ban hành)"),
    "documents.deliver": _("Gửi văn bản đến đơn vị nhận"),
    "documents.delivery_status": _("Báo trạng thái xử lý văn bản đã nhận"),
    "documents.register_incoming": _("Vào sổ văn bản đến (bản giấy hoặc điện tử)"),
    "documents.register_arrived": _("Vào sổ văn bản đến được gửi qua hệ thống"),
    "documents.refuse": _("Từ chối tiếp nhận văn bản đến"),
    "documents.correct": _("Sửa thông tin vào sổ văn bản đến"),
    "documents.ocr": _("Nhận dạng chữ (OCR) văn bản đến"),
    "documents.assign": _("Giao xử lý văn bản (bút phê)"),
    "documents.note": _("Ghi tiến độ xử lý văn bản"),
    "documents.complete": _("Hoàn thành xử lý văn bản"),
    "documents.file": _("Lập hồ sơ văn bản"),
    "documents.file_heading_create": _("Thêm hồ sơ vào danh mục hồ sơ"),
    "documents.file_heading_update": _("Sửa hồ sơ trong danh mục hồ sơ"),
    "documents.file_heading_delete": _("Xóa hồ sơ khỏi danh mục hồ sơ"),
    "documents.file_heading_copy_year": _("Chép danh mục hồ sơ của năm trước"),
    "documents.export_file_list": _("In danh mục hồ sơ"),
    "documents.file_heading_close": _("Kết thúc hồ sơ"),
    "documents.file_heading_reopen": _("Mở lại hồ sơ đã kết thúc"),
    "documents.archive_handover_create": _("Lập biên bản giao nộp hồ sơ vào lưu trữ cơ quan"),
    "documents.export_handover": _("In biên bản giao nộp hồ sơ"),
    "documents.reply_drafted": _("Soạn văn bản trả lời văn bản đến"),
    "documents.open_file": _("Mở tệp văn bản"),
    "documents.preview_pdf": _("Xem trước bản PDF của dự thảo"),
    "documents.export_docx": _("Xuất dự thảo ra tệp Word"),
    "documents.export_register": _("Xuất sổ văn bản"),
    "documents.deadline_recomputed": _("Tính lại hạn xử lý theo lịch làm việc"),
    "documents.rewrap_keys": _("Bọc lại khóa tệp văn bản mật theo khóa chủ mới"),
}


def describe() -> ModuleDescription:
    return ModuleDescription(
        label="documents",
        title=_("Văn bản"),
        urls="dangvu.documents.urls",
        api="dangvu.documents.api:router",
        api_mounts=[ApiMount("documents/files", "dangvu.documents.api_filing:router")],
        permissions=[
            Permission("documents.view", _("Xem văn bản đi, đến của đơn vị"), STAFF),
            Permission("documents.register", _("Vào sổ văn bản đến, cấp số và phát hành văn bản đi"), CLERKS),
            Permission("documents.draft", _("Soạn thảo văn bản đi"), STAFF),
            Permission("documents.review", _("Duyệt dự thảo văn bản"), LEADERS),
            Permission("documents.assign", _("Giao xử lý văn bản đến (bút phê)"), LEADERS),
            Permission(
                "documents.handle", _("Xử lý văn bản được giao"), ("quan-tri", "chuyen-vien", "lanh-dao")
            ),
            Permission("documents.secret_mat", _("Tiếp cận văn bản Mật"), ("lanh-dao", "van-thu")),
            Permission("documents.secret_toi_mat", _("Tiếp cận văn bản Tối mật"), ("lanh-dao",)),
            Permission("documents.secret_tuyet_mat", _("Tiếp cận văn bản Tuyệt mật"), ()),
        ],
        nav=[
            NavEntry(
                "documents",
                gettext_noop("Văn bản"),
                "documents:list",
                "documents.view",
                order=15,
                icon="inbox",
            )
        ],
        reminders=[handling_reminders],
        unit_panels=[
            UnitPanel("documents-kpi", _("Văn bản"), "documents:kpi_panel", "documents.view", order=30)
        ],
        work=[
            WorkSource("documents.to_handle", _("Văn bản cần xử lý"), "documents.handle", _to_handle, 5),
            WorkSource(
                "documents.to_register", _("Văn bản đến chờ vào sổ"), "documents.register", _to_register, 6
            ),
            WorkSource("documents.to_assign", _("Văn bản chờ giao"), "documents.assign", _to_assign, 7),
            WorkSource("documents.to_review", _("Dự thảo chờ duyệt"), "documents.review", _to_review, 8),
            WorkSource("documents.to_sign", _("Văn bản chờ ký"), "signing.sign", _to_sign, 9),
        ],
        counters=[CounterSource("documents.kpi", "documents.view", _figures)],
        search=[SearchSource("documents", _("Văn bản"), "documents.view", _search, order=10)],
        calendar=DocumentCalendar(),
        audit_events=AUDIT_EVENTS,
    )
