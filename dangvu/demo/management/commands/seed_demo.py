from __future__ import annotations

import random
import time
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from dangvu.accounts.models import Role, RoleAssignment, User
from dangvu.audit.context import Origin, reset_origin, set_origin
from dangvu.audit.services import audit_log
from dangvu.demo.generator import seed
from dangvu.members import rollups
from dangvu.members.models import Member
from dangvu.notifications.services import notify
from dangvu.orgs.models import Org, OrgEvent, Term
from dangvu.workcalendar.models import CalendarDay

DEMO_PASSWORD = "dangvu-demo-2026"  # noqa: S105 - printed demo password, never used outside demo data

# username, full name, role code, which unit (see _unit_for), staff
DEMO_USERS = [
    ("admin", "Quản trị hệ thống", "quan-tri", "root", True),
    ("vanthu", "Nguyễn Thị Lan", "van-thu", "root", False),
    ("chuyenvien", "Trần Văn Minh", "chuyen-vien", "root", False),
    ("lanhdao", "Lê Quang Hùng", "lanh-dao", "root", False),
    ("bantochuc", "Phạm Thị Hương", "ban-to-chuc", "root", False),
    ("ubkt", "Đỗ Đức Thắng", "uy-ban-kiem-tra", "root", False),
    ("vanthu.xa", "Hoàng Thị Mai", "van-thu", "commune", False),
    ("bantochuc.xa", "Vũ Văn Nam", "ban-to-chuc", "commune", False),
    ("bithu", "Bùi Văn Đức", "bi-thu-chi-bo", "cell", False),
    ("dangvien", "Ngô Thị Hạnh", "dang-vien", "cell", False),
]


