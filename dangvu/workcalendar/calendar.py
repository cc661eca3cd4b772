"""The one place every deadline in dangvu is computed, in working days (ngày làm việc).

A working day is Monday–Friday, not a public holiday nor a day off, or a weekend day the government
made a working day (the make-up Saturday, "làm bù"). The days come from the product's own table
``CalendarDay`` (pinned from the ``holidays`` package by ``seed.py``, with their legal basis, and kept
by administrators); a year not in ``CalendarYear`` is computed from the package at run time and is
provisional, as is a pinned year the government has not announced yet (estimated from the Labour
Code). Changes bump a version in the shared cache, so every process (web, API, job workers) sees them
at once.

Counting: ``working_days_between`` is O(years), not O(days): the weekdays of a range come from a
formula and only the year's exceptions (weekday holidays, working weekends) are looked up.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays

from dangvu.core.versions import bump_version as shared_bump
from dangvu.core.versions import current_version
from dangvu.workcalendar.seed import FIRST_YEAR, LAST_YEAR, package_years

_VERSION_KEY = "dangvu:calendar:version"
_MAX_DAYS = 100_000

# The range the calendar knows holidays for (the package's Vietnamese lunar calendar); outside it only
# weekends count, and the API refuses dates outside it.
SUPPORTED_FIRST = date(FIRST_YEAR, 1, 1)
SUPPORTED_LAST = date(LAST_YEAR, 12, 31)


@dataclass(frozen=True)
class YearCalendar:
    """A year's exceptions to the Monday–Friday week, sorted (for counting by bisection)."""

    off_weekdays: tuple[date, ...]  # holidays and days off falling Monday–Friday
    working_weekends: tuple[date, ...]  # make-up Saturdays (and Sundays)
    off: frozenset[date]
    working: frozenset[date]
    provisional: bool
    legal_basis: str


def public_holiday_names(year: int, language: str = "vi") -> dict[date, str]:
    return dict(holidays.country_holidays("VN", years=year, language=language))


def calendar_version() -> int:
    return current_version(_VERSION_KEY)


def bump_version() -> None:
    shared_bump(_VERSION_KEY)
    _exceptions_cached.cache_clear()
    _pinned_years.cache_clear()


@lru_cache(maxsize=4)
def _pinned_years(version: int) -> dict[int, tuple[bool, str]]:
    from dangvu.workcalendar.models import CalendarYear

    return {y: (p, b) for y, p, b in CalendarYear.objects.values_list("year", "provisional", "legal_basis")}


_EMPTY_BASIS = ""


def _build(off: set[date], working: set[date], provisional: bool, basis: str) -> YearCalendar:
    return YearCalendar(
        off_weekdays=tuple(sorted(d for d in off if d.weekday() < 5)),
        working_weekends=tuple(sorted(d for d in working if d.weekday() >= 5)),
        off=frozenset(off),
        working=frozenset(working),
        provisional=provisional,
        legal_basis=basis,
    )


class _YearCache:
    """The years' calendars of the current version, filled a range at a time (one query for the
    table's days, one call to the package for the years not pinned)."""

    def __init__(self) -> None:
        self.version: int | None = None
        self.years: dict[int, YearCalendar] = {}
        self.lock = threading.Lock()

    def cache_clear(self) -> None:
        self.version, self.years = None, {}

    def fill(self, years: range, version: int) -> None:
        with self.lock:
            self._fill(years, version)

    def _fill(self, years: range, version: int) -> None:
        from dangvu.workcalendar.models import CalendarDay

        if version != self.version:
            self.version, self.years = version, {}
        missing = [y for y in years if y not in self.years]
        if not missing:
            return
        supported = [y for y in missing if FIRST_YEAR <= y <= LAST_YEAR]
        for year in missing:
            if year not in supported:
                self.years[year] = _build(set(), set(), True, _EMPTY_BASIS)
        if not supported:
            return
        pinned = _pinned_years(version)
        computed = package_years([y for y in supported if y not in pinned])
        days: dict[int, tuple[set[date], set[date]]] = {y: (set(), set()) for y in supported}
        meta: dict[int, tuple[bool, str]] = {}
        for year in supported:
            if year in pinned:
                meta[year] = pinned[year]
                continue
            rows, provisional, basis = computed[year]
            meta[year] = (provisional, basis)
            for row in rows:
                days[year][1 if row.kind == CalendarDay.Kind.WORKING_DAY else 0].add(row.day)
        # The table's days (all of a pinned year; an administrator's days in any year) override.
        table = CalendarDay.objects.filter(
            date__gte=date(supported[0], 1, 1), date__lte=date(supported[-1], 12, 31)
        ).values_list("date", "kind")
        for day, kind in table:
            if day.year not in days:
                continue
            off, working = days[day.year]
            off.discard(day)
            working.discard(day)
            (working if kind == CalendarDay.Kind.WORKING_DAY else off).add(day)
        for year in supported:
            self.years[year] = _build(*days[year], *meta[year])

    def __call__(self, year: int, version: int) -> YearCalendar:
        hit = self.years.get(year) if version == self.version else None
        if hit is not None:
            return hit
        with self.lock:
            self._fill(range(year, year + 1), version)
            return self.years[year]


_exceptions_cached = _YearCache()


def year_calendar(year: int) -> YearCalendar:
    return _exceptions_cached(year, calendar_version())


def is_provisional(year: int) -> bool:
    """Whether ``year``'s days off are still estimated (not yet announced by the government)."""
    return year_calendar(year).provisional


def _is_working(day: date, version: int) -> bool:
    year = _exceptions_cached(day.year, version)
    if day in year.working:
        return True
    if day in year.off:
        return False
    return day.weekday() < 5


def is_working_day(day: date) -> bool:
    return _is_working(day, calendar_version())


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted); ``days=0`` gives ``start``."""
    if days < 0:
        raise ValueError("days must not be negative")
    if days > _MAX_DAYS:
        raise ValueError("days is too large")
    version = calendar_version()
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if _is_working(current, version):
            remaining -= 1
    return current


def _weekdays_through(day: date) -> int:
    """Monday–Friday days from 1/1/0001 (a Monday) through ``day``."""
    n = day.toordinal()
    return n // 7 * 5 + min(n % 7, 5)


def _count(items: tuple[date, ...], after: date, through: date) -> int:
    return bisect_right(items, through) - bisect_left(items, after + timedelta(days=1))


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is before ``start``.

    ``working_days_between(a, add_working_days(a, n)) == n``. O(years in the range).
    """
    if end < start:
        return -working_days_between(end, start)
    version = calendar_version()
    count = _weekdays_through(end) - _weekdays_through(start)
    first_year = max(start.year, FIRST_YEAR)
    last_year = min(end.year, LAST_YEAR)
    if first_year <= last_year:
        _exceptions_cached.fill(range(first_year, last_year + 1), version)
    for year in range(first_year, last_year + 1):
        calendar = _exceptions_cached(year, version)
        count -= _count(calendar.off_weekdays, start, end)
        count += _count(calendar.working_weekends, start, end)
    return count


def recompute_deadlines(*, actor: Any, first: date, last: date) -> int:
    """Ask every module's calendar participant to move its open rule-computed deadlines after the
    calendar changed between ``first`` and ``last``. Returns how many deadlines moved."""
    from dangvu.core.modules import calendar_participants

    return sum(
        participant.recompute_deadlines(actor=actor, first=first, last=last)
        for participant in calendar_participants()
    )
