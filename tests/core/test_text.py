import unicodedata

import pytest

from dangvu.core.text import fold, search_terms, sort_key, split_name, text_sort_key
from dangvu.orgs.models import Org


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Nguyễn Văn Đức", "nguyen van duc"),
        ("NGUYỄN VĂN ĐỨC", "nguyen van duc"),
        ("nguyen van duc", "nguyen van duc"),
        ("  Trần   Thị\tÁnh ", "tran thi anh"),
        ("Đảng ủy phường Đông Tiến", "dang uy phuong dong tien"),
        ("Hoà / Hòa", "hoa / hoa"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_removes_case_tones_and_d_stroke(value, expected):
    assert fold(value) == expected


def test_fold_treats_decomposed_and_composed_unicode_alike():
    composed = "Nguyễn Văn Đức"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert fold(decomposed) == fold(composed) == "nguyen van duc"


def test_search_terms_are_folded_unique_and_longest_first():
    assert search_terms("Đức  nguyễn đức") == ["nguyen", "duc"]


def test_split_name_gives_family_middle_given():
    assert split_name("Nguyễn Thị Minh Khai") == ("Nguyễn", "Thị Minh", "Khai")
    assert split_name("Lò Pao") == ("Lò", "", "Pao")
    assert split_name("Sùng") == ("", "", "Sùng")


def test_people_sort_by_given_then_middle_then_family_in_vietnamese_alphabet():
    expected = [
        "Trần Đức Anh",
        "Lê Văn Anh",
        "Nguyễn Văn Anh",
        "Phạm Thị Ánh",
        "Hồ Văn Ân",
        "Ngô Văn Bình",
        "Trần Văn Dũng",
        "Vũ Thị Duy",
        "Lê Văn Đức",
        "Đỗ Thị Ê",
        "Lý Văn Ơn",
        "Bùi Thị Ư",
        "Hà Văn Y",
    ]
    shuffled = [expected[i] for i in (7, 3, 12, 0, 9, 5, 1, 11, 4, 8, 2, 10, 6)]
    assert sorted(shuffled, key=sort_key) == expected


def test_short_name_sorts_before_its_extension_and_tones_after_letters():
    names = ["Nguyễn Văn Anh", "Nguyễn Văn An", "Nguyễn Văn Ấn", "Nguyễn Văn Án"]
    assert sorted(names, key=sort_key) == [
        "Nguyễn Văn An",
        "Nguyễn Văn Án",
        "Nguyễn Văn Anh",
        "Nguyễn Văn Ấn",
    ]


def test_tone_order_is_ngang_huyen_hoi_nga_sac_nang():
    words = ["Ạ", "Á", "Ã", "Ả", "À", "A"]
    assert sorted(words, key=text_sort_key) == ["A", "À", "Ả", "Ã", "Á", "Ạ"]


def test_sort_key_is_ascii_digits_so_every_collation_agrees():
    key = sort_key("Đặng Thị Ngọc Ánh")
    assert key.isdigit()


def test_text_sort_key_orders_unit_names():
    names = ["Chi bộ Đông", "Chi bộ Dương", "Chi bộ An", "Chi bộ Ân"]
    assert sorted(names, key=text_sort_key) == ["Chi bộ An", "Chi bộ Ân", "Chi bộ Dương", "Chi bộ Đông"]


@pytest.mark.django_db
def test_search_column_and_lookup_match_without_accents(tree):
    found = set(Org.objects.search("dong tien").values_list("code", flat=True))
    assert found == {"XB"}
    assert set(Org.objects.search("ĐÔNG TIẾN").values_list("code", flat=True)) == {"XB"}
    # The generic lookup folds on the database side (unaccent on PostgreSQL, vn_fold on SQLite).
    assert set(
        Org.objects.filter(name__vn_icontains="dang uy phuong dong").values_list("code", flat=True)
    ) == {"XB"}
    assert set(Org.objects.filter(name__vn_icontains="Đức").values_list("code", flat=True)) == set()
    assert set(Org.objects.filter(name__vn_icontains="an phu").values_list("code", flat=True)) == {"XA"}


@pytest.mark.django_db
def test_lookup_escapes_like_wildcards(tree):
    assert not Org.objects.filter(name__vn_icontains="%").exists()
    assert not Org.objects.filter(name__vn_icontains="_").exists()
