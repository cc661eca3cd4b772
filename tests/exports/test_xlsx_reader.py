"""The .xlsx reader (calamine, openpyxl past the threshold): formulas with a cached result are still
refused, the first sheet is the workbook's first, cells keep their columns, and both readers give the
same report."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from dangvu.core.spreadsheets.reader import column_index, first_sheet
from dangvu.members.importer import FORMULA_CELL, run_import

pytestmark = pytest.mark.django_db

HEADER = ["Họ và tên", "Giới tính", "Ngày sinh", "Mã chi bộ"]


def book_bytes(build):
    book = Workbook()
    build(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_cached_results(data: bytes) -> bytes:
    """What Excel saves: each formula followed by its last result (openpyxl writes none)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = re.sub(
                    rb"<f>([^<]*)</f><v>\s*</v>",
                    lambda m: m.group(0).replace(b"<v></v>", "<v>Nguyễn A</v>".encode()),
                    content,
                )
            target.writestr(item, content)
    return out.getvalue()


def test_column_letters():
    assert [column_index(x) for x in (b"A", b"Z", b"AA", b"AZ", b"XFD")] == [0, 25, 26, 51, 16383]


def test_a_formula_with_a_cached_result_is_still_refused(tree, people):
    def build(book):
        sheet = book.active
        sheet.append(HEADER)
        sheet.append(["Nguyễn Văn An", "Nam", "01/01/1980", "A1"])
        sheet.append(['=CONCAT("Nguy","ễn A")', "Nam", "01/01/1981", "A1"])

    data = with_cached_results(book_bytes(build))
    sheet = first_sheet(data)
    assert sheet.reader == "calamine"
    assert sheet.formulas == {(3, 0)}
    report = run_import(
        actor=people.province, org=tree.xa, upload=SimpleUploadedFile("m.xlsx", data), dry_run=True
    )
    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (3, "Họ và tên", FORMULA_CELL),
        (3, "Họ và tên", "Thiếu họ và tên."),
    ]


def test_the_first_sheet_is_the_workbooks_first_and_columns_keep_their_place(tree, people):
    def build(book):
        notes = book.active
        notes.title = "Ghi chú"
        notes["A1"] = "not the list"
        members = book.create_sheet("Đảng viên", 0)  # first in the workbook, second part by name
        for row in ([None, *HEADER], [None, "Nguyễn Văn An", "Nam", "01/01/1980", "A1"]):
            members.append(row)

    data = book_bytes(build)
    rows = list(first_sheet(data).rows)
    assert rows[0] == (1, [None, *HEADER])
    report = run_import(
        actor=people.province, org=tree.xa, upload=SimpleUploadedFile("m.xlsx", data), dry_run=True
    )
    assert (report.total_rows, report.valid_rows, report.problems) == (1, 1, [])


@pytest.mark.parametrize("limit_mb", [100, 0])  # calamine, then openpyxl's streaming mode
def test_both_readers_give_the_same_report(tree, people, settings, limit_mb):
    settings.DANGVU_IMPORT_CALAMINE_MAX_MB = limit_mb

    def build(book):
        sheet = book.active
        sheet.append(HEADER)
        sheet.append(["Nguyễn Văn An", "Nam", 29353, "A1"])
        sheet.append([])  # an empty line is skipped, the numbering keeps it
        sheet.append(["Trần Thị Bình", "Nữ", "31/02/1990", "A2"])
        sheet.append(["+1+2", "Nam", "1975", "A1"])
        sheet["A6"] = "=1+1"
        sheet.merge_cells("B7:C7")

    data = book_bytes(build)
    assert first_sheet(data).reader == ("calamine" if limit_mb else "openpyxl")
    report = run_import(
        actor=people.province, org=tree.xa, upload=SimpleUploadedFile("m.xlsx", data), dry_run=True
    )
    # Lines 6 (a formula alone) and 7 (an empty merged range) hold no value: only their problems count.
    assert (report.total_rows, report.valid_rows) == (3, 1)
    assert [(p.row, p.column, p.message[:20]) for p in report.problems] == [
        (4, "Ngày sinh", "Ngày không tồn tại."),
        (5, "Họ và tên", "Họ và tên không được"),
        (6, "Họ và tên", FORMULA_CELL[:20]),
        (7, "B7:C7", "Ô gộp (merge) — hãy "),
    ]
