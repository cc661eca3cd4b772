"""The members module's description: everything it contributes to the shell (see dangvu.core.modules)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

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

# Rows a scope-wide count reads at most before it says "more than" (the home page must stay fast for a
# province's board).
COUNT_CAP = 1000


def _capped_count(queryset: Any) -> int:
    return len(queryset.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1])


def _recognition(user: Any, today: date, limit: int) -> WorkSection | None:
    """Probationers whose recognition is overdue or due within a week, in the units the user manages."""
    from dangvu.members import worklists
    from dangvu.members.models import Member

    due = worklists.recognition_due(Member.objects.visible_to(user, "members.manage"), today, horizon_days=7)
    soon = [row for row in due if row.overdue or row.due_on <= today + timedelta(days=7)]
    soon.sort(key=lambda row: (not row.overdue, row.due_on))
    if not soon:
        return WorkSection("members.recognition", str(_("Xét công nhận đảng viên chính thức")), 0)
    return WorkSection(
        key="members.recognition",
        title=str(_("Xét công nhận đảng viên chính thức")),
        count=len(soon),
        overdue=sum(1 for row in soon if row.overdue),
        url=reverse("members:worklists"),
        items=[
            WorkItem(
                title=row.member.full_name,
                url=row.member.get_absolute_url(),
                due_on=row.due_on,
                overdue=row.overdue,
                detail=row.member.org.name,
            )
            for row in soon[:limit]
        ],
    )


def _transfers(user: Any, today: date, limit: int) -> WorkSection | None:
    """Members on their way into a unit the user manages, waiting to be received."""
    from dangvu.members.models import Transfer
    from dangvu.orgs.models import Org

    pending = (
        Transfer.objects.pending()
        .filter(to_org__in=Org.objects.visible_to(user, "members.manage"))
        .select_related("member", "from_org")
        .order_by("due_on", "pk")
    )
    count = _capped_count(pending)
    rows = list(pending[:limit])
    return WorkSection(
        key="members.transfers_in",
        title=str(_("Đảng viên chuyển đến chờ tiếp nhận")),
        count=count,
        overdue=sum(1 for t in rows if t.due_on < today),
        url=reverse("members:worklists"),
        items=[
            WorkItem(
                title=t.member.full_name,
                url=reverse("members:receive", args=[t.pk]),
                due_on=t.due_on,
                overdue=t.due_on < today,
                detail=str(_("từ %(unit)s") % {"unit": t.from_org.name}),
            )
            for t in rows
        ],
    )


def _identity_conflicts(user: Any, today: date, limit: int) -> WorkSection | None:
    """Citizen IDs someone below tried to record that belong to a member file they cannot see, for the
    unit that sees both records (dangvu.members.identity)."""
    from dangvu.members.models import IdentityConflict

    rows = (
        IdentityConflict.objects.visible_to(user)
        .open()
        .select_related("existing", "requested_org", "reported_by")
        .order_by("created_at", "pk")
    )
    count = _capped_count(rows)
    if not count:
        return None
    return WorkSection(
        key="members.identity_conflicts",
        title=str(_("Số CCCD trùng cần xem xét")),
        count=count,
        url=reverse("members:identity_conflicts"),
        items=[
            WorkItem(
                title=row.existing.full_name,
                url=row.get_absolute_url(),
                detail=str(
                    _("%(user)s nhập số CCCD này cho %(unit)s")
                    % {
                        "user": row.reported_by.username if row.reported_by else "—",
                        "unit": row.requested_org.name,
                    }
                ),
            )
            for row in rows[:limit]
        ],
    )


def _incomplete(user: Any, today: date, limit: int) -> WorkSection | None:
    """Member files missing required information, in the units the user manages."""
    from dangvu.members import worklists
    from dangvu.members.models import Member

    files = worklists.incomplete_files(
        Member.objects.visible_to(user, "members.manage").select_related("org")
    )
    count = _capped_count(files)
    return WorkSection(
        key="members.incomplete",
        title=str(_("Hồ sơ đảng viên còn thiếu thông tin")),
        count=count,
        url=reverse("members:worklists"),
        items=[
            WorkItem(
                title=member.full_name,
                url=member.get_absolute_url(),
                detail=", ".join(worklists.missing_fields(member)),
            )
            for member in files.order_by("sort_key", "pk")[:limit]
        ],
    )


def _proposals(user: Any, today: date, limit: int) -> WorkSection | None:
    """The chi bộ's proposals waiting for a decision of a unit where the user records decisions."""
    from dangvu.members.worklists import proposals_to_decide

    waiting = proposals_to_decide(user).order_by("resolution_date", "pk")
    count = _capped_count(waiting)
    return WorkSection(
        key="members.proposals",
        title=str(_("Đề nghị của chi bộ chờ quyết định")),
        count=count,
        url=reverse("members:proposals"),
        items=[
            WorkItem(
                title=f"{p.get_verb_display()}: {p.member.full_name}",
                url=p.get_absolute_url(),
                detail=str(
                    _("%(unit)s, nghị quyết %(number)s ngày %(date)s")
                    % {
                        "unit": p.member.org.name,
                        "number": p.resolution_number,
                        "date": f"{p.resolution_date:%d/%m/%Y}",
                    }
                ),
            )
            for p in waiting[:limit]
        ],
    )


