"""The import template: an .xlsx with the columns the importer recognises, one example row, and the
reference lists (sex, status, ethnic groups, religions, the user's chi bộ codes, theory levels) as
drop-downs. The headers are the importer's own Vietnamese names (``HEADER_SYNONYMS``), whatever the
interface language: they are what the importer maps, and what Party offices' spreadsheets use.
openpyxl writes it: a small file, and it writes data validations and hidden sheets simply.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from dangvu.core.spreadsheets.safety import text_cell
from dangvu.members.enums import TheoryLevel
from dangvu.members.models import Ethnicity, Religion
from dangvu.orgs.models import Org

# (header, width, example, list name or None, number format)
COLUMNS: list[tuple[str, int, Any, str | None, str]] = [
    ("Họ và tên *", 26, "Nguyễn Văn An", None, "@"),
    ("Giới tính *", 10, "Nam", "sex", "@"),
    ("Ngày sinh", 12, date(1980, 5, 12), None, "dd/mm/yyyy"),
    ("Số CCCD", 15, "001080000001", None, "@"),
    ("Mã chi bộ", 12, None, "units", "@"),
    ("Trạng thái", 12, "Chính thức", "status", "@"),
    ("Ngày vào Đảng", 13, date(2005, 3, 1), None, "dd/mm/yyyy"),
    ("Ngày lễ kết nạp", 13, date(2005, 3, 20), None, "dd/mm/yyyy"),
    ("Ngày chính thức", 13, date(2006, 3, 20), None, "dd/mm/yyyy"),
    ("Dân tộc", 12, "Kinh", "ethnicities", "@"),
    ("Tôn giáo", 12, "Không", "religions", "@"),
    ("Quê quán", 24, "Xã Hiệp Yên, tỉnh Ninh Bình", None, "@"),
    ("Nơi sinh", 24, "", None, "@"),
    ("Nơi thường trú", 24, "", None, "@"),
    ("Số điện thoại", 13, "", None, "@"),
    ("Nghề nghiệp", 16, "", None, "@"),
    ("Lý luận chính trị", 14, "Trung cấp", "theory", "@"),
    ("Số lý lịch", 12, "", None, "@"),
]
# Rows the template's drop-downs and formats cover.
TEMPLATE_ROWS = 2000
UNITS_MAX = 5000


def _lists(user: Any) -> dict[str, list[str]]:
    units = (
        Org.objects.visible_to(user, "members.manage")
        .filter(status="active", org_type__has_members=True)
        .order_by("path")
        .values_list("code", flat=True)[:UNITS_MAX]
    )
    return {
        "sex": ["Nam", "Nữ"],
        "status": ["Chính thức", "Dự bị"],
        "ethnicities": list(Ethnicity.objects.order_by("order", "name").values_list("name", flat=True)),
        "religions": list(Religion.objects.order_by("order", "name").values_list("name", flat=True)),
        "units": [code for code in units if code],
        "theory": [str(label) for value, label in TheoryLevel.choices if value],
    }


def import_template_xlsx(user: Any) -> bytes:
    """The template for ``user``: the chi bộ codes are those where the user may import members."""
    lists = _lists(user)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Đảng viên"
    reference = book.create_sheet("Danh mục")
    reference.sheet_state = "hidden"
    ranges: dict[str, str] = {}
    for column, (name, values) in enumerate(lists.items(), start=1):
        reference.cell(row=1, column=column, value=name)
        for row, value in enumerate(values, start=2):
            text_cell(reference.cell(row=row, column=column), value)
        letter = get_column_letter(column)
        ranges[name] = f"{quote_sheetname(reference.title)}!${letter}$2:${letter}${max(2, len(values) + 1)}"
    units = lists["units"]
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F2DCDB")
    for index, (header, width, example, list_name, number_format) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font, cell.fill = bold, fill
        sheet.column_dimensions[letter].width = width
        value = units[0] if list_name == "units" and units else example
        example_cell = sheet.cell(row=2, column=index, value=value or None)
        example_cell.number_format = number_format
        for row in range(3, TEMPLATE_ROWS + 2):
            sheet.cell(row=row, column=index).number_format = number_format
        if list_name:
            check = DataValidation(type="list", formula1=f"={ranges[list_name]}", allow_blank=True)
            check.error = "Hãy chọn một giá trị trong danh sách."
            check.errorTitle = header.rstrip(" *")
            check.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(check)
    sheet.freeze_panes = "A2"
    book.properties.title = "Mẫu nhập đảng viên"
    book.properties.created = timezone.now().replace(tzinfo=None)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