class Command(BaseCommand):
    help = "Load deterministic demo data: a provincial party organisation (or, with --national, the country)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--members", type=int, default=12000, help="number of party members (default 12,000)"
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed; the same seed gives the same data"
        )
        parser.add_argument(
            "--national",
            action="store_true",
            help="34 provinces and the central organisations (~60,000 units)",
        )
        parser.add_argument("--if-empty", action="store_true", help="do nothing when units already exist")
        parser.add_argument("--no-users", action="store_true", help="skip the demo log-ins")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["members"] < 0:
            raise CommandError("--members không được âm.")
        if Org.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Đã có dữ liệu, bỏ qua nạp dữ liệu mẫu.")
                self._print_logins()
                return
            raise CommandError("Cơ sở dữ liệu đã có đơn vị. Dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu trống.")
        token = set_origin(Origin(channel="cli"))
        try:
            result, ids, plan = seed(
                members=options["members"], seed=options["seed"], national=options["national"]
            )
            extras_started = time.perf_counter()
            with transaction.atomic():
                self._extras(ids, plan, options)
                audit_log(
                    actor="seed_demo",
                    action="create",
                    event="demo.seed",
                    object_type="demo",
                    object_id="seed",
                    data={"units": result.units, "members": result.members, "seed": options["seed"]},
                )
            result.phases["demo extras (terms, log-ins, proposal)"] = time.perf_counter() - extras_started
            self.result = result  # for bench/bench_seed.py: the seconds of each step
        finally:
            reset_origin(token)
        self.stdout.write(
            f"Đã tạo {result.units:,} đơn vị và {result.members:,} đảng viên "
            f"(đơn vị {result.seconds_units:.1f} s; đảng viên {result.seconds_members:.1f} s, "
            f"{result.member_rows_per_second:,.0f} dòng/s; số liệu cộng dồn {result.seconds_rollups:.1f} s)."
        )
        self._print_logins()

    def _extras(self, ids: list[int], plan: Any, options: dict[str, Any]) -> None:
        root = Org.objects.get(pk=ids[0])
        province = (
            root
            if root.org_type.code == "dang-bo-tinh"
            else Org.objects.filter(depth=2).order_by("path").first()
        )
        assert province is not None
        OrgEvent.objects.bulk_create(
            [OrgEvent(org_id=pk, kind="created", occurred_on=date(2025, 7, 1)) for pk in ids[:500]]
        )
        Term.objects.bulk_create(
            [Term(org=province, name="2025–2030", starts_on=date(2025, 10, 1))]
            + [
                Term(org_id=o.pk, name="2025–2030", starts_on=date(2025, 8, 15))
                for o in Org.objects.filter(path__startswith=province.path, org_type__code="dang-bo-xa")
            ]
        )
        for day, kind, note in [
            (date(2025, 4, 26), "working_day", "Làm bù cho ngày nghỉ 02/5/2025 (Thông báo của Bộ Nội vụ)"),
            (date(2026, 8, 22), "working_day", "Làm bù cho ngày nghỉ 31/8/2026"),
        ]:
            CalendarDay.objects.get_or_create(date=day, defaults={"kind": kind, "note": note})
        if not options["national"]:
            self._plant_duplicates(province)
        if options["no_users"]:
            return
        commune = (
            Org.objects.filter(path__startswith=province.path, org_type__code="dang-bo-xa")
            .order_by("path")
            .first()
        )
        cells = Org.objects.filter(path__startswith=(commune or province).path, org_type__has_members=True)
        # The demo secretary's chi bộ: the first with full members (the proposal on the demo needs one).
        cell = (
            cells.filter(Exists(Member.objects.filter(org=OuterRef("pk"), status="official")))
            .order_by("path")
            .first()
            or cells.order_by("path").first()
        )
        units = {"root": root, "commune": commune or province, "cell": cell or province}
        roles = {role.code: role for role in Role.objects.all()}
        users = []
        for username, full_name, role_code, unit_key, staff in DEMO_USERS:
            user = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                full_name=full_name,
                email=f"{username}@demo.dangvu.local",
                is_staff=staff,
                is_superuser=username == "admin",
            )
            RoleAssignment.objects.create(
                user=user, role=roles[role_code], org=units[unit_key], valid_from=date(2025, 7, 1)
            )
            users.append(user)
        self._who_decides(commune, cell, users)
        rng = random.Random(options["seed"])
        notify(
            recipients=users,
            title="Chào mừng đến với Đảng vụ số",
            body="Đây là dữ liệu mẫu để dùng thử. Mọi thao tác đều được ghi nhật ký.",
            kind="demo.welcome",
        )
        if cell is not None and Member.objects.filter(org=cell).exists():
            sample = rng.choice(list(Member.objects.filter(org=cell).values_list("pk", flat=True)[:50]))
            notify(
                recipients=[u for u in users if u.username in {"bithu", "bantochuc"}],
                title="Có đảng viên dự bị sắp đến hạn xét công nhận chính thức",
                url=f"/members/{sample}/",
                kind="demo.reminder",
                level="reminder",
            )
        self._link_member_account(cell, users)
        self._documents(units["root"], commune, users)

    def _documents(self, root: Org, commune: Org | None, users: list[User]) -> None:
        """Documents on the demo, through the services: an incoming guidance registered by the
        province's clerk (``vanthu``), the province's urgent letter registered by the commune's clerk
        (``vanthu.xa``), and a resolution drafted by the specialist (``chuyenvien``) for the commune,
        waiting for the leader's review (``lanhdao``). Dates are counted back from today, so the
        deadlines on the demo are running, not long overdue."""
        from dangvu.documents.services import document_draft, document_register_incoming

        by_name = {user.username: user for user in users}
        if commune is None or not {"vanthu", "vanthu.xa", "chuyenvien"} <= set(by_name):
            return
        today = timezone.localdate()
        document_register_incoming(
            actor=by_name["vanthu"],
            org=root,
            doc_type="HD",
            subject="Hướng dẫn thực hiện chuyển đổi số trong các cơ quan đảng",
            sender_name="Văn phòng Trung ương Đảng",
            number_text="45-HD/VPTW",
            issued_on=today - timedelta(days=6),
            received_on=today - timedelta(days=2),
            pages=6,
        )
        document_register_incoming(
            actor=by_name["vanthu.xa"],
            org=commune,
            doc_type="CV",
            subject="V/v báo cáo kết quả thực hiện chuyển đổi số năm " + str(today.year),
            sender_org=root,
            number_text="312-CV/TU",
            issued_on=today - timedelta(days=1),
            received_on=today,
            urgency="khan",
            pages=2,
        )
        document_draft(
            actor=by_name["chuyenvien"],
            org=root,
            doc_type="NQ",
            subject="về đẩy mạnh chuyển đổi số trong hoạt động của các cơ quan đảng",
            body=(
                "Ban Thường vụ quyết nghị:\n\n"
                "1. 100% văn bản của các cơ quan đảng được trao đổi dưới dạng điện tử có chữ ký số.\n\n"
                "2. Giao Văn phòng chủ trì, phối hợp các ban xây dựng đảng tổ chức thực hiện."
            ),
            recipients=[commune],
        )

    def _link_member_account(self, cell: Org | None, users: list[User]) -> None:
        """The demo member (``dangvien``) is a member of the demo chi bộ: their account opens their own
        file ("Hồ sơ của tôi"). A member of the cell takes the demo name, through the services."""
        from dangvu.members.services import member_link_account, member_update

        account = next((u for u in users if u.username == "dangvien"), None)
        admin = next((u for u in users if u.username == "admin"), None)
        # The secretary's chi bộ if it has members (a small demo may leave it empty), else the nearest one.
        active = Member.objects.filter(user__isnull=True, status__in=["official", "probationary"])
        member = None
        if cell is not None:
            for place in (cell.path, cell.path[: -Org.steplen], ""):
                candidates = active.filter(org__path__startswith=place).order_by(
                    "status", "pk"
                )  # official first
                if (member := candidates.first()) is not None:
                    break
        if account is None or admin is None or member is None:
            return
        member_update(actor=admin, member=member, changes={"full_name": account.full_name, "sex": "female"})
        member_link_account(actor=admin, member=member, user=account)

    def _who_decides(self, commune: Org | None, cell: Org | None, users: list[User]) -> None:
        """Who decides, on the demo: the first đảng bộ cơ sở of the commune holds delegated admission
        power (decision of the commune's committee), and the demo secretary (``bithu``) has proposed a
        xóa tên that waits in the worklist of the commune's board (``bantochuc.xa``) and the province's."""
        from dangvu.members.models import DecisionDelegation
        from dangvu.members.proposals import proposal_create

        if commune is None or cell is None:
            return
        enterprise = (
            Org.objects.filter(path__startswith=commune.path, org_type__code="dang-bo-co-so")
            .order_by("path")
            .first()
        )
        if enterprise is not None:
            DecisionDelegation.objects.create(
                org=enterprise,
                granted_by=commune,
                decision_number="15-QĐ/ĐU",
                decision_date=date(2025, 9, 15),
                valid_from=date(2025, 10, 1),
                legal_basis="Điều lệ Đảng Điều 36; Quy định 294-QĐ/TW",
            )
        secretary = next(u for u in users if u.username == "bithu")
        member = Member.objects.filter(org=cell, status="official").order_by("pk").first()
        if member is not None:
            proposal_create(
                actor=secretary,
                member=member,
                verb="remove",
                resolution_number="05-NQ/CB",
                resolution_date=timezone.localdate() - timedelta(days=20),
                details={
                    "reason": "Bỏ sinh hoạt đảng 3 tháng liền không có lý do chính đáng",
                    "ground": "removal.no_activity",
                },
            )

    def _plant_duplicates(self, province: Org) -> None:
        """Make a few files look entered twice (same name and birth date, copy without CCCD) in other
        units, so the data-quality page has something to show. The member count stays as asked."""
        members = list(Member.objects.filter(org__path__startswith=province.path).order_by("pk"))
        for original, copy in list(zip(members[:300:100], reversed(members), strict=False))[:3]:
            rollups.track(copy)
            Member.objects.filter(pk=copy.pk).update(
                full_name=original.full_name,
                birth_date=original.birth_date,
                sex=original.sex,
                cccd=None,
                search_text=original.search_text,
                sort_key=original.sort_key,
            )
            copy.refresh_from_db()
            rollups.record(copy)  # the statistics follow the planted sex and birth date

    def _print_logins(self) -> None:
        if not User.objects.filter(username="admin").exists():
            return
        self.stdout.write(f"\nTài khoản dùng thử (mật khẩu chung: {DEMO_PASSWORD}):")
        for username, full_name, role_code, unit_key, _staff in DEMO_USERS:
            self.stdout.write(f"  {username:<14} {full_name:<22} {role_code:<16} ({unit_key})")
