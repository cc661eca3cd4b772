from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.audit.chain import checkpoint_write


class Command(BaseCommand):
    help = (
        "Chain the pending audit entries and store a signed checkpoint of the chain (length, last entry, "
        "last MAC) in the audit_checkpoints storage, outside the database (mailed if configured)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="write one even if the chain has not moved")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        if "audit_checkpoints" not in settings.STORAGES:
            raise CommandError("No audit_checkpoints storage is configured (see docs/configuration.md).")
        checkpoint = checkpoint_write(force=options["force"])
        if checkpoint is None:
            self.stdout.write("The chain has not moved since the last checkpoint; nothing written.")
            return
        self.stdout.write(self.style.SUCCESS(f"Checkpoint {checkpoint.name}: {checkpoint.seq} entries."))
