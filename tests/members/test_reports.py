"""Yearly statistics report (.xlsx with charts) and the member charts on a unit's page."""

import io
import zipfile

import pytest
from openpyxl import load_workbook

from dangvu.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def rows_of(sheet):
    return [tuple(c for c in row if c is not None) for row in sheet.iter_rows(values_only=True)]


def test_yearly_report_xlsx_has_the_figures_the_units_and_charts(people, xa_members, tree, client):
    client.force_login(people.province)
    response = client.get("/members/stats/report.xlsx", {"org": "XA", "year": "2026"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="thong-ke-dang-vien-XA-2026.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    summary = rows_of(book["Tổng hợp"])
    assert summary[0] == ("BÁO CÁO THỐNG KÊ ĐẢNG VIÊN NĂM 2026",)
    assert ("Tổng số", 4) in [r[:2] for r in summary]  # XA: A1 + A2, B1 is outside
    assert ("Nam", 1, 0.25) in summary
    assert ("Nữ", 3, 0.75) in summary
    assert ("Kết nạp mới", 1) in [r[:2] for r in summary]
    units = rows_of(book["Theo đơn vị"])
    assert units[1][:2] == (1, tree.a1.name)
    assert units[1][-1] == 2
    assert units[2][-1] == 2
    charts = [
        n for n in zipfile.ZipFile(io.BytesIO(response.content)).namelist() if n.startswith("xl/charts/")
    ]
    assert len(charts) >= 5
    entry = AuditEntry.objects.get(event="members.stats_report")
    assert entry.data == {"year": 2026, "format": "xlsx"}


def test_report_is_scoped_to_the_users_units(people, xa_members, client):
    client.force_login(people.outsider)  # Ban Tổ chức at XB
    assert client.get("/members/stats/report.xlsx", {"org": "XA"}).status_code == 404
    assert client.get("/members/stats/report.xlsx", {"org": "XB"}).status_code == 200
    client.force_login(people.clerk)  # văn thư: no statistics right
    assert client.get("/members/stats/report.xlsx", {"org": "XA"}).status_code == 404


def test_unit_page_shows_member_charts_to_those_allowed(people, xa_members, tree, client):
    client.force_login(people.province)
    page = client.get(tree.xa.get_absolute_url()).content.decode()
    assert 'data-testid="panel-member-charts"' in page
    assert "/members/stats/charts/?org=XA" in page
    fragment = client.get(
        "/members/stats/charts/", {"org": "XA"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "<svg" in fragment
    assert "<title>Nữ: 3</title>" in fragment
    assert "<title>Dự bị: 1</title>" in fragment
    client.force_login(people.clerk)
    assert 'data-testid="panel-member-charts"' not in client.get(tree.xa.get_absolute_url()).content.decode()
    assert client.get("/members/stats/charts/", {"org": "XA"}).status_code == 404
