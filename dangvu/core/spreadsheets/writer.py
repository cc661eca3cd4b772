"""Writing large tables to .xlsx at constant memory, as office documents.

The writer is ``rustpy-xlsxwriter`` (Python bindings of the Rust ``rust_xlsxwriter``, which writes
each row to the sheet's XML as it comes: constant memory). Measured on this project's 2-core machine
under load, 100,000 rows × 12 columns (bench/bench_member_export.py measures it again):

* openpyxl write-only mode: ~4,100 rows/s; XlsxWriter ``constant_memory``: ~6,900 rows/s;
* rustpy-xlsxwriter from a generator: ~57,000–63,000 rows/s, ~20 MB peak.

Only the Rust writer reaches the goal of 20,000 rows/s; it writes text as inline strings (never as a
formula, whatever the text starts with), dates as numbers with a date format, and supports the title
rows, frozen header, column widths and formats an office document needs. openpyxl stays for the
small reports with charts (statistics), where speed does not matter.

Excel holds 1,048,576 rows a sheet: a table longer than that continues on further sheets, each with
the title and header rows again.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, BinaryIO, Literal, cast

EXCEL_MAX_ROWS = 1_048_576
# Rows above the header: the title, the subtitle (unit and date) and a blank row.
HEADER_ROW = 3
DATE_FORMAT = "dd/mm/yyyy"

Kind = Literal["text", "date", "number"]


@dataclass(frozen=True)
class Column:
    """One column: ``label`` is its header (already in the reader's language), ``width`` in
    characters; ``kind="date"`` cells are formatted dd/mm/yyyy (a text value, e.g. a partial date
    "1980", stays text)."""

    key: str
    label: str
    width: float = 14
    kind: Kind = "text"


@dataclass(frozen=True)
class Sheet:
    """What every sheet of a table shows above its rows."""

    name: str
    title: str
    subtitle: str = ""


def rows_per_sheet() -> int:
    return EXCEL_MAX_ROWS - HEADER_ROW - 1


def _sheet_names(base: str, count: int) -> list[str]:
    base = base[:25]
    return [base if n == 1 else f"{base} ({n})" for n in range(1, count + 1)]


def write_table(
    target: IO[bytes] | str,
    sheet: Sheet,
    columns: Sequence[Column],
    rows: Iterable[dict[str, Any]],
    *,
    expected_rows: int,
    per_sheet: int | None = None,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 10_000,
) -> int:
    """Write ``rows`` (dicts keyed by the columns' labels, in the columns' order; values are text,
    numbers, dates, naive datetimes or None) to ``target``; returns how many rows were written. Text
    is always written as text, never as a formula.

    Give ``target`` as a path for large tables: the writer streams rows to disk then, whereas with a
    file object it keeps the whole file in memory until the end (+100 MB for 1,000,000 rows).

    ``expected_rows`` (a count made just before) decides how many sheets the table takes; rows past
    ``sheets × per_sheet`` (added after the count) are not written, and the return value says so.
    """
    from rustpy_xlsxwriter import Format, write_worksheets

    per_sheet = per_sheet or rows_per_sheet()
    labels = [c.label for c in columns]
    if len(set(labels)) != len(labels):
        raise ValueError(f"column labels must be unique: {labels}")
    written = 0

    def counted() -> Iterator[dict[str, Any]]:
        nonlocal written
        for row in rows:
            written += 1
            if progress and written % progress_every == 0:
                progress(written)
            yield row

    source = counted()
    first = next(source, None)
    if first is None:  # the Rust writer takes the header from the first row: none to take it from
        _write_empty(target, sheet, columns)
        return 0
    source = itertools.chain([first], source)
    names = _sheet_names(sheet.name, max(1, math.ceil(expected_rows / per_sheet)))
    title = Format().set_bold().set_font_size(14)
    subtitle = Format().set_italic()
    header = Format().set_bold().set_background_color("#F2DCDB").set_border("thin").set_text_wrap()
    last = len(columns) - 1
    date_format = Format().set_num_format(DATE_FORMAT).set_align("left")
    formats = [date_format if c.kind == "date" else Format() for c in columns]
    write_worksheets(
        [(name, itertools.islice(source, per_sheet)) for name in names],
        cast(BinaryIO | str, target),
        datetime_format=DATE_FORMAT,
        header_row=dict.fromkeys(names, HEADER_ROW),
        freeze_panes={"general": {"row": HEADER_ROW + 1, "col": 0}},
        header_format=dict.fromkeys(names, header),
        column_widths={name: [c.width for c in columns] for name in names},
        column_formats={name: list(formats) for name in names},
        merge_ranges={
            name: [(0, 0, 0, last, sheet.title, title), (1, 0, 1, last, sheet.subtitle or " ", subtitle)]
            for name in names
        },
    )
    if progress:
        progress(written)
    return written


def _write_empty(target: IO[bytes] | str, sheet: Sheet, columns: Sequence[Column]) -> None:
    """A table without rows: the same title, subtitle and header (openpyxl: a few cells)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from dangvu.core.spreadsheets.safety import text_cell

    book = Workbook()
    page = book.active
    assert page is not None
    page.title = _sheet_names(sheet.name, 1)[0]
    text_cell(page.cell(row=1, column=1), sheet.title).font = Font(bold=True, size=14)
    text_cell(page.cell(row=2, column=1), sheet.subtitle).font = Font(italic=True)
    for index, column in enumerate(columns, start=1):
        text_cell(page.cell(row=HEADER_ROW + 1, column=index), column.label).font = Font(bold=True)
        page.column_dimensions[get_column_letter(index)].width = column.width
    page.freeze_panes = f"A{HEADER_ROW + 2}"
    book.save(target)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
