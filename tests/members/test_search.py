"""Member name search: every word typed starts a word of the name, whatever the accents or the plan."""

import io
import unicodedata
from datetime import date

import pytest

from dangvu.members.models import Member, NameWord
from dangvu.members.services import member_create

pytestmark = pytest.mark.django_db

NAMES = [
    "Nguyễn Văn Đức",
    "Nguyễn Văn Dũng",
    "Trần Thị Khuê",
    "Lê Văn Đông",
    "Nguyễn Thị Hoa",
    "Hoàng Văn An",
]


@pytest.fixture
def people_named(tree, admin_user):
    return {
        name: member_create(
            actor=admin_user, org=tree.a1, full_name=name, sex="male", birth_date=date(1980, 1, 1)
        )
        for name in NAMES
    }


def found(query: str) -> list[str]:
    return list(Member.objects.search(query, user=None).in_name_order().values_list("full_name", flat=True))


@pytest.mark.parametrize("search_route", ["sort matches", "walk name order"])
def test_word_prefixes_any_accents_same_answer_on_both_plans(people_named, search_route, monkeypatch):
    if search_route == "walk name order":
        monkeypatch.setattr("dangvu.members.search.SORT_MATCHES_UP_TO", -1)
    assert found("nguyen van du") == ["Nguyễn Văn Dũng", "Nguyễn Văn Đức"]  # Vietnamese order: Dũng < Đức
    assert found("Nguyen Van Duc") == ["Nguyễn Văn Đức"]
    assert found(unicodedata.normalize("NFD", "Nguyễn Văn Đức")) == ["Nguyễn Văn Đức"]
    assert found("ĐỨC NGUYỄN") == ["Nguyễn Văn Đức"]  # word order does not matter
    assert found("ngu th") == ["Nguyễn Thị Hoa"]
    assert found("khu") == ["Trần Thị Khuê"]
    assert found("hoa") == ["Hoàng Văn An", "Nguyễn Thị Hoa"]  # "hoa" starts "Hoàng" too
    assert found("uyen") == []  # inside a word is not the start of one
    assert found("nguyen xyz") == []


def test_new_names_join_the_vocabulary(people_named, tree, admin_user):
    assert NameWord.objects.filter(word="khue").exists()
    member_create(
        actor=admin_user, org=tree.a1, full_name="Y Bih Niê", sex="male", birth_date=date(1990, 1, 1)
    )
    assert set(NameWord.objects.filter(word__in=["y", "bih", "nie"]).values_list("word", flat=True)) == {
        "y",
        "bih",
        "nie",
    }
    assert found("bi ni") == ["Y Bih Niê"]


def test_substring_search_finds_inside_words(people_named, client, people):
    assert list(
        Member.objects.search("uye", user=None, substring=True)
        .in_name_order()
        .values_list("full_name", flat=True)
    ) == [
        "Nguyễn Văn Dũng",
        "Nguyễn Văn Đức",
        "Nguyễn Thị Hoa",
    ]
    client.force_login(people.province)
    body = client.get("/api/v1/members", {"q": "oan", "match": "substring"}).json()
    assert [r["full_name"] for r in body["results"]] == ["Hoàng Văn An"]
    assert client.get("/api/v1/members", {"q": "oan"}).json()["count"] == 0


def test_common_words_are_searched_as_pairs_with_the_same_answers(people_named, tree, admin_user):
    from dangvu.members.search import index_words, tsquery_for

    assert index_words("nguyen van hoa") == "nguyen van hoa nguyen~van nguyen~hoa"
    assert index_words("y bih nie") == "y bih nie"  # no common word, no pairs
    query = tsquery_for(["nguyen", "quang"])
    assert "'nguyen~quang'" in query
    assert "'nguyen' " not in query  # the long list of "nguyen" is not read
    member_create(
        actor=admin_user, org=tree.a1, full_name="Nguyễn Quang Hòa", sex="male", birth_date=date(1980, 1, 1)
    )
    member_create(
        actor=admin_user, org=tree.a1, full_name="Trần Quang Nguyên", sex="male", birth_date=date(1980, 1, 1)
    )
    assert found("nguyen quang") == ["Nguyễn Quang Hòa", "Trần Quang Nguyên"]  # "nguyen" starts "Nguyên" too
    assert found("nguyen quang hoa") == ["Nguyễn Quang Hòa"]
    assert found("quang ng") == ["Nguyễn Quang Hòa", "Trần Quang Nguyên"]
    assert found("nguyen nguy") == [
        "Nguyễn Văn Dũng",
        "Nguyễn Văn Đức",
        "Nguyễn Thị Hoa",
        "Nguyễn Quang Hòa",
        "Trần Quang Nguyên",
    ]


def test_refresh_member_search_recomputes_the_columns(people_named, settings):
    from django.core.management import call_command

    Member.objects.filter(full_name="Trần Thị Khuê").update(search_words="", search_text="")
    settings.DANGVU_SEARCH_COMMON_WORDS = "khue"
    out = io.StringIO()
    call_command("refresh_member_search", stdout=out)
    assert "Đã tính lại" in out.getvalue()
    khue = Member.objects.get(full_name="Trần Thị Khuê")
    assert khue.search_text == "tran thi khue"
    assert khue.search_words == "tran thi khue khue~tran khue~thi"
    assert found("khue tr") == ["Trần Thị Khuê"]


@pytest.mark.parametrize(
    ("digits", "expected"),
    [("0010", ("0010", "0011")), ("0019", ("0019", "0020")), ("99", ("99", None)), ("001080000111", None)],
)
def test_cccd_prefix_is_a_range_on_the_unique_index(digits, expected):
    from dangvu.members.models.member import cccd_prefix

    condition = dict(cccd_prefix(digits).children)
    if expected is None:
        assert condition["cccd__gte"] == digits
    else:
        low, high = expected
        assert condition["cccd__gte"] == low
        assert condition.get("cccd__lt") == high
