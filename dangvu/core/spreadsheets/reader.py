"""Reading the first sheet of an uploaded .xlsx, after its archive has been judged.

Order of work, so that a hostile file costs nothing:

1. ``check_zip`` (``dangvu.core.uploads``) reads only the archive's directory and refuses it by the
   sizes it declares (bombs, too many entries, encryption) — before any reader opens the file;
2. one streaming pass over the sheet's XML (1 MB at a time, never the whole part) finds the merged
   cells and the formula cells, which the readers below do not report (calamine gives a formula's
   cached value; the importer must refuse formulas, not store their last result);
3. the cells are read by **python-calamine** (Rust): 8–10× openpyxl's read-only mode on this machine
   (200,000 rows × 9–12 columns: 17,000–42,000 rows/s against 1,600–5,400, depending on the load).
   Calamine holds the whole sheet in memory, about twice the sheet's declared XML (200,000 rows × 9
   columns with shared strings: 78 MB of XML, 159 MB read; openpyxl: 54 MB), so a sheet whose
   declared XML (sheet and shared strings) is larger than ``DANGVU_IMPORT_CALAMINE_MAX_MB`` (default
   100, so at most ~200 MB) is read by openpyxl's read-only mode instead, which streams it.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import ElementTree
from django.conf import settings

from dangvu.core.uploads import check_zip

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell ref="([A-Z]{1,3})(\d+):[A-Z]{1,3}\d+"')
_FORMULA = re.compile(rb'<(?:\w+:)?c r="([A-Z]{1,3})(\d+)"[^>]*?(?<!/)>\s*<(?:\w+:)?f[\s>/]')
# Beyond this many formula cells a file is not a list of members to import: refuse it whole rather
# than remember every one.
MAX_FORMULA_CELLS = 10_000


class TooManyFormulas(ValueError):
    pass


def column_index(letters: bytes) -> int:
    """0-based index of a column's letters (A → 0, AA → 26)."""
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


@dataclass
class FirstSheet:
    """The first sheet: ``rows`` yields ``(line number, values)`` from line 1 (the header) on, with
    ``""`` or ``None`` for empty cells; ``formulas`` holds the (line, column index) of formula cells,
    ``merged`` the (first line, range) of merged cells. ``reader`` says which library read it."""

    rows: Iterator[tuple[int, list[Any]]]
    formulas: set[tuple[int, int]] = field(default_factory=set)
    merged: list[tuple[int, str]] = field(default_factory=list)
    reader: str = "calamine"


def _first_sheet_part(archive: zipfile.ZipFile) -> str:
    """The XML part of the workbook's first sheet (by workbook order, as every reader counts it)."""
    names = set(archive.namelist())
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        first = workbook.find(f"{_MAIN}sheets/{_MAIN}sheet")
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        wanted = first.get(f"{_REL}id") if first is not None else None
        for rel in rels.iter(f"{_PKG_REL}Relationship"):
            if rel.get("Id") == wanted:
                target = rel.get("Target", "")
                part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
                part = posixpath.normpath(part)
                if part in names:
                    return part
    except (KeyError, ParseError):  # no workbook part: the first worksheet part by name
        pass
    sheets = sorted(n for n in names if n.startswith("xl/worksheets/sheet"))
    if not sheets:
        raise KeyError("no worksheet")
    return sheets[0]


def _scan(archive: zipfile.ZipFile, part: str) -> tuple[set[tuple[int, int]], list[tuple[int, str]]]:
    """Formula and merged cells of ``part``, streaming its XML (a tag cut between two chunks is kept)."""
    formulas: set[tuple[int, int]] = set()
    merged: list[tuple[int, str]] = []
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1024 * 1024):
            text = tail + chunk
            consumed = 0
            if b"<f" in text or b":f" in text:
                for match in _FORMULA.finditer(text):
                    formulas.add((int(match.group(2)), column_index(match.group(1))))
                    consumed = max(consumed, match.end())
                if len(formulas) > MAX_FORMULA_CELLS:
                    raise TooManyFormulas(len(formulas))
            for match in _MERGE.finditer(text):
                ref = match.group(0).split(b'"')[1].decode()
                merged.append((int(match.group(2)), ref))
                consumed = max(consumed, match.end())
            # Keep the end of the chunk (past the last match) in case a tag is cut in two.
            tail = text[max(consumed, len(text) - 256) :]
    return formulas, merged


def calamine_max_bytes() -> int:
    return int(getattr(settings, "DANGVU_IMPORT_CALAMINE_MAX_MB", 100)) * 1024 * 1024


def _calamine_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        sheet = workbook.get_sheet_by_index(0)
        start = sheet.start or (0, 0)
        padding: list[Any] = [None] * start[1]
        for offset, values in enumerate(sheet.iter_rows()):
            yield start[0] + offset + 1, padding + values
    finally:
        workbook.close()


def _openpyxl_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        # Read-only mode yields every line from the first, empty ones included.
        for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            yield number, list(values)
    finally:
        workbook.close()


def first_sheet(data: bytes) -> FirstSheet:
    """Judge the archive, scan the first sheet's XML, and open it with the fitting reader.

    Raises ``HostileFile`` (the archive's declared sizes), ``TooManyFormulas``, or what a damaged
    file makes zipfile/the XML parser/the readers raise.
    """
    archive = check_zip(io.BytesIO(data))
    part = _first_sheet_part(archive)
    formulas, merged = _scan(archive, part)
    declared = archive.getinfo(part).file_size + sum(
        i.file_size for i in archive.infolist() if i.filename == "xl/sharedStrings.xml"
    )
    if declared <= calamine_max_bytes():
        return FirstSheet(_calamine_rows(data), formulas, merged, "calamine")
    return FirstSheet(_openpyxl_rows(data), formulas, merged, "openpyxl")
