"""Proposals for the register from OCR text: the Party and State number formats, dates, the issuing organ
and the type — including the ways Tesseract mangles them on real scans."""

from datetime import date

import pytest

from dangvu.documents.recognition import KnownType, propose

TYPES = [
    KnownType("nghi-quyet", "Nghị quyết", "NQ"),
    KnownType("quyet-dinh", "Quyết định", "QĐ"),
    KnownType("quy-dinh", "Quy định", "QĐ"),
    KnownType("chuong-trinh-hanh-dong", "Chương trình hành động", "CTHĐ"),
    KnownType("chuong-trinh", "Chương trình", "CTr"),
    KnownType("cong-van", "Công văn", "CV"),
    KnownType("thong-bao", "Thông báo", "TB"),
]

PARTY = """ĐẢNG BỘ TỈNH NINH BÌNH          ĐẢNG CỘNG SẢN VIỆT NAM
TỈNH ỦY
*
Số 12-NQ/TU              Ninh Bình, ngày 05 tháng 3 năm 2026

NGHỊ QUYẾT
về chuyển đổi số trong các cơ quan đảng
"""

MANGLED = """DANG BO TINH NINH BINH   DANG CONG SAN VIET NAM
BAN THƯỜNG VỤ
*
Sô: l2-NQ/TU        Ninh Bình, ngầy O5 thảng 3 năm 2O26
NGHI QUYET
"""

STATE = """ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH NINH BÌNH            Độc lập - Tự do - Hạnh phúc
Số: 45/2024/QĐ-UBND       Ninh Bình, ngày 29 tháng 02 năm 2024
QUYẾT ĐỊNH
"""


def test_a_party_document_yields_its_number_date_place_organ_and_type():
    found = propose(PARTY, TYPES)
    assert found.number_text.value == "12-NQ/TU"
    assert found.issued_on.value == date(2026, 3, 5)
    assert found.place.value == "Ninh Bình"
    assert found.sender_name.value == "TỈNH ỦY"
    assert "ĐẢNG BỘ TỈNH NINH BÌNH" in found.sender_name.source
    assert found.doc_type.value == "nghi-quyet"
    assert found.as_json()["issued_on"] == {"value": "2026-03-05", "source": found.issued_on.source}


def test_ocr_mangled_digits_accents_and_so_are_read_back():
    found = propose(MANGLED, TYPES)
    assert found.number_text.value == "12-NQ/TU"
    assert found.issued_on.value == date(2026, 3, 5)
    assert found.doc_type.value == "nghi-quyet"
    assert found.sender_name.value == "BAN THƯỜNG VỤ"


def test_the_state_format_and_a_leap_day():
    found = propose(STATE, TYPES)
    assert found.number_text.value == "45/2024/QĐ-UBND"
    assert found.issued_on.value == date(2024, 2, 29)
    assert found.doc_type.value == "quyet-dinh"
    assert found.sender_name.value == "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("Số 05-CV/ĐU", "05-CV/ĐU"),
        ("Số: 5 - CV/ĐU về việc", "05-CV/ĐU"),
        ("So 123-QĐ/TW", "123-QĐ/TW"),
        ("S6 07-TB/ÐU", "07-TB/ĐU"),
        ("Số: 15/UBND-VP", "15/UBND-VP"),
    ],
)
def test_number_lines_as_scanned(line, number):
    assert propose(line, TYPES).number_text.value == number


def test_the_type_of_a_letter_comes_from_the_abbreviation_in_its_number():
    assert propose("Số 05-CV/ĐU\nV/v triển khai", TYPES).doc_type.value == "cong-van"
    # The longer name wins over its prefix.
    assert propose("CHƯƠNG TRÌNH HÀNH ĐỘNG", TYPES).doc_type.value == "chuong-trinh-hanh-dong"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ngày 31 tháng 02 năm 2026",  # no such day
        "Số 0-NQ/TU",  # no number zero
        "ngày 05 tháng 3 năm 1800",  # out of range
        "Số điện thoại 0912",  # not a document number
    ],
)
def test_nothing_is_proposed_from_what_is_not_there(text):
    found = propose(text, TYPES)
    assert found.number_text is None
    assert found.issued_on is None
