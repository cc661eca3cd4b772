"""Over a thousand hostile uploads through the importer: hand-made ones (bombs, truncated, encrypted and
renamed files, odd encodings and CSV dialects, formulas, NUL bytes, huge cells, wrong sheet structures)
and generated ones (hypothesis: random bytes, random tables as CSV and .xlsx, damaged real files).

Every upload ends in one of two ways only: ``ImportError_`` with a message, or a report whose problems
name a row. Never another exception, and never a partial import: the rows, history and audit entries
written are exactly those the report counts, or none.
"""

import csv
import functools
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from dangvu.audit.models import AuditEntry
from dangvu.members.importer import ImportError_, run_import
from dangvu.members.models import Member, MemberImport, MemberOrgPeriod
from tests.core.test_uploads import xlsx_bomb

pytestmark = [pytest.mark.django_db, pytest.mark.hostile]

HEADER = ["Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "Mã chi bộ", "Trạng thái", "Dân tộc"]
GOOD_ROW = ["Nguyễn Văn An", "Nam", "12/05/1980", "001080000001", "A1", "Chính thức", "Kinh"]
HOSTILE = settings(
    deadline=None,
    database=None,
    derandomize=True,  # the same examples in every run: a failure reproduces
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
COUNTED = {"examples": 0}


def counts():
    return (Member.objects.count(), MemberOrgPeriod.objects.count(), AuditEntry.objects.count())


def attempt(tree, people, name, data, mode="all"):
    """Import ``data`` for real and check the only two allowed outcomes."""
    COUNTED["examples"] += 1
    before = counts()
    try:
        report = run_import(
            actor=people.province,
            org=tree.xa,
            upload=SimpleUploadedFile(name, data),
            dry_run=False,
            mode=mode,
        )
    except ImportError_ as error:
        refused = str(error)
    else:
        refused = ""
    if refused:
        assert refused.strip() == refused
        assert len(refused) > 5
        assert counts() == before
        keep(tree, people, name, message=refused)
        return None
    keep(tree, people, name, report=report.as_dict()["errors"])
    members, periods, entries = counts()
    assert all(p.row >= 1 and p.message for p in report.problems)
    if not report.imported:
        assert (members, periods, entries) == before
        return report
    assert report.created + report.updated + report.unchanged == report.valid_rows
    assert (members, periods) == (before[0] + report.created, before[1] + report.created)
    # One entry per new member, one per changed member, one for the file.
    assert entries == before[2] + report.created + report.updated + 1
    return report


def keep(tree, people, name, message="", report=()):
    """Store the outcome as the import job does (a NUL in it would fail on PostgreSQL)."""
    MemberImport.objects.create(
        created_by=people.province,
        org=tree.xa,
        filename=name,
        message=message[:500],
        report=list(report)[:5000],
    )


def csv_bytes(rows, delimiter=",", encoding="utf-8-sig", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator, quoting=quoting).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, sheets=1, first_title=None):
    book = Workbook()
    sheet = book.active
    if first_title:
        sheet.title = first_title
    for row in rows:
        sheet.append(row)
    for index in range(1, sheets):
        book.create_sheet(f"S{index}").append(HEADER)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bytes(entries, method=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def good_xlsx():
    return xlsx_bytes([HEADER, GOOD_ROW, ["Trần Thị Bình", "Nữ", "1975", "001175000002", "A2", "", ""]])


def encrypted(data):
    damaged = bytearray(data)
    damaged[6] |= 1
    central = damaged.find(b"PK\x01\x02")
    damaged[central + 8] |= 1
    return bytes(damaged)


@functools.cache
def hand_made():
    """(name, file name, bytes): each a known way to break an importer (built when first run, not when
    collected)."""
    good = good_xlsx()
    cases = [
        ("zip bomb", "a.xlsx", xlsx_bomb(8)),
        ("encrypted xlsx", "a.xlsx", encrypted(good)),
        ("empty file", "a.csv", b""),
        ("only a BOM", "a.csv", b"\xef\xbb\xbf"),
        ("xls renamed", "a.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000),
        ("pdf renamed", "a.xlsx", b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF"),
        ("pdf as csv", "a.csv", b"%PDF-1.7\n\x00\x01\x02\xff\xfe binary"),
        (
            "ods renamed",
            "a.xlsx",
            zip_bytes(
                {"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<office/>"},
                zipfile.ZIP_STORED,
            ),
        ),
        (
            "docx renamed",
            "a.xlsx",
            zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}),
        ),
        ("zip of nothing", "a.xlsx", zip_bytes({})),
        (
            "xlsx without sheets",
            "a.xlsx",
            zip_bytes({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<w/>"}),
        ),
        (
            "sheet of broken xml",
            "a.xlsx",
            _replace_entry(good, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c><v>1"),
        ),
        (
            "sheet xml with an entity bomb",
            "a.xlsx",
            _replace_entry(
                good,
                "xl/worksheets/sheet1.xml",
                b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
                b"<worksheet><sheetData><row r='1'><c t='inlineStr'><is><t>&b;</t></is></c></row></sheetData>"
                b"</worksheet>",
            ),
        ),
        (
            "xlsx with NUL in shared strings",
            "a.xlsx",
            _replace_entry(good, "xl/sharedStrings.xml", b"\x00" * 64),
        ),
        ("header only", "a.xlsx", xlsx_bytes([HEADER])),
        ("no rows at all", "a.xlsx", xlsx_bytes([])),
        ("header far down", "a.xlsx", xlsx_bytes([[None]] * 5 + [HEADER, GOOD_ROW])),
        ("second sheet has the data", "a.xlsx", xlsx_bytes([["Bảng tổng hợp"]], sheets=2)),
        ("16,384 columns", "a.xlsx", xlsx_bytes([HEADER + ["x"] * 16000, GOOD_ROW])),
        ("rows longer than the header", "a.xlsx", xlsx_bytes([HEADER, [*GOOD_ROW, *range(50)]])),
        ("numbers everywhere", "a.xlsx", xlsx_bytes([HEADER, [1, 2, 3, 4, 5, 6, 7]])),
        (
            "infinite and huge numbers",
            "a.xlsx",
            xlsx_bytes([HEADER, ["A", "Nam", 1e308, 1e300, 10**30, -1, 0.5]]),
        ),
        (
            "negative and fractional serial dates",
            "a.xlsx",
            xlsx_bytes([HEADER, ["A", "Nam", -5, "", "A1", "", ""]]),
        ),
        ("booleans", "a.xlsx", xlsx_bytes([HEADER, [True, False, True, False, True, False, True]])),
        ("formula cells", "a.xlsx", xlsx_bytes([HEADER, ["=1+1", "Nam", "=TODAY()", "=A1", "A1", "", ""]])),
        ("dde formula", "a.csv", csv_bytes([HEADER, ["=cmd|' /C calc'!A0", "Nam", "", "", "A1", "", ""]])),
        ("huge cell in xlsx", "a.xlsx", xlsx_bytes([HEADER, ["A" * 32767, "Nam", "", "", "A1", "", ""]])),
        ("huge cell in csv", "a.csv", csv_bytes([HEADER, ["A" * 300_000, "Nam", "", "", "A1", "", ""]])),
        ("huge header", "a.csv", csv_bytes([["Họ và tên" * 20000, "Giới tính"], ["A", "Nam"]])),
        ("NUL in csv", "a.csv", csv_bytes([HEADER, ["Nguyễn\x00An", "Nam", "", "\x00", "A1", "", ""]])),
        ("NUL in csv header", "a.csv", b"H\x00o va ten,Gioi tinh\nA,Nam\n"),
        ("only NUL bytes", "a.csv", b"\x00" * 1000),
        ("NUL in a valid row", "a.csv", csv_bytes([HEADER, ["Nguyễn Văn\x00 An", *GOOD_ROW[1:]]])),
        ("utf-16", "a.csv", csv_bytes([HEADER, GOOD_ROW], encoding="utf-16")),
        ("utf-16 without BOM", "a.csv", csv_bytes([HEADER, GOOD_ROW], encoding="utf-16-le")),
        (
            "windows-1258",
            "a.csv",
            csv_bytes([["Ho va ten", "Gioi tinh"], ["Nguy\xean", "Nam"]], encoding="cp1258"),
        ),
        ("latin-1", "a.csv", "Họ và tên,Giới tính\nJosé,Nam\n".encode().decode("latin-1").encode("latin-1")),
        ("mojibake", "a.csv", "Họ và tên,Giới tính\nAn,Nam\n".encode().decode("latin-1").encode("utf-8")),
        ("semicolons", "a.csv", csv_bytes([HEADER, GOOD_ROW], delimiter=";")),
        ("tabs", "a.csv", csv_bytes([HEADER, GOOD_ROW], delimiter="\t")),
        ("pipes", "a.csv", csv_bytes([HEADER, GOOD_ROW], delimiter="|")),
        ("CR only", "a.csv", csv_bytes([HEADER, GOOD_ROW], lineterminator="\r")),
        ("everything quoted", "a.csv", csv_bytes([HEADER, GOOD_ROW], quoting=csv.QUOTE_ALL)),
        ("unclosed quote", "a.csv", ('"Họ và tên,Giới tính\n"An,Nam\n' * 3).encode()),
        ("quote in the middle", "a.csv", 'Họ và tên,Giới tính\nA"n,"Na"m\n'.encode()),
        ("escaped newlines in a cell", "a.csv", 'Họ và tên,Giới tính\n"An\nBình\rCường",Nam\n'.encode()),
        ("blank lines", "a.csv", b"\n\n\n" + csv_bytes([HEADER, GOOD_ROW]) + b"\n\n,,,,\n"),
        ("only commas", "a.csv", b",,,,,,\n" * 100),
        ("one column", "a.csv", "Họ và tên\nAn\n".encode()),
        (
            "duplicate headers",
            "a.csv",
            csv_bytes([["Họ và tên", "Họ và tên", "Giới tính"], ["A", "B", "Nam"]]),
        ),
        ("spaces in headers", "a.csv", csv_bytes([["  Họ và tên * ", " GIỚI TÍNH"], ["An", "Nam"]])),
        (
            "control characters",
            "a.csv",
            csv_bytes([HEADER, ["\x1b[31mAn\x07", "Nam", "\x0b", "", "A1", "", ""]]),
        ),
        (
            "bidi and zero-width",
            "a.csv",
            csv_bytes([HEADER, ["\u202eAn\u200b", "N\u200dam", "", "", "A1", "", ""]]),
        ),
        (
            "emoji and astral",
            "a.csv",
            csv_bytes([HEADER, ["🙂" * 100, "Nam", "𝟙𝟚/𝟘𝟙/𝟙𝟡𝟠𝟘", "", "A1", "", ""]]),
        ),
        ("very long dates", "a.csv", csv_bytes([HEADER, ["A", "Nam", "1" * 5000, "9" * 5000, "A1", "", ""]])),
        (
            "date forms",
            "a.csv",
            csv_bytes(
                [HEADER, ["A", "Nam", "31/02/1980", "", "A1", "", ""], ["B", "Nữ", "0/0/0", "", "", "", ""]]
            ),
        ),
        (
            "year zero and far future",
            "a.csv",
            csv_bytes([HEADER, ["A", "Nam", "0000", "", "", "", ""], ["B", "Nam", "99999", "", "", "", ""]]),
        ),
        (
            "html and sql",
            "a.csv",
            csv_bytes([HEADER, ["<script>x</script>'; DROP TABLE x;--", "Nam", "", "", "A1", "", ""]]),
        ),
        ("many rows", "a.csv", csv_bytes([HEADER] + [["An", "X", "", "", "A1", "", ""]] * 20000)),
        ("duplicate CCCD", "a.csv", csv_bytes([HEADER, GOOD_ROW, GOOD_ROW])),
        ("unknown unit", "a.csv", csv_bytes([HEADER, [*GOOD_ROW[:4], "ZZ", *GOOD_ROW[5:]]])),
        ("a unit out of scope", "a.csv", csv_bytes([HEADER, [*GOOD_ROW[:4], "B1", *GOOD_ROW[5:]]])),
        ("random bytes named xlsx", "a.xlsx", bytes(range(256)) * 40),
        ("zip header then junk", "a.xlsx", b"PK\x03\x04" + bytes(range(256)) * 4),
        ("csv named xlsx", "a.xlsx", csv_bytes([HEADER, GOOD_ROW])),
        ("xlsx named csv", "a.csv", good),
        ("a valid file", "a.xlsx", good),
    ]
    cases += [
        (f"xlsx truncated at {cut}", "a.xlsx", good[:cut]) for cut in range(100, len(good), len(good) // 25)
    ]
    cases += [
        (f"xlsx with byte {at} flipped", "a.xlsx", _flip(good, at))
        for at in range(30, len(good), len(good) // 25)
    ]
    return cases


def _replace_entry(data, name, content):
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, content if info.filename == name else source.read(info.filename))
    return buffer.getvalue()


def _flip(data, at):
    damaged = bytearray(data)
    damaged[at] ^= 0xFF
    return bytes(damaged)


HAND_MADE_COUNT = 117


def test_hand_made_cases_are_all_collected():
    assert len(hand_made()) == HAND_MADE_COUNT


@pytest.mark.parametrize("index", range(HAND_MADE_COUNT))
def test_hand_made_hostile_uploads(tree, people, index):
    case, filename, data = hand_made()[index]
    try:
        attempt(tree, people, filename, data)
    except BaseException as error:
        error.add_note(f"hostile upload: {case}")
        raise


# --- Generated ------------------------------------------------------------------------------------------

cells = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["Nam", "Nữ", "nam", "X", "", " ", "A1", "A2", "B1", "Dự bị", "Chính thức", "Kinh"]),
    st.sampled_from(["12/05/1980", "1975", "05/1990", "31/02/2000", "1/1/3000", "001080000001", "1e9"]),
    st.from_regex(r"\d{1,14}", fullmatch=True),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=5).map(lambda s: s * 50),
)
headers = st.lists(
    st.sampled_from([*HEADER, "Ghi chú", "", "Họ tên", "Giới", "Số CCCD"]), min_size=1, max_size=9
)
tables = st.tuples(headers, st.lists(st.lists(cells, max_size=10), max_size=8)).map(lambda t: [t[0], *t[1]])


@settings(HOSTILE, max_examples=250)
@given(
    data=st.binary(max_size=3000),
    prefix=st.sampled_from([b"", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xd0\xcf\x11\xe0"]),
)
def test_random_bytes(tree, people, data, prefix):
    attempt(tree, people, "a.xlsx" if prefix == b"PK\x03\x04" else "a.csv", prefix + data)


@settings(HOSTILE, max_examples=300)
@given(
    table=tables,
    delimiter=st.sampled_from([",", ";", "\t", "|", ":"]),
    encoding=st.sampled_from(["utf-8-sig", "utf-8", "utf-16", "cp1258"]),
    lineterminator=st.sampled_from(["\r\n", "\n", "\r"]),
    mode=st.sampled_from(["all", "valid"]),
)
def test_generated_csv(tree, people, table, delimiter, encoding, lineterminator, mode):
    try:
        data = csv_bytes(table, delimiter=delimiter, encoding=encoding, lineterminator=lineterminator)
    except (UnicodeEncodeError, csv.Error):
        data = csv_bytes(table, delimiter=delimiter, encoding="utf-8", lineterminator=lineterminator)
    attempt(tree, people, "a.csv", data, mode)


xlsx_cells = st.one_of(
    cells.map(lambda s: "".join(c for c in s if c >= " " or c in "\t\n\r")),  # what openpyxl can write
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(),
    st.none(),
)


@settings(HOSTILE, max_examples=200)
@given(
    header=headers,
    rows=st.lists(st.lists(xlsx_cells, max_size=10), max_size=8),
    mode=st.sampled_from(["all", "valid"]),
)
def test_generated_xlsx(tree, people, header, rows, mode):
    attempt(tree, people, "a.xlsx", xlsx_bytes([header, *rows]), mode)


GOOD_XLSX = good_xlsx()
GOOD_CSV = csv_bytes([HEADER, GOOD_ROW, ["Trần Thị Bình", "Nữ", "1975", "001175000002", "A2", "", ""]])


@settings(HOSTILE, max_examples=200)
@given(
    original=st.sampled_from([GOOD_XLSX, GOOD_CSV]),
    edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=6),
    cut=st.one_of(st.none(), st.floats(0, 1, exclude_max=True)),
)
def test_damaged_real_files(tree, people, original, edits, cut):
    damaged = bytearray(original)
    for where, value in edits:
        damaged[int(where * len(damaged))] = value
    if cut is not None:
        damaged = damaged[: int(cut * len(damaged))]
    attempt(tree, people, "a.xlsx" if original is GOOD_XLSX else "a.csv", bytes(damaged))


def test_the_suite_covers_over_a_thousand_uploads():
    """Runs last in this module: counts the uploads the tests above made (when the whole module ran)."""
    if COUNTED["examples"] < 100:
        pytest.skip("only part of the module ran")
    assert COUNTED["examples"] >= 1000
