"""Proposals for the register from a scan's OCR text: number and symbol, date, issuing organ, type.

OCR of Vietnamese mangles exactly these strings (a "Số" read as "S6" or "Sô", "0" as "O", "1" as "l",
the two header columns run together on one line, diacritics dropped), so the rules here know the
formats they look for and each proposal carries the line it came from; the clerk confirms every one
(the "correct" verb), nothing is written to the register blind.

Formats known (DOMAIN §8; HD 36-HD/VPTW for the Party, NĐ 30/2020 for the State):
- Party: "Số 12-NQ/TU", "Số 05-CV/ĐU", "Số 123-QĐ/TW" — number, dash, type abbreviation, slash, organ.
- State: "Số: 123/QĐ-UBND", "Số: 45/2024/NĐ-CP", "Số: 15/UBND-VP" (a letter: organ, dash, unit).
- Date line: "Ninh Bình, ngày 05 tháng 3 năm 2026" (the place before the comma).
- The issuing organ: the left header, under its parent ("ĐẢNG BỘ TỈNH NINH BÌNH" / "TỈNH ỦY"), above
  the star and the number; the right header ("ĐẢNG CỘNG SẢN VIỆT NAM", the State motto) is not it.
- The type: its name in capitals above the subject ("NGHỊ QUYẾT"), or, for a letter (công văn), the
  abbreviation in the symbol.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dangvu.core.text import fold

# Digits as OCR misreads them inside a number: O/o → 0, l/I/| → 1, S → 5 only between digits.
_DIGITISH = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "i": "1"})

# "Số", "So", "Sô", "Só", "S6", "S0" followed by an optional colon, then the number and the symbol.
_NUMBER_LINE = re.compile(
    r"(?<![A-Za-zÀ-ỹ])s\s?[oôơóòõọồốổỗộ06]\s*[:.;]?\s*"
    r"(?P<number>[0-9OolI|]{1,5})\s*(?P<sep>[-–/])\s*"
    # Tokens joined by - or / (spaces around a separator tolerated); a space without one ends the symbol
    # (OCR joins the next column with a single space: "27-NQ/TU Ninh Bình, ngày …").
    r"(?P<symbol>[A-ZĐÐ0-9][A-ZĐÐa-zđ0-9]*(?:\s?[-–/]\s?[A-ZĐÐ0-9][A-ZĐÐa-zđ0-9]*){0,4})",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"ng[aà]y\s*(?P<day>[0-9OolI]{1,2})\s*th[aá]ng\s*(?P<month>[0-9OolI]{1,2})\s*n[aă]m\s*(?P<year>[0-9OolI]{4})",
    re.IGNORECASE,
)
_RIGHT_HEADER = (
    "dang cong san viet nam",
    "cong hoa xa hoi chu nghia viet nam",
    "doc lap - tu do - hanh phuc",
    "doc lap tu do hanh phuc",
)


@dataclass
class Proposal:
    value: Any
    source: str  # the line it was read from, for the clerk to compare


@dataclass
class Proposals:
    number_text: Proposal | None = None
    issued_on: Proposal | None = None
    place: Proposal | None = None
    sender_name: Proposal | None = None
    doc_type: Proposal | None = None  # a DocumentType code
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """What the document keeps (``Document.ocr_proposals``): {field: {"value", "source"}}."""
        data: dict[str, Any] = {}
        for name in ("number_text", "issued_on", "place", "sender_name", "doc_type"):
            proposal = getattr(self, name)
            if proposal is not None:
                value = proposal.value
                data[name] = {
                    "value": value.isoformat() if isinstance(value, date) else value,
                    "source": proposal.source[:300],
                }
        if self.notes:
            data["notes"] = list(self.notes)
        return data


@dataclass(frozen=True)
class KnownType:
    code: str
    name: str
    abbreviation: str


def _fold_in_place(line: str) -> str:
    """``fold`` character by character: the same length as ``line`` (no whitespace collapsed), so a
    position found in the folded text cuts the original line."""
    return "".join((fold(ch) or ch)[:1] if not ch.isspace() else " " for ch in line)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip()]


def _digits(raw: str) -> str:
    return raw.translate(_DIGITISH)


def _clean_symbol(raw: str) -> str:
    """The symbol as written in the register: capitals, Đ for the OCR's Ð/D-with-stroke, no spaces."""
    symbol = raw.strip().replace("Ð", "Đ").replace("–", "-").replace(" ", "").strip(".-/")
    return symbol.upper()


