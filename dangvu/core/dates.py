"""Dates as users and old records give them: partial dates (YYYY, YYYY-MM), dd/mm/yyyy, Excel serials."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Annotated

from django.utils.translation import gettext_lazy as _
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from dangvu.core.enums import DatePrecision

_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_VN = re.compile(r"^(?:(\d{1,2})[/.-])?(?:(\d{1,2})[/.-])?(\d{4})$")
_EXCEL_EPOCH = date(1899, 12, 30)


class DateError(ValueError):
    """A value that is not a date; the message (in the active language when it is shown) is safe to show."""


def _build(year: int, month: int | None, day: int | None) -> tuple[date, str]:
    try:
        if month is None:
            return date(year, 1, 1), DatePrecision.YEAR
        if day is None:
            return date(year, month, 1), DatePrecision.MONTH
        return date(year, month, day), DatePrecision.DAY
    except ValueError as error:
        raise DateError(_("Ngày không tồn tại.")) from error


def parse_partial(value: object, *, excel_serials: bool = True) -> tuple[date, str] | None:
    """``(date, precision)`` from YYYY-MM-DD, YYYY-MM, YYYY, dd/mm/yyyy, mm/yyyy, an Excel serial (from
    spreadsheets; not from what a person types, ``excel_serials=False``) or a date object; None for
    empty. Raises ``DateError`` for anything else (e.g. 31/02)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date(), DatePrecision.DAY
    if isinstance(value, date):
        return value, DatePrecision.DAY
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value <= 80000:
            return _EXCEL_EPOCH + timedelta(days=int(value)), DatePrecision.DAY
        raise DateError(_("Số ngày kiểu Excel không hợp lệ."))
    text = str(value).strip()
    if not text:
        return None
    if text.isdigit() and len(text) != 4 and excel_serials:
        return parse_partial(int(text))
    match = _ISO_PARTIAL.match(text)
    if match:
        year, month, day = match.groups()
        return _build(int(year), int(month) if month else None, int(day) if day else None)
    match = _VN.match(text)
    if match:
        first, second, year = match.groups()
        if first and second:
            return _build(int(year), int(second), int(first))
        if first:
            return _build(int(year), int(first), None)
    raise DateError(_("Ngày không hợp lệ (dùng dd/mm/yyyy, yyyy-mm-dd, mm/yyyy hoặc yyyy)."))


def parse_full(value: object) -> date | None:
    """A complete date (day known); partial dates are refused."""
    parsed = parse_partial(value)
    if parsed is None:
        return None
    if parsed[1] != DatePrecision.DAY:
        raise DateError(_("Cần ngày đầy đủ (ngày/tháng/năm)."))
    return parsed[0]


def format_partial(value: date | None, precision: str) -> str:
    """A partial date as Vietnamese users write it: dd/mm/yyyy, mm/yyyy or yyyy."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{value:%m/%Y}"
    return f"{value:%d/%m/%Y}"


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value: object) -> object:
    """Accept a date only as the ISO text ``YYYY-MM-DD`` (or a ``date`` from Python code): pydantic's
    lax mode also reads ``0`` or ``"0"`` as a Unix time (1970-01-01) and a datetime at midnight."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    raise PydanticCustomError("date_parsing", "Input should be a date in the format YYYY-MM-DD")


# The date of every API input (query parameters and bodies): strict ISO text, so ``0`` is not a date.
IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]
