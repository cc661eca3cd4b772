from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from dangvu.api.errors import ApiError
from dangvu.api.schemas import ERRORS
from dangvu.core.dates import IsoDate
from dangvu.workcalendar.calendar import (
    SUPPORTED_FIRST,
    SUPPORTED_LAST,
    add_working_days,
    is_provisional,
    working_days_between,
    year_calendar,
)
from dangvu.workcalendar.models import CalendarDay
from dangvu.workcalendar.services import calendar_day_remove, calendar_day_set, calendar_year_confirm

router = Router(tags=["calendar"])


def _in_range(*days: date) -> None:
    """Refuse dates the calendar knows no holidays for (a clear 422, not a slow or wrong answer)."""
    for day in days:
        if not SUPPORTED_FIRST <= day <= SUPPORTED_LAST:
            raise ApiError(
                422,
                "date_out_of_range",
                f"Lịch làm việc chỉ tính được từ {SUPPORTED_FIRST:%d/%m/%Y} đến {SUPPORTED_LAST:%d/%m/%Y}.",
                f"The working-day calendar covers {SUPPORTED_FIRST:%d/%m/%Y} to {SUPPORTED_LAST:%d/%m/%Y}.",
            )


class AddWorkingDaysIn(Schema):
    start: IsoDate = Field(description="Ngày bắt đầu (không tính), YYYY-MM-DD")
    days: int = Field(ge=0, le=10000, description="Số ngày làm việc")


class DateOut(Schema):
    date: date
    provisional: bool = Field(
        description="Có năm nào trong khoảng còn tạm tính (Chính phủ chưa công bố lịch nghỉ)"
    )


class BetweenIn(Schema):
    start: IsoDate
    end: IsoDate


class CountOut(Schema):
    working_days: int
    provisional: bool


def _any_provisional(first: date, last: date) -> bool:
    low, high = min(first, last), max(first, last)
    return any(is_provisional(year) for year in range(low.year, high.year + 1))


@router.get(
    "/add-working-days", response={200: DateOut, **ERRORS}, summary="Ngày làm việc thứ N sau một ngày"
)
def add_working_days_endpoint(request: HttpRequest, params: Query[AddWorkingDaysIn]) -> DateOut:
    _in_range(params.start)
    result = add_working_days(params.start, params.days)
    _in_range(result)
    return DateOut(date=result, provisional=_any_provisional(params.start, result))


@router.get(
    "/working-days-between", response={200: CountOut, **ERRORS}, summary="Số ngày làm việc giữa hai ngày"
)
def working_days_between_endpoint(request: HttpRequest, params: Query[BetweenIn]) -> CountOut:
    _in_range(params.start, params.end)
    return CountOut(
        working_days=working_days_between(params.start, params.end),
        provisional=_any_provisional(params.start, params.end),
    )


class CalendarDayOut(Schema):
    date: date
    kind: str
    note: str
    legal_basis: str
    source: str


class YearOut(Schema):
    year: int
    provisional: bool
    legal_basis: str
    days: list[CalendarDayOut]


class DayIn(Schema):
    kind: Literal["holiday", "day_off", "working_day"]
    note: str = Field(default="", max_length=255)
    legal_basis: str = Field(default="", max_length=300)


class ConfirmIn(Schema):
    legal_basis: str = Field(min_length=1, max_length=300)


def _year_out(year: int) -> YearOut:
    calendar = year_calendar(year)
    pinned = {d.date: d for d in CalendarDay.objects.filter(date__year=year).order_by("date")}
    days = [
        CalendarDayOut(
            date=day,
            kind=pinned[day].kind
            if day in pinned
            else ("working_day" if day in calendar.working else "holiday"),
            note=pinned[day].note if day in pinned else "",
            legal_basis=pinned[day].legal_basis if day in pinned else calendar.legal_basis,
            source=pinned[day].source if day in pinned else "package",
        )
        for day in sorted(calendar.off | calendar.working)
    ]
    return YearOut(year=year, provisional=calendar.provisional, legal_basis=calendar.legal_basis, days=days)


@router.get("/years/{year}", response={200: YearOut, **ERRORS}, summary="Ngày nghỉ, ngày làm bù của một năm")
def year_endpoint(request: HttpRequest, year: int) -> YearOut:
    _in_range(date(max(min(year, 9999), 1), 1, 1))
    return _year_out(year)


@router.post(
    "/years/{year}/confirm",
    response={200: YearOut, **ERRORS},
    summary="Xác nhận Chính phủ đã công bố lịch nghỉ của năm",
)
def confirm_year_endpoint(request: HttpRequest, year: int, payload: ConfirmIn) -> YearOut:
    _in_range(date(max(min(year, 9999), 1), 1, 1))
    calendar_year_confirm(actor=request.user, year=year, legal_basis=payload.legal_basis)
    return _year_out(year)


@router.put("/days/{day}", response={200: CalendarDayOut, **ERRORS}, summary="Đặt ngày nghỉ / ngày làm bù")
def set_day_endpoint(request: HttpRequest, day: IsoDate, payload: DayIn) -> CalendarDay:
    _in_range(day)
    return calendar_day_set(
        actor=request.user, day=day, kind=payload.kind, note=payload.note, legal_basis=payload.legal_basis
    )


@router.delete("/days/{day}", response={204: None, **ERRORS}, summary="Xóa một ngày khỏi bảng lịch")
def remove_day_endpoint(request: HttpRequest, day: IsoDate) -> Status[None]:
    calendar_day_remove(actor=request.user, day=get_object_or_404(CalendarDay, date=day))
    return Status(204, None)
