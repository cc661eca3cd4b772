"""The one place every deadline in dangvu is computed, in working days (ngày làm việc).

A working day is Monday–Friday, not a Vietnamese public holiday (the ``holidays`` package: Tết by
the lunar calendar, Giỗ Tổ Hùng Vương, 30/4, 1/5, 2/9 and their compensatory days off), and not a
``CalendarDay`` day off; a ``CalendarDay`` working day (a compensatory Saturday) is one even at a
weekend. Changes to ``CalendarDay`` bump a version in the shared cache, so every process (web, API,
job workers) sees them at once, and every deadline computed afterwards uses them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache

import holidays

from dangvu.core.versions import bump_version as shared_bump
from dangvu.core.versions import current_version

_VERSION_KEY = "dangvu:calendar:version"
_MAX_DAYS = 100_000


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year).keys())


def public_holiday_names(year: int, language: str = "vi") -> dict[date, str]:
    return dict(holidays.country_holidays("VN", years=year, language=language))


def calendar_version() -> int:
    return current_version(_VERSION_KEY)


def bump_version() -> None:
    shared_bump(_VERSION_KEY)
    _exceptions_cached.cache_clear()


@lru_cache(maxsize=256)
def _exceptions_cached(year: int, version: int) -> tuple[frozenset[date], frozenset[date]]:
    from dangvu.workcalendar.models import CalendarDay

    rows = CalendarDay.objects.filter(date__year=year).values_list("date", "kind")
    off = frozenset(day for day, kind in rows if kind == CalendarDay.Kind.DAY_OFF)
    working = frozenset(day for day, kind in rows if kind == CalendarDay.Kind.WORKING_DAY)
    return off, working


def _is_working(day: date, version: int) -> bool:
    off, working = _exceptions_cached(day.year, version)
    if day in working:
        return True
    if day in off or day in _public_holidays(day.year):
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


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is before ``start``.

    ``working_days_between(a, add_working_days(a, n)) == n``.
    """
    if end < start:
        return -working_days_between(end, start)
    version = calendar_version()
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if _is_working(current, version):
            count += 1
    return count


# Modules that store computed due dates register a callback here; it runs (as a job) after every
# calendar change so that open deadlines follow the new calendar.
_recompute_hooks: list[Callable[[], int]] = []


def register_deadline_recompute(hook: Callable[[], int]) -> None:
    if hook not in _recompute_hooks:
        _recompute_hooks.append(hook)


def recompute_deadlines() -> int:
    return sum(hook() for hook in list(_recompute_hooks))
