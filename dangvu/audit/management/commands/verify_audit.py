from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dangvu.audit.services import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit log's hash chain and name the first altered or missing entry."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Nhật ký KHÔNG toàn vẹn: {report.problem}. Bản ghi đầu tiên có vấn đề: #{report.first_bad_seq} "
                f"(đã kiểm tra đúng {report.checked} bản ghi trước đó)."
            )
        self.stdout.write(self.style.SUCCESS(f"Nhật ký toàn vẹn: {report.checked} bản ghi, chuỗi băm khớp."))