def _figures(user: Any, today: date) -> list[Figure]:
    """Members by status in the units the user sees whole (from the roll-ups: cheap at any size)."""
    from dangvu.accounts.permissions import scope_for
    from dangvu.members import rollups
    from dangvu.members.enums import CURRENT_STATUSES, MemberStatus
    from dangvu.orgs.models import Org

    scope = scope_for(user, "members.stats")
    if scope.everywhere:
        units = list(Org.objects.filter(depth=1))
    else:
        units = [
            org
            for org in Org.objects.filter(pk__in=scope.org_ids)
            if scope.covers_subtree(org)
            and not any(org.path.startswith(p) and org.path != p for p in scope.subtree_paths)
        ]
    totals = dict.fromkeys(CURRENT_STATUSES, 0)
    for counts in rollups.subtree_counts(units).values():
        for status in CURRENT_STATUSES:
            totals[status] += counts[status]
    if not units:
        return []
    labels = dict(MemberStatus.choices)
    return [
        Figure(
            key="members.current",
            label=str(_("Đảng viên đang sinh hoạt")),
            value=sum(totals.values()),
            url=reverse("members:stats"),
            series=[(str(labels[status]), totals[status]) for status in CURRENT_STATUSES],
        )
    ]


def _search(user: Any, query: str, limit: int) -> list[SearchHit]:
    from dangvu.members.models import Member

    members = Member.objects.visible_to(user).select_related("org").search(query, user=user)
    return [
        SearchHit(title=m.full_name, url=m.get_absolute_url(), subtitle=m.org.name, kind=str(_("Đảng viên")))
        for m in members.in_name_order()[:limit]
    ]


def _has_own_file(user: Any) -> bool:
    """Does the user's account belong to a member (the "Hồ sơ của tôi" menu entry)?"""
    from dangvu.accounts.querysets import person_keys
    from dangvu.members.models import Member

    # The same question as the file's own relation in ``Member.objects.visible_to``: asked once a request.
    return bool(user.is_authenticated) and bool(person_keys(Member, "user", user))


