"""The yearly member statistics report of a unit and its subtree, as an Excel workbook with charts."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from dangvu.core.i18n import in_vietnamese
from dangvu.core.spreadsheets.safety import text_cell
from dangvu.members import rollups, stats
from dangvu.members.enums import CURRENT_STATUSES, MemberStatus
from dangvu.orgs.models import Org

# The sections of the report: (key in ``member_stats``, Vietnamese heading, chart kind).
SECTIONS: list[tuple[str, str, str]] = [
    ("by_sex", "Giới tính", "pie"),
    ("by_age_band", "Độ tuổi", "bar"),
    ("by_party_age_band", "Tuổi đảng", "bar"),
    ("by_ethnicity", "Dân tộc", "bar"),
    ("by_religion", "Tôn giáo", "bar"),
    ("by_general_education", "Giáo dục phổ thông", "bar"),
    ("by_political_theory", "Lý luận chính trị", "bar"),
]
STATUS_NAMES = dict(MemberStatus.choices)
SEX_NAMES = {"male": "Nam", "female": "Nữ"}
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEAD_FILL = PatternFill("solid", fgColor="F2DCDB")


def report_period(year: int) -> tuple[date, date]:
    """1/1 to 31/12 of ``year``, or to today for the current year."""
    today = timezone.localdate()
    return date(year, 1, 1), min(date(year, 12, 31), today)


def labelled(key: str, table: dict[str, int]) -> list[tuple[str, int]]:
    if key == "by_sex":
        return [(SEX_NAMES.get(k, k), v) for k, v in table.items()]
    if key in ("by_age_band", "by_party_age_band"):
        return [("Chưa rõ" if k == "unknown" else k, v) for k, v in table.items()]
    return [(k if k != "—" else "Chưa rõ", v) for k, v in table.items()]


@in_vietnamese
def yearly_report_xlsx(org: Org, year: int, *, subtree: bool = True) -> bytes:
    """Sheet "Tổng hợp": totals by status and every breakdown, with a chart per breakdown; sheet
    "Theo đơn vị": the directly subordinate units with their counts by status (from the roll-ups).
    ``subtree=False``: the unit's own members only, and no sheet of sub-units."""
    period_from, period_to = report_period(year)
    figures: dict[str, Any] = stats.member_stats(org, period_from, period_to, subtree=subtree)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Tổng hợp"
    sheet["A1"] = f"BÁO CÁO THỐNG KÊ ĐẢNG VIÊN NĂM {year}"
    sheet["A1"].font = TITLE
    text_cell(sheet["A2"], org.name)  # a unit name is shown, never run as a formula
    sheet["A3"] = f"Kỳ báo cáo: {period_from:%d/%m/%Y} – {period_to:%d/%m/%Y}"
    row = 5
    row = _table(
        sheet,
        row,
        "Số lượng đảng viên",
        [(str(STATUS_NAMES[s]), figures["by_status"].get(s, 0)) for s in CURRENT_STATUSES]
        + [("Tổng số", figures["total"])],
    )
    row = _table(
        sheet,
        row,
        "Biến động trong kỳ",
        [
            ("Kết nạp mới", figures["admitted_in_period"]),
            ("Công nhận chính thức", figures["recognized_in_period"]),
            ("Từ trần", figures["deceased_in_period"]),
        ],
    )
    chart_row = 5
    for key, heading, kind in SECTIONS:
        rows = labelled(key, figures[key])
        start = row
        row = _table(sheet, row, heading, rows)
        if rows:
            chart_row = _chart(sheet, kind, heading, start, len(rows), chart_row)
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 14
    sheet.column_dimensions["C"].width = 10
    if subtree:
        _units_sheet(book, org)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _table(sheet: Any, row: int, heading: str, rows: list[tuple[str, int]]) -> int:
    """A heading, then label | count | share rows; returns the next free row (after a blank one)."""
    total = sum(v for _k, v in rows if _k != "Tổng số") or 0
    sheet.cell(row=row, column=1, value=heading).font = BOLD
    for column, text in enumerate(("Chỉ tiêu", "Số lượng", "Tỷ lệ"), start=1):
        cell = sheet.cell(row=row + 1, column=column, value=text)
        cell.font = BOLD
        cell.fill = HEAD_FILL
    for offset, (label, value) in enumerate(rows, start=2):
        sheet.cell(row=row + offset, column=1, value=label)
        sheet.cell(row=row + offset, column=2, value=value)
        share = sheet.cell(row=row + offset, column=3, value=(value / total) if total else 0)
        share.number_format = "0.0%"
    if not rows:
        sheet.cell(row=row + 2, column=1, value="Không có số liệu").font = Font(italic=True)
        return row + 4
    return row + len(rows) + 3


def _chart(sheet: Any, kind: str, heading: str, start: int, count: int, anchor_row: int) -> int:
    """A chart of the table that starts at ``start`` (labels in A, counts in B), placed at column E."""
    chart: Any = PieChart() if kind == "pie" else BarChart()
    if kind == "bar":
        chart.type = "bar"
        chart.legend = None
    chart.title = heading
    chart.height = max(6.0, 0.6 * count + 2)
    chart.width = 14
    data = Reference(sheet, min_col=2, min_row=start + 1, max_row=start + 1 + count)
    labels = Reference(sheet, min_col=1, min_row=start + 2, max_row=start + 1 + count)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(labels)
    sheet.add_chart(chart, f"E{anchor_row}")
    return anchor_row + int(chart.height * 2) + 2


def _units_sheet(book: Workbook, org: Org) -> None:
    sheet = book.create_sheet("Theo đơn vị")
    headings = ["STT", "Đơn vị", *(str(STATUS_NAMES[s]) for s in CURRENT_STATUSES), "Tổng số"]
    for column, text in enumerate(headings, start=1):
        cell = sheet.cell(row=1, column=column, value=text)
        cell.font = BOLD
        cell.fill = HEAD_FILL
    children = list(Org.objects.get_children(org).filter(status="active").only("pk", "name"))
    counts = rollups.subtree_counts(children)
    for number, child in enumerate(children, start=1):
        values = [counts[child.pk][s] for s in CURRENT_STATUSES]
        sheet.append([number, None, *values, sum(values)])
        text_cell(sheet.cell(row=sheet.max_row, column=2), child.name)
    if not children:
        sheet.append(["", "Không có đơn vị trực thuộc"])
    sheet.column_dimensions[get_column_letter(2)].width = 48
    sheet.freeze_panes = "A2"
