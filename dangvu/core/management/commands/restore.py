from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.audit.services import verify_chain
from dangvu.core.backup import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = (
        "Check a backup's checksums, then restore its database, stored files and audit checkpoints "
        "into this (empty) installation and recompute the audit chain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="a directory written by `dangvu backup`")
        parser.add_argument(
            "--replace", action="store_true", help="replace the database and files that are already here"
        )
        parser.add_argument(
            "--check-only", action="store_true", help="only compare the files with the manifest"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["source"]
        try:
            if options["check_only"]:
                problems = backup_verify(source).problems
                if problems:
                    raise CommandError("The backup does not match its checksums:\n  " + "\n  ".join(problems))
                self.stdout.write(self.style.SUCCESS(f"{source}: every checksum matches."))
                return
            verification = backup_restore(source, replace=options["replace"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        files = len(verification.manifest["files"])
        self.stdout.write(f"Restored {source} ({files} files checked).")
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"Restored, but the audit chain does not verify: {report.problem}")
        self.stdout.write(self.style.SUCCESS(f"Audit chain verified: {report.checked} entries."))
