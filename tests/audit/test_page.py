"""The audit log page for people: words instead of codes, names instead of ids, links, filters, .xlsx."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from dangvu.audit.models import AuditEntry
from dangvu.members.services import member_create, member_update
from dangvu.orgs.services import org_rename

pytestmark = pytest.mark.django_db


def actions(client, **filters):
    """The "Hành động" cells of the log page with ``filters``."""
    return re.findall(r'data-testid="audit-action">([^<]*)<', client.get("/audit/", filters).content.decode())


@pytest.fixture
def logged(people, tree):
    member = member_create(actor=people.province, org=tree.a1, full_name="Trần Văn Bình", sex="male")
    member_update(actor=people.province, member=member, changes={"birth_date": date(1987, 11, 6)})
    org_rename(
        actor=people.province,
        org=tree.xb,
        name="Đảng ủy phường Đông Tiến mới",
        abbreviation="ĐU",
        effective_on=date(2026, 12, 1),
    )
    return member


def test_rows_say_what_happened_in_words_with_names_and_links(client, people, tree, logged):
    client.force_login(people.admin)
    html = client.get("/audit/").content.decode()
    assert "Sửa hồ sơ đảng viên" in html
    assert "Đổi tên đơn vị" in html
    assert "Ngày sinh:</span> ∅ → 06/11/1987" in html  # the field's label, the date as people write it
    assert "Chi bộ:</span> ∅ → Chi bộ thôn 1" in html  # a unit by its name, not its id
    assert "Giới tính:</span> ∅ → Nam" in html  # a choice by its label
    assert f'href="/members/{logged.pk}/" data-testid="audit-record">Trần Văn Bình</a>' in html
    assert "Province" in html  # the actor's name


def test_filters_by_period_actor_action_and_unit(client, people, tree, logged):
    client.force_login(people.admin)
    assert set(actions(client, action="orgs.rename")) == {"Đổi tên đơn vị"}
    in_xa = actions(client, org="XA", action="update")
    assert "Sửa hồ sơ đảng viên" in in_xa
    assert "Đổi tên đơn vị" not in in_xa
    assert actions(client, actor="clerk") == []
    assert "Sửa hồ sơ đảng viên" in actions(client, actor="provin")
    assert "Đổi tên đơn vị" in actions(client, date_from="01/12/2026", date_to="01/12/2026")
    assert actions(client, date_to="30/11/2026") == []
    bad = client.get("/audit/", {"date_from": "31/02/2026"}).content.decode()
    assert "Ngày không tồn tại." in bad
    assert 'type="date"' not in bad  # the product's dd/mm/yyyy input, never the browser's


def test_the_filtered_log_downloads_as_xlsx_and_the_export_is_audited(client, people, tree, logged):
    client.force_login(people.admin)
    response = client.get("/audit/export.xlsx", {"action": "orgs.rename"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Số", "Thời điểm", "Người thực hiện", "Từ", "Hành động")
    assert len(rows) == 2
    assert rows[1][4] == "Đổi tên đơn vị"
    assert "Tên: Đảng ủy phường Đông Tiến → Đảng ủy phường Đông Tiến mới" in rows[1][7]
    assert sheet.freeze_panes == "A2"
    export = AuditEntry.objects.get(event="audit.export")
    assert export.data["rows"] == 1


def test_people_without_the_permission_get_neither_page_nor_export(client, people, logged):
    client.force_login(people.clerk)
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.xlsx").status_code == 403
    assert not AuditEntry.objects.filter(event="audit.export").exists()
