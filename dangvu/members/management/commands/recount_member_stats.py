"""Recount the member roll-ups and statistics cells now (the nightly job's work) and print the drift."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvu.members import rollups


class Command(BaseCommand):
    help = (
        "Recount the roll-ups and the kept statistics cells from the member table; print the drift "
        "found against the roll-ups plus pending deltas (it must be zero) and repair it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--min-members", type=int, default=None, help="keep cells for units of at least this many"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        drift = rollups.recount_all(min_members=options["min_members"])
        self.stdout.write(
            f"units off: {drift.units}; members off: {drift.members}; cells off: {drift.cells}; "
            f"pending deltas folded: {drift.pending}"
        )
        if not drift.zero:
            raise CommandError("the roll-ups had drifted (now repaired); see the error log")
