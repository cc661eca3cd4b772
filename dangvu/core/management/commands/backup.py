from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database, the stored files and the audit checkpoints into a new directory, "
        "with a manifest of SHA-256 checksums (see dangvu.core.backup and docs/production.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", type=Path, help="a directory that does not exist yet")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = backup_create(options["destination"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {summary.path}: {summary.files} files, {summary.bytes:,} bytes."
            )
        )
