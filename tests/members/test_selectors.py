"""One read path for every member list: the web page, the API, the export and the printout filter,
order and count alike (the same ``selectors.members`` and ``selectors.total``)."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from dangvu.members import selectors
from dangvu.members.importer import run_import
from dangvu.members.models import Ethnicity
from dangvu.members.services import member_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def five(tree, admin_user):
    kinh = Ethnicity.objects.get(name="Kinh")
    for index, name in enumerate(
        ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Nguyễn Thị Dung", "Hà Văn Em"]
    ):
        member_create(
            actor=admin_user,
            org=tree.a1 if index % 2 else tree.a2,
            full_name=name,
            sex="female" if "Thị" in name else "male",
            birth_date=date(1970 + index, 1, 1),
            ethnicity=kinh if index < 3 else None,
        )


def test_the_page_the_api_and_the_export_list_the_same_members(five, people, client, tree):
    client.force_login(people.province)
    html = client.get("/members/", {"org": "XA", "sex": "female"}).content.decode()
    api = client.get(
        "/api/v1/members",
        {"org": tree.xa.pk, "sex": "female"},
    ).json()
    export = client.get("/members/export.xlsx", {"org": "XA", "sex": "female"})
    book = load_workbook(io.BytesIO(export.content))
    exported = [row[1] for row in book.active.iter_rows(min_row=5, values_only=True) if row[1]]
    assert [r["full_name"] for r in api["results"]] == exported == ["Trần Thị Bình", "Nguyễn Thị Dung"]
    assert (api["count"], api["count_exact"]) == (2, True)
    assert html.index("Trần Thị Bình") < html.index("Nguyễn Thị Dung")


def test_reference_lists_match_by_code_or_name_whatever_the_accents(five, people, client, tree):
    kinh = Ethnicity.objects.get(name="Kinh")
    assert selectors.reference(Ethnicity, "kinh") == kinh
    assert selectors.reference(Ethnicity, kinh.code) == kinh
    assert selectors.reference(Ethnicity, "Không có") is None
    client.force_login(people.province)
    html = client.get("/members/", {"ethnicity": "KINH"}).content.decode()
    assert "3 bản ghi" in html
    # An import row matches by the same rule: by code, or by name whatever the accents and case.
    csv = "Họ và tên,Giới tính,Ngày sinh,Dân tộc,Mã chi bộ\n" + "\n".join(
        f"Người Thứ {i},Nam,1980,{value},A1" for i, value in enumerate(["KINH", kinh.code, "Không có"])
    )
    report = run_import(
        actor=people.province, org=tree.xa, upload=SimpleUploadedFile("m.csv", csv.encode()), dry_run=True
    )
    assert [(p.row, p.column) for p in report.problems] == [(4, "Dân tộc")]


def test_a_total_past_the_cap_is_a_lower_bound(five, people):
    criteria = selectors.MemberFilter()
    rows = selectors.members(people.province, criteria)
    assert selectors.total(people.province, criteria, rows, cap=10) == selectors.Total(5, True)
    assert selectors.total(people.province, criteria, rows, cap=3) == selectors.Total(3, False)
    outside = selectors.MemberFilter(nothing=True)
    assert list(selectors.members(people.province, outside)) == []