def _audit_events() -> dict[str, Any]:
    """The members' audit events in words: each lifecycle verb by its title, and the other writes."""
    from dangvu.members.workflow import LIFECYCLE

    verbs = {f"members.{t.name.replace('-', '_')}": t.title for t in LIFECYCLE.transitions}
    return {
        "members.admit": _("Kết nạp đảng viên"),
        "members.admission_record": _("Ghi nhận kết nạp đảng viên"),
        "members.expel": _("Khai trừ khỏi Đảng"),
        "members.receive_temporary": _("Tiếp nhận sinh hoạt đảng tạm thời"),
        "members.transfer_out_temporary": _("Chuyển sinh hoạt đảng tạm thời"),
        **verbs,
        "members.deadline_recomputed": _("Tính lại thời hạn theo lịch làm việc"),
        "members.import_file": _("Tải lên tệp nhập đảng viên"),
        "members.interruption_create": _("Ghi nhận thời gian gián đoạn tuổi đảng"),
        "members.interruption_update": _("Sửa thời gian gián đoạn tuổi đảng"),
        "members.move": _("Chuyển đảng viên sang chi bộ khác"),
        "members.print_transfer_letter": _("In giấy giới thiệu sinh hoạt đảng"),
        "members.propose": _("Chi bộ đề nghị"),
        "members.proposal_decide": _("Quyết định theo đề nghị"),
        "members.proposal_return": _("Trả lại đề nghị"),
        "members.stats_report": _("Xuất báo cáo thống kê đảng viên"),
        "members.status_correction": _("Sửa trạng thái đảng viên"),
        "members.transfer_redirected": _("Chuyển đến đơn vị kế thừa"),
        "security.identity_conflict": _("Số CCCD trùng với hồ sơ ngoài phạm vi"),
        "members.create": _("Nhập hồ sơ đảng viên"),
        "members.update": _("Sửa hồ sơ đảng viên"),
        "members.view_file": _("Xem hồ sơ đảng viên"),
        "members.print_file": _("In hồ sơ đảng viên"),
        "members.print_list": _("In danh sách đảng viên"),
        "members.export": _("Xuất danh sách đảng viên"),
        "members.import": _("Nhập đảng viên từ tệp"),
        "members.transfer_cancel": _("Hủy chuyển sinh hoạt đảng"),
        "members.badge_award": _("Trao Huy hiệu Đảng"),
        "members.link_account": _("Gắn tài khoản với hồ sơ đảng viên"),
        "members.identity_conflict_resolve": _("Xử lý số CCCD trùng"),
    }


def describe() -> ModuleDescription:
    from dangvu.members.calendar import MemberCalendar
    from dangvu.members.structure import MemberStructure

    managers = ("quan-tri", "ban-to-chuc", "bi-thu-chi-bo")
    return ModuleDescription(
        label="members",
        title=_("Đảng viên"),
        urls="dangvu.members.urls",
        api="dangvu.members.api:router",
        api_mounts=[
            ApiMount("orgs", "dangvu.members.api:org_router"),
            ApiMount("proposals", "dangvu.members.api:proposal_router"),
            ApiMount("interruptions", "dangvu.members.api_interruptions:router"),
            ApiMount("identity-conflicts", "dangvu.members.api_conflicts:router"),
        ],
        permissions=[
            Permission(
                "members.view",
                _("Xem danh sách đảng viên"),
                (*managers, "chuyen-vien", "lanh-dao", "uy-ban-kiem-tra"),
            ),
            Permission(
                "members.view_file",
                _("Xem hồ sơ đảng viên (tài liệu mật)"),
                (*managers, "lanh-dao", "uy-ban-kiem-tra"),
            ),
            Permission("members.manage", _("Cập nhật hồ sơ và nghiệp vụ đảng viên"), managers),
            # Recording the decisions of the competent committee (admission, recognition, xóa tên, …)
            # in the unit where that committee sits; below it, the chi bộ records proposals.
            Permission(
                "members.decide",
                _("Ghi nhận quyết định của cấp có thẩm quyền về đảng viên"),
                ("quan-tri", "ban-to-chuc"),
            ),
            Permission("members.stats", _("Xem thống kê đảng viên"), (*managers, "chuyen-vien", "lanh-dao")),
        ],
        nav=[
            NavEntry(
                "my-file",
                gettext_noop("Hồ sơ của tôi"),
                "members:mine",
                order=5,
                shown_to=_has_own_file,
                icon="person-circle",
            ),
            NavEntry(
                "members", gettext_noop("Đảng viên"), "members:list", "members.view", order=20, icon="people"
            ),
        ],
        unit_panels=[UnitPanel("member-charts", _("Đảng viên"), "members:org_charts", "members.stats")],
        work=[
            WorkSource("members.recognition", _("Xét công nhận"), "members.manage", _recognition, 10),
            WorkSource("members.transfers_in", _("Chuyển đến"), "members.manage", _transfers, 20),
            WorkSource("members.proposals", _("Đề nghị chờ quyết định"), "members.decide", _proposals, 15),
            WorkSource("members.incomplete", _("Hồ sơ thiếu"), "members.manage", _incomplete, 90),
            WorkSource(
                "members.identity_conflicts", _("CCCD trùng"), "members.manage", _identity_conflicts, 15
            ),
        ],
        counters=[CounterSource("members.current", "members.stats", _figures)],
        search=[SearchSource("members", _("Đảng viên"), "members.view", _search)],
        structure=MemberStructure(),
        calendar=MemberCalendar(),
        audit_events=_audit_events(),
    )
