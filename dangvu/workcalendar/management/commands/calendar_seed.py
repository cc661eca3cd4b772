"""Pin more years of the working-day calendar from the holidays package (``--year 2031 --year 2032``).

A year already pinned is left alone unless ``--replace`` (then the package's days of that year are
written again; days an administrator entered stay). Open deadlines in the years written are recomputed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from dangvu.workcalendar import calendar
from dangvu.workcalendar.seed import FIRST_YEAR, LAST_YEAR, seed_years


class Command(BaseCommand):
    help = "Pin years of the working-day calendar from the holidays package into the product's table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", required=True)
        parser.add_argument("--replace", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        years = sorted(set(options["year"]))
        if any(not FIRST_YEAR <= y <= LAST_YEAR for y in years):
            raise CommandError(f"Years must be between {FIRST_YEAR} and {LAST_YEAR}.")
        with transaction.atomic():
            written = seed_years(apps, years, replace=options["replace"])
        calendar.bump_version()
        moved = calendar.recompute_deadlines(
            actor=None, first=date(years[0], 1, 1), last=date(years[-1], 12, 31)
        )
        self.stdout.write(f"{written} days written, {moved} deadlines moved.")