def propose_number(lines: list[str]) -> Proposal | None:
    for line in lines[:60]:
        match = _NUMBER_LINE.search(line)
        if match is None:
            continue
        number = _digits(match["number"])
        if not number.isdigit() or int(number) == 0:
            continue
        symbol = _clean_symbol(match["symbol"])
        if not re.search(r"[A-ZĐ]", symbol):
            continue
        separator = "-" if match["sep"] in "-–" else "/"
        text = f"{int(number):02d}{separator}{symbol}" if separator == "-" else f"{int(number)}/{symbol}"
        return Proposal(text, line)
    return None


def propose_date(lines: list[str]) -> tuple[Proposal | None, Proposal | None]:
    """(the date, the place written before it)."""
    for line in lines[:80]:
        folded = _fold_in_place(line)
        match = _DATE.search(folded)
        if match is None:
            continue
        try:
            on = date(int(_digits(match["year"])), int(_digits(match["month"])), int(_digits(match["day"])))
        except ValueError:
            continue
        if not 1945 <= on.year <= 2100:
            continue
        place = None
        start = match.start()
        # The place: what precedes ", ngày" on the line, after the number column.
        prefix = line[:start].rstrip(" ,;.").split("  ")[-1].strip(" ,;.*")
        if 2 <= len(prefix) <= 60 and not any(ch.isdigit() for ch in prefix):
            place = Proposal(prefix, line)
        return Proposal(on, line), place
    return None, None


def _left_column(line: str) -> str:
    """The left header's part of a line where OCR ran the two columns together."""
    folded = _fold_in_place(line).lower()
    cut = len(line)
    for phrase in _RIGHT_HEADER:
        at = folded.find(phrase)
        if at != -1:
            cut = min(cut, at)
    return line[:cut].strip(" *-—_")


def propose_organ(lines: list[str]) -> Proposal | None:
    """The issuing organ, as printed (in capitals; the clerk writes it as the register does): in the
    Party format the last left-header line above the star (its parent above it), in the State format the
    left header's lines together ("ỦY BAN NHÂN DÂN" / "TỈNH NINH BÌNH")."""
    header: list[str] = []
    state = False
    for line in lines[:20]:
        folded = _fold_in_place(line).lower()
        if _NUMBER_LINE.search(line) or _DATE.search(folded) or not any(ch.isalpha() for ch in line):
            break  # the number, the date or the star under the organ (OCR reads it as *, », +, ·)
        state = state or "cong hoa xa hoi" in folded or "doc lap" in folded
        left = _left_column(line)
        if left and left.upper() == left and not any(fold(left).startswith(p) for p in _RIGHT_HEADER):
            header.append(left)
    if not header:
        return None
    if state:
        return Proposal(" ".join(header), " / ".join(header))
    return Proposal(header[-1], " / ".join(header[-2:]))


def _abbreviation_in(number_text: str) -> str:
    """The type abbreviation inside a number: "12-NQ/TU" → NQ (Party), "123/QĐ-UBND" and
    "45/2024/NĐ-CP" → QĐ, NĐ (State); "" for a State letter ("15/UBND-VP") or anything else."""
    party = re.fullmatch(r"\d+-([^/]+)/.+", number_text)
    if party:
        return party[1]
    state = re.fullmatch(r"\d+/(?:\d{4}/)?([^-/]+)-.+", number_text)
    return state[1] if state else ""


def propose_type(lines: list[str], number: Proposal | None, types: list[KnownType]) -> Proposal | None:
    """The type from its name heading the document ("NGHỊ QUYẾT"), else from the abbreviation in the
    number (the first type of an abbreviation: QĐ is Quyết định before Quy định)."""
    known = sorted(types, key=lambda kind: -len(kind.name))  # "Chương trình hành động" before "Chương trình"
    for line in lines[:60]:
        if line.upper() != line:
            continue  # type headings are in capitals
        folded = fold(line).strip(" .:")
        for kind in known:
            if folded == fold(kind.name):
                return Proposal(kind.code, line)
    if number is not None:
        abbreviation = fold(_abbreviation_in(str(number.value)))
        for kind in types:
            if abbreviation and fold(kind.abbreviation) == abbreviation:
                return Proposal(kind.code, number.source)
    return None


def propose(text: str, types: Iterable[KnownType] = ()) -> Proposals:
    """Everything the text suggests for the register."""
    kinds = list(types)
    lines = _lines(text or "")
    result = Proposals()
    result.number_text = propose_number(lines)
    result.issued_on, result.place = propose_date(lines)
    result.sender_name = propose_organ(lines)
    result.doc_type = propose_type(lines, result.number_text, kinds)
    if not lines:
        result.notes.append("Bản quét không có chữ nhận dạng được.")
    return result


def known_types() -> list[KnownType]:
    from dangvu.documents.models import DocumentType

    return [
        KnownType(str(kind.code), str(kind.name), str(kind.abbreviation))
        for kind in DocumentType.objects.order_by("pk")
    ]
