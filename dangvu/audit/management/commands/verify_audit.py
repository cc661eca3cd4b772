from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dangvu.audit.chain import verify_chain


class Command(BaseCommand):
    help = (
        "Chain the pending audit entries, recompute every MAC of the audit log in chain order and compare "
        "the chain with the checkpoints stored outside the database; name the first altered, inserted or "
        "missing entry."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Nhật ký KHÔNG toàn vẹn: {report.problem}. Bản ghi đầu tiên có vấn đề: #{report.first_bad_seq} "
                f"(đã kiểm tra đúng {report.checked} bản ghi trước đó)."
            )
        self.stdout.write(self.style.SUCCESS(f"Nhật ký toàn vẹn: {report.checked} bản ghi, chuỗi băm khớp."))
        if report.checkpoints:
            self.stdout.write(f"Khớp với {report.checkpoints} điểm neo lưu ngoài cơ sở dữ liệu.")
        else:
            self.stdout.write(
                "Chưa có điểm neo nào ngoài cơ sở dữ liệu: không phát hiện được việc xóa toàn bộ nhật ký "
                "(chạy `dangvu audit_checkpoint`)."
            )
