"""``dangvu signing_demo_ca``: the demo CA and keys for the demo committee (demo only)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dangvu.accounts.models import RoleAssignment
from dangvu.signing import ca, keys


class Command(BaseCommand):
    help = (
        "Tạo CA thử nghiệm, chứng thư cá nhân cho lãnh đạo và chứng thư của cơ quan (con dấu) cho mỗi cấp ủy "
        "trong dữ liệu mẫu, lưu (đã mã hóa) trong DANGVU_SIGNING_DIR. Chỉ dùng thử."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--crl-only", action="store_true", help="only publish a fresh revocation list")

    def handle(self, *args: Any, **options: Any) -> None:
        authority = ca.open_or_create_root()
        if options["crl_only"]:
            self.stdout.write(f"CRL: {authority.publish_crl()}")
            return
        people: dict[str, tuple[str, str]] = {}
        orgs: dict[str, str] = {}
        assignments = RoleAssignment.objects.select_related("user", "role", "org").order_by("pk")
        for assignment in assignments:
            permissions = set(assignment.role.permissions)
            if "signing.sign" in permissions:
                people.setdefault(assignment.user.username, (assignment.user.full_name, assignment.org.name))
            if permissions & {"signing.sign", "signing.seal"}:
                orgs.setdefault(assignment.org.code, assignment.org.name)
        made = 0
        for username, (full_name, org_name) in people.items():
            if not keys.person_key_path(username).exists():
                ca.issue_person(authority, username=username, full_name=full_name, organisation=org_name)
                made += 1
        for code, name in orgs.items():
            if not (keys.signing_dir() / "orgs" / f"{code}.p12").exists():
                ca.issue_organisation(authority, code=code, name=name)
                made += 1
        authority.publish_crl()
        self.stdout.write(
            f"CA thử nghiệm: {keys.signing_dir()}; {made} chứng thư mới "
            f"({len(people)} cá nhân, {len(orgs)} cơ quan)."
        )
