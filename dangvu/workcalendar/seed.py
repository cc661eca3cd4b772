"""Copy Vietnam's public holidays, days off and make-up working days from the ``holidays`` package into
the product's own table (``CalendarDay``/``CalendarYear``), each day with its legal basis.

Why copy: the package is maintained well (lunar Tết, Giỗ Tổ, observed days, the government's yearly
swaps in ``weekend_workdays``) and is the best source to start from, but a new release may change a
past or future day; deadlines already computed must not move because a dependency was upgraded. Once
a year is in the table, the table is the truth and only an administrator changes it (audited, and
every open deadline follows). Used by the data migration ``0002_calendar_pinned_days`` and by the
command ``calendar_seed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import holidays

# The Vietnamese lunar calendar of the package covers these years; outside them only weekends count.
FIRST_YEAR = 1901
LAST_YEAR = 2100

# The migration pins every year the package supports, so the package is read only when the table is
# seeded (``calendar_seed --replace`` after an upgrade that brings a new announcement), never to answer.
SEED_FIRST_YEAR = FIRST_YEAR
SEED_LAST_YEAR = LAST_YEAR

# The government's announcements the package's swaps come from (its own references), by year.
ANNOUNCEMENTS = {
    2010: "Thông báo nghỉ Tết Canh Dần 2010 của Bộ Lao động – Thương binh và Xã hội",
    2012: "Thông báo nghỉ Tết Nhâm Thìn 2012 của Bộ Lao động – Thương binh và Xã hội",
    2013: "Thông báo nghỉ 30/4, 1/5/2013 của Bộ Lao động – Thương binh và Xã hội",
    2014: "Thông báo nghỉ lễ năm 2014 của Bộ Lao động – Thương binh và Xã hội",
    2015: "Thông báo nghỉ lễ, Tết năm 2015 của Bộ Lao động – Thương binh và Xã hội",
    2018: "Công văn 6519/VPCP-KGVX năm 2018 của Văn phòng Chính phủ",
    2019: "Công văn 6519/VPCP-KGVX năm 2018 của Văn phòng Chính phủ",
    2024: "Công văn 2450/VPCP-KGVX năm 2024 của Văn phòng Chính phủ",
    2025: "Thông báo 6150/TB-BLĐTBXH năm 2024 của Bộ Lao động – Thương binh và Xã hội",
    2026: "Thông báo lịch nghỉ Tết Bính Ngọ và Quốc khánh năm 2026 của Chính phủ",
}


def labour_code(year: int) -> str:
    """The article of the Labour Code that lists the public holidays in ``year``."""
    if year >= 2021:
        return "Bộ luật Lao động 2019, Điều 112"
    if year >= 2013:
        return "Bộ luật Lao động 2012, Điều 115"
    return "Bộ luật Lao động 1994, Điều 73"


def last_announced_year() -> int:
    """The latest year the package knows the government's swaps for; later years are provisional."""
    try:
        from holidays.countries.vietnam import VietnamStaticHolidays

        return max(VietnamStaticHolidays.special_public_holidays)
    except (ImportError, AttributeError, ValueError):  # pragma: no cover - another package layout
        return 2026


@dataclass(frozen=True)
class SeedDay:
    day: date
    kind: str  # CalendarDay.Kind value
    note: str
    legal_basis: str


def _year_basis(year: int) -> tuple[bool, str]:
    provisional = year > last_announced_year()
    base = labour_code(year)
    if provisional:
        return True, f"Tạm tính theo {base}; chưa có thông báo của Chính phủ"
    return False, "; ".join(filter(None, [base, ANNOUNCEMENTS.get(year, "")]))


def package_years(years: list[int] | range) -> dict[int, tuple[list[SeedDay], bool, str]]:
    """The days of each of ``years`` as the package computes them (one call to the package for all),
    whether the year is provisional, and the year's legal basis."""
    result: dict[int, tuple[list[SeedDay], bool, str]] = {}
    wanted = sorted(set(years))
    supported = [y for y in wanted if FIRST_YEAR <= y <= LAST_YEAR]
    for year in wanted:
        result[year] = ([], *_year_basis(year)) if year in supported else ([], True, _year_basis(year)[1])
    if not supported:
        return result
    # The swaps of a year are listed with the year they were decided in (31/12/2018 off for Saturday
    # 5/1/2019): ask for the neighbours too and keep each year's own days.
    calendar = holidays.country_holidays(
        "VN", years=range(supported[0] - 1, supported[-1] + 2), language="vi"
    )
    for day, name in sorted(calendar.items()):
        if day.year in result and day.year in supported:
            substituted = "thay cho" in name
            basis = (
                ANNOUNCEMENTS.get(day.year, "Thông báo nghỉ lễ của Chính phủ")
                if substituted
                else labour_code(day.year)
            )
            result[day.year][0].append(
                SeedDay(day, "day_off" if substituted else "holiday", name[:255], basis)
            )
    for day in sorted(getattr(calendar, "weekend_workdays", ())):
        if day.year in result and day.year in supported and day not in calendar:
            basis = ANNOUNCEMENTS.get(day.year, "Thông báo nghỉ lễ của Chính phủ")
            result[day.year][0].append(SeedDay(day, "working_day", "Làm bù", basis))
    return result


def package_year(year: int) -> tuple[list[SeedDay], bool, str]:
    return package_years([year])[year]


def seed_years(apps: Any, years: range | list[int], *, replace: bool = False) -> int:
    """Pin ``years`` from the package (``apps``: the migration's or the real registry). A year already
    pinned is left alone unless ``replace`` (then its package rows are rewritten; days an administrator
    entered stay). Returns how many days were written."""
    day_model = apps.get_model("workcalendar", "CalendarDay")
    year_model = apps.get_model("workcalendar", "CalendarYear")
    written = 0
    computed = package_years(list(years))
    for year in years:
        if year_model.objects.filter(year=year).exists() and not replace:
            continue
        rows, provisional, basis = computed[year]
        admin_days = set(
            day_model.objects.filter(date__year=year, source="admin").values_list("date", flat=True)
        )
        day_model.objects.filter(date__year=year, source="package").delete()
        day_model.objects.bulk_create(
            day_model(date=r.day, kind=r.kind, note=r.note, legal_basis=r.legal_basis, source="package")
            for r in rows
            if r.day not in admin_days
        )
        written += sum(1 for r in rows if r.day not in admin_days)
        year_model.objects.update_or_create(
            year=year, defaults={"provisional": provisional, "legal_basis": basis}
        )
    return written
