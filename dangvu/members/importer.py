"""Importing members from Excel (.xlsx) or CSV: map the columns, check every row, then import all or
only the valid rows, as the user chooses. Re-importing the same file creates no duplicates: a row whose
CCCD or file number is already on record updates that member instead.

Every problem is reported with its spreadsheet line number and column. Nothing is written on a dry run,
and a real run writes everything it imports in one transaction.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from python_calamine import CalamineError

from dangvu.accounts.permissions import require_perm
from dangvu.audit.services import audit_log, diff, snapshot
from dangvu.core.bulk import paused_gc, timed_batches
from dangvu.core.dates import DateError, parse_partial
from dangvu.core.priority import bulk_pacing, bulk_pause
from dangvu.core.spreadsheets.reader import TooManyFormulas, first_sheet
from dangvu.core.text import fold
from dangvu.core.uploads import HostileFile, max_upload_bytes, too_large_message
from dangvu.members import identity, selectors
from dangvu.members.enums import MemberStatus, Sex
from dangvu.members.models import Ethnicity, ImportProgress, Member, Religion
from dangvu.members.services import EDITABLE_FIELDS, NewMember, member_update, members_create_many, new_member
from dangvu.orgs.models import Org

MAX_ROWS = 200_000


class ImportError_(Exception):
    """The file as a whole cannot be read; the message is Vietnamese and safe to show."""


# Folded header text → field. Users' spreadsheets name columns in many ways.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "full_name": ("ho va ten", "ho ten", "ten dang vien", "full name", "full_name"),
    "sex": ("gioi tinh", "gioi", "sex"),
    "birth_date": ("ngay sinh", "ngay thang nam sinh", "nam sinh", "birth date", "birth_date"),
    "cccd": (
        "so cccd",
        "cccd",
        "can cuoc",
        "so can cuoc",
        "so dinh danh",
        "so dinh danh ca nhan",
        "so dinh danh ca nhan (cccd)",
        "so dinh danh ca nhan/cccd",
        "the can cuoc",
        "so the can cuoc",
        "can cuoc cong dan",
        "so can cuoc cong dan",
        "cmnd/cccd",
    ),
    "org": ("ma chi bo", "chi bo", "ma don vi", "don vi", "org"),
    "status": ("trang thai", "loai dang vien", "status"),
    "admitted_on": ("ngay vao dang", "ngay ket nap", "ngay quyet dinh ket nap", "admitted_on"),
    "ceremony_on": ("ngay le ket nap", "ceremony_on"),
    "card_admitted_on": ("ngay vao dang ghi tren the", "ngay vao dang tren the", "card_admitted_on"),
    "recognized_on": ("ngay chinh thuc", "ngay cong nhan chinh thuc", "recognized_on"),
    "ethnicity": ("dan toc", "ethnicity"),
    "religion": ("ton giao", "religion"),
    "birth_place": ("noi sinh",),
    "hometown": ("que quan",),
    "permanent_address": ("noi thuong tru", "thuong tru", "dia chi thuong tru"),
    "current_address": ("noi o hien nay", "cho o hien nay", "dia chi"),
    "phone": ("dien thoai", "so dien thoai", "phone"),
    "email": ("email", "thu dien tu"),
    "file_number": ("so ly lich", "so ll"),
    "card_number": ("so the", "so the dang", "so the dang vien"),
    "occupation": ("nghe nghiep",),
    "work_unit": ("don vi cong tac", "noi cong tac"),
    "position": ("chuc vu",),
    "general_education": ("giao duc pho thong", "trinh do pho thong", "van hoa"),
    "professional_degree": ("chuyen mon", "trinh do chuyen mon"),
    "political_theory": ("ly luan chinh tri", "trinh do ly luan"),
    "other_names": ("ten goi khac", "ten khac"),
}
FIELD_LABELS = {
    "full_name": "Họ và tên",
    "sex": "Giới tính",
    "birth_date": "Ngày sinh",
    "cccd": "Số định danh cá nhân (CCCD)",
    "org": "Mã chi bộ",
    "status": "Trạng thái",
    "admitted_on": "Ngày kết nạp",
    "ceremony_on": "Ngày lễ kết nạp",
    "recognized_on": "Ngày chính thức",
    "ethnicity": "Dân tộc",
    "religion": "Tôn giáo",
}
_SEX = {
    "nam": Sex.MALE,
    "male": Sex.MALE,
    "m": Sex.MALE,
    "nu": Sex.FEMALE,
    "female": Sex.FEMALE,
    "f": Sex.FEMALE,
}
_STATUS = {
    "du bi": MemberStatus.PROBATIONARY,
    "probationary": MemberStatus.PROBATIONARY,
    "chinh thuc": MemberStatus.OFFICIAL,
    "official": MemberStatus.OFFICIAL,
    "": MemberStatus.OFFICIAL,
}
_THEORY = {"so cap": "so-cap", "trung cap": "trung-cap", "cao cap": "cao-cap", "cu nhan": "cu-nhan", "": ""}
_CCCD = re.compile(r"^\d{12}$")


@dataclass
class Problem:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Report:
    total_rows: int = 0
    valid_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    imported: bool = False
    dry_run: bool = True
    mapping: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "total_rows": self.total_rows,
            "valid_rows": self.valid_rows,
            "error_rows": len({p.row for p in self.problems}),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "imported": self.imported,
            "dry_run": self.dry_run,
            "mapping": self.mapping,
            "errors": [p.as_dict() for p in self.problems],
        }


# --- Reading -------------------------------------------------------------------------------------------


def _read_bytes(upload: Any) -> bytes:
    limit = max_upload_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ImportError_(too_large_message())
    data: bytes = upload.read(limit + 1)
    if len(data) > limit:
        raise ImportError_(too_large_message())
    if not data:
        raise ImportError_("Tệp rỗng.")
    return data


NOT_XLSX = "Tệp không phải là tệp Excel .xlsx hợp lệ."
DAMAGED_XLSX = "Tệp Excel bị hỏng (đọc đến dòng {row} thì lỗi); hãy mở bằng Excel, lưu lại rồi tải lên lại."
# What a damaged or hostile file makes the readers (zipfile, zlib, the XML parser, openpyxl) raise.
READ_ERRORS = (
    CalamineError,
    zipfile.BadZipFile,
    zlib.error,
    ParseError,
    ExpatError,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    OSError,
    EOFError,
    NotImplementedError,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_header(value: Any) -> str:
    """A header as text without control characters (a NUL cannot be stored, nor shown)."""
    return _CONTROL.sub("", str(value)).strip() if value is not None else ""


MERGED_CELL = "Ô gộp (merge) — hãy bỏ gộp ô trước khi nhập."


FORMULA_CELL = "Ô chứa công thức — hãy dán giá trị (Paste Values)."


def _cell_values(
    number: int,
    values: list[Any],
    formulas: set[tuple[int, int]],
    headers: list[str],
    problems: list[Problem],
) -> list[Any]:
    """A sheet row's values with its formula cells emptied (the sheet's scan reported them); text
    starting with "=" (a formula typed as text) becomes a problem too."""
    for index, value in enumerate(values):
        if (number, index) in formulas:
            values[index] = None
        elif isinstance(value, str) and value.startswith("="):
            column = headers[index] if index < len(headers) else ""
            problems.append(Problem(number, column, FORMULA_CELL))
            values[index] = None
    return values


def _xlsx_rows(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[Any]]], list[Problem]]:
    """The first sheet, read by ``dangvu.core.spreadsheets.reader`` once its archive passed
    ``check_zip``: line 1 holds the headers."""
    try:
        sheet = first_sheet(data)
        rows = sheet.rows
        _number, header_values = next(rows)
        headers = [_clean_header(v) for v in header_values]
    except HostileFile as error:
        raise ImportError_(NOT_XLSX if error.code == "not_archive" else str(error)) from error
    except TooManyFormulas as error:
        raise ImportError_(TOO_MANY_FORMULAS) from error
    except StopIteration as error:
        raise ImportError_("Trang tính đầu tiên không có dữ liệu.") from error
    except READ_ERRORS as error:
        raise ImportError_(NOT_XLSX) from error
    problems = [Problem(line, ref, MERGED_CELL) for line, ref in sheet.merged]
    # Every formula cell, from the scan of the sheet's XML: a reader may skip a line whose only cell
    # is a formula without a stored result, and a formula's result is not the member's data.
    problems += [
        Problem(line, headers[index] if index < len(headers) else "", FORMULA_CELL)
        for line, index in sorted(sheet.formulas)
    ]

    def body() -> Iterator[tuple[int, list[Any]]]:
        number = 1
        try:
            for number, values in rows:
                values = _cell_values(number, values, sheet.formulas, headers, problems)
                if any(v not in (None, "") for v in values):
                    yield number, values
        except READ_ERRORS as error:
            raise ImportError_(DAMAGED_XLSX.format(row=number + 1)) from error

    return headers, body(), problems


TOO_MANY_FORMULAS = "Tệp chứa quá nhiều ô công thức; hãy dán giá trị (Paste Values) rồi tải lên lại."


def _csv_rows(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[Any]]], list[Problem]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportError_(
            "Tệp CSV không ở bảng mã UTF-8. Hãy lưu lại bằng “CSV UTF-8 (Comma delimited)”."
        ) from error
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # newline="": lines may end in \r\n, \n or \r alone, and a quoted cell may hold line breaks.
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        headers = [_clean_header(h) for h in next(reader)]
    except StopIteration as error:
        raise ImportError_("Tệp không có dữ liệu.") from error
    except csv.Error as error:
        raise ImportError_(_csv_message(1, error)) from error

    def body() -> Iterator[tuple[int, list[Any]]]:
        number = 1
        try:
            for number, values in enumerate(reader, start=2):
                if any(v.strip() for v in values):
                    yield number, values
        except csv.Error as error:
            raise ImportError_(_csv_message(number + 1, error)) from error

    return headers, body(), []


def _csv_message(row: int, error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return f"Dòng {row}: một ô dài quá {csv.field_size_limit():,} ký tự; tệp không đúng dạng danh sách."
    return f"Tệp CSV hỏng ở dòng {row} (dấu ngoặc kép hoặc xuống dòng không khớp); hãy lưu lại từ Excel."


def read_table(
    upload: Any, data: bytes | None = None
) -> tuple[list[str], Iterator[tuple[int, list[Any]]], list[Problem]]:
    """Headers, numbered rows, and problems found while reading (formulas, merged cells). ``data``:
    the upload's bytes, if the caller read them already."""
    data = _read_bytes(upload) if data is None else data
    name = str(getattr(upload, "name", "")).lower()
    if data[:2] == b"PK" or name.endswith(".xlsx"):
        return _xlsx_rows(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportError_("Tệp .xls (Excel 97–2003) không được hỗ trợ; hãy lưu lại dạng .xlsx.")
    return _csv_rows(data)


def auto_mapping(headers: list[str]) -> dict[str, str]:
    """{header: field} for every header recognised by name."""
    by_folded = {syn: field_name for field_name, synonyms in HEADER_SYNONYMS.items() for syn in synonyms}
    mapping: dict[str, str] = {}
    for header in headers:
        field_name = by_folded.get(fold(header).replace("*", "").strip())
        if field_name and field_name not in mapping.values():
            mapping[header] = field_name
    return mapping


# --- Checking ------------------------------------------------------------------------------------------


@dataclass
class Candidate:
    """A valid row: the member it records (checked by ``new_member``) and, once matched by CCCD or file
    number, the member already on record that it updates instead."""

    row: int
    member: NewMember
    existing: Member | None = None

    @property
    def values(self) -> dict[str, Any]:
        return self.member.values

    @property
    def org(self) -> Org:
        org: Org = self.member.org
        return org


# The place a problem is shown when its field has no column in the file.
_UNMAPPED_COLUMN = {"full_name": "Họ và tên", "sex": "Giới tính", "org": "Đơn vị"}
# Text cells copied as they are (the member rules check their length and content).
_TEXT_FIELDS = (
    "birth_place",
    "hometown",
    "permanent_address",
    "current_address",
    "phone",
    "email",
    "occupation",
    "work_unit",
    "position",
    "general_education",
    "professional_degree",
    "other_names",
    "card_number",
)


class RowChecker:
    """Reads each row into a member's values and checks them: the member rules are the services'
    (``new_member``, as for the form and the API); the file adds its own (a CCCD or file number twice,
    a unit outside the import's scope, names not in the reference lists)."""

    def __init__(self, actor: Any, org: Org) -> None:
        self.actor = actor
        self.org = org
        self.units = {
            o.code: o
            for o in Org.objects.visible_to(actor, "members.manage")
            .filter(path__startswith=org.path)
            .select_related("org_type")
        }
        self.ethnicities = selectors.ReferenceList(Ethnicity)
        self.religions = selectors.ReferenceList(Religion)
        self.seen_cccd: dict[str, int] = {}
        self.seen_file: dict[str, int] = {}
        self.today = timezone.localdate()
        self._dates: dict[Any, tuple[Any, str] | str | None] = {}

    def _parse_date(self, raw: Any) -> tuple[Any, str] | str | None:
        """``parse_partial`` of a cell, or the message refusing it; remembered per value (a file holds
        the same dates again and again)."""
        key: tuple[type[Any], Any] | None = (type(raw), raw)  # 1, 1.0 and True: equal keys, not cells
        try:
            return self._dates[key]
        except KeyError:
            pass
        except TypeError:  # not hashable: not a cell value the readers give, parse it anyway
            key = None
        outcome: tuple[Any, str] | str | None
        try:
            outcome = parse_partial(raw)
        except DateError as error:
            outcome = str(error)
        except (ValueError, OverflowError):  # "1" × 5,000, a superscript digit, 1e308 days
            outcome = "Ngày không hợp lệ."
        if key is not None:
            self._dates[key] = outcome
        return outcome

    def _date(self, raw: Any, problem: Callable[[str], None], partial: bool = False) -> Any:
        parsed = self._parse_date(raw)
        if isinstance(parsed, str):
            problem(parsed)
            return None
        if parsed is None:
            return None
        value, precision = parsed
        if not partial and precision != "day":
            problem("Cần ngày đầy đủ (ngày/tháng/năm).")
            return None
        return (value, precision) if partial else value

    def check(
        self, number: int, raw: dict[str, Any], columns: dict[str, str]
    ) -> tuple[Candidate | None, list[Problem]]:
        problems: list[Problem] = []
        unread: set[str] = set()  # fields whose cell was refused: the rules would only repeat it

        def column(key: str) -> str:
            return columns.get(key) or _UNMAPPED_COLUMN.get(key, "")

        def refuse(key: str) -> Callable[[str], None]:
            def problem(message: str) -> None:
                problems.append(Problem(number, column(key), message))
                unread.add(key)

            return problem

        text = {k: ("" if v is None else str(v).strip()) for k, v in raw.items()}
        for key, value in text.items() if _CONTROL.search("".join(text.values())) else ():
            if _CONTROL.search(value):
                # A NUL cannot be stored; the other control characters are never part of a record.
                problems.append(Problem(number, columns.get(key, ""), "Ô chứa ký tự điều khiển (NUL…)."))
                text[key] = _CONTROL.sub("", value)
                raw[key] = text[key]
        values: dict[str, Any] = {"full_name": text.get("full_name", "")}
        values["sex"] = _SEX.get(fold(text.get("sex", "")))
        if values["sex"] is None:
            refuse("sex")("Giới tính phải là Nam hoặc Nữ.")
        birth = self._date(raw.get("birth_date"), refuse("birth_date"), partial=True)
        if birth:
            values["birth_date"], values["birth_date_precision"] = birth
        for key in ("admitted_on", "ceremony_on", "recognized_on", "card_admitted_on"):
            values[key] = self._date(raw.get(key), refuse(key))
        status = _STATUS.get(fold(text.get("status", "")))
        if status is None:
            refuse("status")("Trạng thái phải là Dự bị hoặc Chính thức.")
        values["status"] = status or MemberStatus.OFFICIAL
        values["cccd"] = self._cccd(number, raw.get("cccd"), text.get("cccd", ""), refuse("cccd"))
        file_number = text.get("file_number", "")
        if file_number:
            if file_number in self.seen_file:
                problems.append(
                    Problem(
                        number,
                        column("file_number"),
                        f"Số lý lịch trùng với dòng {self.seen_file[file_number]}.",
                    )
                )
            self.seen_file[file_number] = number
        values["file_number"] = file_number
        org = self.org
        if text.get("org"):
            found = self.units.get(text["org"])
            if found is None:
                refuse("org")(f"Không có chi bộ mã “{text['org']}” trong phạm vi được nhập.")
            else:
                org = found
        for key, table in (("ethnicity", self.ethnicities), ("religion", self.religions)):
            if text.get(key):
                found_ref = table.find(text[key])
                if found_ref is None:
                    refuse(key)(f"“{text[key]}” không có trong danh mục.")
                values[key] = found_ref
        theory = _THEORY.get(fold(text.get("political_theory", "")))
        if theory is None:
            refuse("political_theory")("Trình độ lý luận: Sơ cấp, Trung cấp, Cao cấp hoặc Cử nhân.")
        values["political_theory"] = theory or ""
        for key in _TEXT_FIELDS:
            if text.get(key):
                values[key] = text[key]
        try:
            member = new_member(org=org, values=values, today=self.today)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                if key not in unread:
                    problems.extend(Problem(number, column(key), message) for message in messages)
            return None, problems
        if problems:
            return None, problems
        return Candidate(number, member), []

    def _cccd(self, number: int, raw: Any, text: str, problem: Callable[[str], None]) -> str:
        """The CCCD as text (a number cell loses the leading zeros every CCCD starts with: province
        codes 001–096); one already on an earlier row of the file is refused."""
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            text = str(int(raw)).zfill(12)
        cccd = re.sub(r"\s", "", text)
        if cccd.endswith(".0"):  # a number cell read as float
            cccd = cccd[:-2]
        if _CCCD.match(cccd):
            if cccd in self.seen_cccd:
                problem(f"Số định danh cá nhân (CCCD) trùng với dòng {self.seen_cccd[cccd]}.")
            else:
                self.seen_cccd[cccd] = number
        return cccd


def _match_existing(candidates: list[Candidate], problems: list[Problem], actor: Any) -> None:
    by_cccd = {c.values["cccd"]: c for c in candidates if c.values.get("cccd")}
    if by_cccd and identity.over_the_limit(actor):
        # Past the day's limit of hidden conflicts a user records no CCCD at all, as on the form: a
        # refusal for taken numbers only would be the oracle again.
        problems.extend(Problem(c.row, "CCCD", str(identity.LIMITED)) for c in by_cccd.values())
        for limited in by_cccd.values():
            limited.values["cccd"] = None
        by_cccd = {}
    by_file = {c.values["file_number"]: c for c in candidates if c.values.get("file_number")}
    # The matching rule and the judgement are the members services' (the same as for one record).
    found = selectors.members_by_identity(list(by_cccd), list(by_file))
    if not found:
        return
    for candidate in candidates:
        member = selectors.identity_match(
            found, candidate.values.get("cccd"), candidate.values.get("file_number")
        )
        if member is None:
            continue
        refusal = identity.match_refusal(actor, member, candidate.org, to_update=True)
        if refusal is None:
            candidate.existing = member
            continue
        if isinstance(refusal, identity.HiddenIdentityConflict):
            # Outside the user's scope: a neutral answer, the conflict goes to the level that sees both
            # records (dangvu.members.identity), never "a member elsewhere has it".
            identity.record_conflict(refusal)
        problems.append(Problem(candidate.row, "CCCD", str(refusal.messages[0])))


# SQLite: the new members of the first batch of a large import (later ones are sized by time); an import of
# no more new members commits in one transaction.
FIRST_BATCH = 500
# A background import writes its new members in batches of this many (each a COPY on PostgreSQL), pausing
# between them when requests want the CPUs (``bulk_pause``).
PACED_BATCH = 2000


def _create_new(actor: Any, candidates: list[Candidate]) -> list[int]:
    return members_create_many(actor=actor, members=[c.member for c in candidates])


def _import_key(data: bytes, actor: Any, org: Org, mode: str, mapping: dict[str, str]) -> str:
    """What makes two runs the same import: the file's bytes, the unit, the user, the mode, the mapping."""
    digest = hashlib.sha256(data)
    digest.update(json.dumps([getattr(actor, "pk", None), org.pk, mode, sorted(mapping.items())]).encode())
    return digest.hexdigest()


def _progress(
    key: str, actor: Any, org: Org, upload: Any, last_row: int, created: int, ids: list[int]
) -> None:
    """Record, in the batch's transaction, that the rows up to ``last_row`` are committed."""
    progress, _new = ImportProgress.objects.get_or_create(
        key=key,
        defaults={
            "org": org,
            "created_by": actor if getattr(actor, "is_authenticated", False) else None,
            "filename": str(getattr(upload, "name", ""))[:255],
            "first_member_id": min(ids, default=None),
        },
    )
    ImportProgress.objects.filter(pk=progress.pk).update(
        last_row=last_row, created_count=created, updated_at=timezone.now()
    )


def _recorded_by(progress: ImportProgress, candidate: Candidate) -> bool:
    """Did the committed batches of an earlier run record this row? Batches take the new members in
    row order, so every row up to ``last_row`` that was new then is on record now: unmatched (no CCCD
    or file number), or matched to a member the import created (from ``first_member_id`` on). A row
    matched to an older member was an update, which only the last transaction makes: it is done now."""
    if candidate.row > progress.last_row:
        return False
    existing = candidate.existing
    return existing is None or existing.pk >= (progress.first_member_id or 0)


@paused_gc()
def run_import(
    *,
    actor: Any,
    org: Org,
    upload: Any,
    dry_run: bool = True,
    mode: str = "all",
    mapping: dict[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
    on_imported: Callable[[Report], None] | None = None,
) -> Report:
    """Check (and unless ``dry_run``, import) a spreadsheet of members into ``org``'s subtree.

    ``mode="all"`` imports nothing if any row has a problem; ``mode="valid"`` imports the valid rows.
    ``on_imported(report)`` runs inside the import's transaction, after its last write: what it writes
    (a job's report and status) commits with the imported rows or not at all.
    """
    require_perm(actor, "members.manage", org)
    data = _read_bytes(upload)
    headers, rows, problems = read_table(upload, data)
    column_of = mapping or auto_mapping(headers)
    report = Report(
        dry_run=dry_run, mapping=column_of, problems=problems
    )  # the same list: reading problems arrive as rows are read
    missing = [FIELD_LABELS[f] for f in ("full_name", "sex") if f not in column_of.values()]
    if missing:
        raise ImportError_(
            f"Không tìm thấy cột bắt buộc: {', '.join(missing)}. Các cột của tệp: {', '.join(headers)}."
        )
    index_of = {
        field_name: headers.index(header) for header, field_name in column_of.items() if header in headers
    }
    columns = {field_name: header for header, field_name in column_of.items()}
    checker = RowChecker(actor, org)
    candidates: list[Candidate] = []
    bad_rows = {p.row for p in problems}
    for number, values in rows:
        report.total_rows += 1
        if report.total_rows > MAX_ROWS:
            raise ImportError_(f"Tệp có quá {MAX_ROWS:,} dòng; hãy chia nhỏ.")
        raw = {f: values[i] if i < len(values) else None for f, i in index_of.items()}
        candidate, row_problems = checker.check(number, raw, columns)
        report.problems += row_problems
        if candidate is not None and number not in bad_rows:
            candidates.append(candidate)
        if progress and report.total_rows % 1000 == 0:
            progress(report.total_rows)
    _match_existing(candidates, report.problems, actor)
    bad_rows = {p.row for p in report.problems}
    candidates = [c for c in candidates if c.row not in bad_rows]
    report.valid_rows = len(candidates)
    report.problems.sort(key=lambda p: (p.row, p.column))
    if dry_run or (mode == "all" and report.problems) or not candidates:
        return report
    key = _import_key(data, actor, org, mode, column_of)
    resumed = ImportProgress.objects.filter(key=key).first()
    if resumed is not None:
        # An earlier run of this file crashed after committing some batches: continue after them.
        candidates = [c for c in candidates if not _recorded_by(resumed, c)]
        report.created = resumed.created_count
    new = [c for c in candidates if c.existing is None]
    if connection.vendor == "sqlite" and settings.DANGVU_IMPORT_BATCH_MS > 0 and len(new) > FIRST_BATCH:
        # SQLite has one writer: a large import commits its new members in batches of about
        # DANGVU_IMPORT_BATCH_MS so that logins and file views interleave (each batch whole: members,
        # history, audit entries, and how far the import got: ``ImportProgress``, so that running the
        # file again after a crash continues after the last batch). The last batch commits with the
        # updates and the report below. A small import (one batch) stays one transaction.
        done = 0
        for chunk in timed_batches(new, settings.DANGVU_IMPORT_BATCH_MS / 1000, first=FIRST_BATCH):
            if done + len(chunk) == len(new):
                new = chunk
                break
            with transaction.atomic():
                ids = _create_new(actor, chunk)
                report.created += len(ids)
                _progress(key, actor, org, upload, chunk[-1].row, report.created, ids)
            done += len(chunk)
            bulk_pause()
    with transaction.atomic():
        if bulk_pacing():
            # A background job (dangvu.core.priority): the new members go in batches of a bounded size,
            # still in this one transaction, with a pause after each when requests want the CPUs.
            for start in range(0, len(new), PACED_BATCH):
                report.created += len(_create_new(actor, new[start : start + PACED_BATCH]))
                bulk_pause()
        elif new:
            report.created += len(_create_new(actor, new))
        for done, c in enumerate(candidates):
            if c.existing is None:
                continue
            if done % PACED_BATCH == PACED_BATCH - 1:
                bulk_pause()
            editable = {k: v for k, v in c.values.items() if k in EDITABLE_FIELDS and v not in (None, "")}
            before = snapshot(c.existing)
            try:
                updated = member_update(
                    actor=actor, member=c.existing, changes=editable, reason="Nhập từ tệp"
                )
            except ValidationError as error:
                raise ImportError_(f"Dòng {c.row}: {'; '.join(error.messages)}") from error
            if diff(before, snapshot(updated)):  # the saved row, as member_update locked and wrote it
                report.updated += 1
            else:
                report.unchanged += 1
        audit_log(
            actor=actor,
            action="other",
            obj=org,
            event="members.import_file",
            data={
                "file": str(getattr(upload, "name", "")),
                "created": report.created,
                "updated": report.updated,
                **({"resumed_after_row": resumed.last_row} if resumed else {}),
            },
        )
        ImportProgress.objects.filter(key=key).delete()
        report.imported = True
        if on_imported:
            on_imported(report)
    return report
