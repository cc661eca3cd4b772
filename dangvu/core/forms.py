"""Form fields of the UI kit: dates typed the Vietnamese way, with a picker beside them.

Dates are text inputs (``dd/mm/yyyy``), never ``<input type=date>``: a browser sends an empty value for a
date it cannot parse (31/02/1980), which a form would take for "cleared" and erase the stored date. Here
an impossible date is an error next to the field and the stored value stays. ``web/datepicker.js`` adds
the picker button to every input marked ``data-datepicker``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dangvu.core.dates import DateError, format_partial, parse_partial
from dangvu.core.enums import DatePrecision


class DateInput(forms.TextInput):
    """A text input for a date with the picker hook and a placeholder (dd/mm/yyyy in every language)."""

    def __init__(self, attrs: dict[str, Any] | None = None, *, partial: bool = False) -> None:
        base = {
            "inputmode": "numeric",
            "autocomplete": "off",
            # Translated although the same in English: the format is the app's, not the language's.
            "placeholder": _("dd/mm/yyyy") if not partial else _("dd/mm/yyyy, mm/yyyy, yyyy"),
            "data-datepicker": "partial" if partial else "day",
            "maxlength": "10",
        }
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, date):
            return f"{value:%d/%m/%Y}"
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], date):
            return format_partial(value[0], value[1])
        return super().format_value(value)


class VNDateField(forms.Field):
    """A whole date typed as dd/mm/yyyy (also yyyy-mm-dd); anything else, or a day that does not exist,
    is refused with a message."""

    widget = DateInput
    default_error_messages = {
        "invalid": _("Ngày không hợp lệ (nhập theo dạng ngày/tháng/năm, ví dụ 05/09/1985)."),
        "partial": _("Cần ngày đầy đủ (ngày/tháng/năm)."),
    }

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        try:
            parsed = parse_partial(value.strip() if isinstance(value, str) else value, excel_serials=False)
        except DateError as error:
            raise ValidationError(str(error), code="invalid") from error
        if parsed is None:
            return None
        if parsed[1] != DatePrecision.DAY:
            raise ValidationError(self.error_messages["partial"], code="partial")
        return parsed[0]


class PartialDateField(forms.Field):
    """A date of which only the year or the month may be known (old member files): dd/mm/yyyy,
    mm/yyyy or yyyy. Cleans to ``(date, precision)`` or None."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", DateInput(partial=True))
        kwargs.setdefault(
            "help_text",
            _("Nhập ngày/tháng/năm; nếu hồ sơ chỉ ghi tháng hoặc năm thì nhập mm/yyyy hoặc yyyy."),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> tuple[date, str] | None:
        if isinstance(value, tuple):
            return value
        try:
            return parse_partial(value.strip() if isinstance(value, str) else value, excel_serials=False)
        except DateError as error:
            raise ValidationError(str(error), code="invalid") from error

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != self.to_python(initial)
        except ValidationError:
            return True
