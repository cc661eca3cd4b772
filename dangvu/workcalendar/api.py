from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from dangvu.api.schemas import ERRORS
from dangvu.core.dates import IsoDate
from dangvu.workcalendar.calendar import add_working_days, working_days_between

router = Router(tags=["calendar"])


class AddWorkingDaysIn(Schema):
    start: IsoDate = Field(description="Ngày bắt đầu (không tính), YYYY-MM-DD")
    days: int = Field(ge=0, le=10000, description="Số ngày làm việc")


class DateOut(Schema):
    date: date


class BetweenIn(Schema):
    start: IsoDate
    end: IsoDate


class CountOut(Schema):
    working_days: int


@router.get(
    "/add-working-days", response={200: DateOut, **ERRORS}, summary="Ngày làm việc thứ N sau một ngày"
)
def add_working_days_endpoint(request: HttpRequest, params: Query[AddWorkingDaysIn]) -> DateOut:
    return DateOut(date=add_working_days(params.start, params.days))


@router.get(
    "/working-days-between", response={200: CountOut, **ERRORS}, summary="Số ngày làm việc giữa hai ngày"
)
def working_days_between_endpoint(request: HttpRequest, params: Query[BetweenIn]) -> CountOut:
    return CountOut(working_days=working_days_between(params.start, params.end))
