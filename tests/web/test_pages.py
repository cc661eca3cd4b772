"""Pages: browsing and managing the tree, scoping (404 outside, 403 not allowed), audit log, calendar, N+1."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvu.audit.models import AuditEntry
from dangvu.members.models import Member
from dangvu.members.services import member_create
from dangvu.notifications.services import notify
from dangvu.orgs.enums import OrgStatus
from dangvu.orgs.models import Org, OrgType
from dangvu.orgs.services import org_create

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(user)
    return client


def test_tree_shows_the_users_own_roots_and_expands_with_htmx(people, tree, client):
    as_user(client, people.clerk)
    html = client.get("/orgs/").content.decode()
    assert "Đảng ủy xã An Phú" in html
    assert "Đảng bộ tỉnh Ninh Bình" not in html
    fragment = client.get(f"/orgs/{tree.xa.pk}/children/", HTTP_HX_REQUEST="true").content.decode()
    assert "Chi bộ thôn 1" in fragment
    assert "Chi bộ thôn 2" in fragment
    assert "<html" not in fragment


def test_tree_search_is_accent_insensitive_and_scoped(people, tree, client):
    as_user(client, people.clerk)
    html = client.get("/orgs/", {"q": "thon"}).content.decode()
    assert "Chi bộ thôn 1" in html
    assert "Chi bộ thôn 2" in html
    assert "Chi bộ khu phố 1" not in client.get("/orgs/", {"q": "chi bo"}).content.decode()
    assert "Không tìm thấy đơn vị phù hợp" in client.get("/orgs/", {"q": "zzz"}).content.decode()


def test_outside_units_are_404_and_forbidden_actions_are_403(people, tree, client):
    as_user(client, people.clerk)
    assert client.get(f"/orgs/{tree.b1.pk}/").status_code == 404
    assert client.get(f"/orgs/{tree.b1.pk}/rename/").status_code == 404
    assert client.get(f"/orgs/{tree.a1.pk}/").status_code == 200
    before = list(Org.objects.values_list("name", flat=True))
    response = client.post(
        f"/orgs/{tree.a1.pk}/rename/", {"name": "X", "abbreviation": "CB", "effective_on": "2026-01-01"}
    )
    assert response.status_code == 403
    assert "Bạn không có quyền" in response.content.decode()
    assert list(Org.objects.values_list("name", flat=True)) == before


def test_board_member_adds_and_renames_a_unit_through_the_forms(people, tree, client):
    as_user(client, people.province)
    response = client.post(
        f"/orgs/{tree.xa.pk}/add/",
        {
            "name": "Chi bộ thôn 3",
            "code": "A3",
            "abbreviation": "",
            "org_type": OrgType.objects.get(code="chi-bo-co-so").pk,
            "established_on": "2026-03-01",
            "decision": "15-QĐ/ĐU",
        },
    )
    new = Org.objects.get(code="A3")
    assert response.status_code == 302
    assert response.url == f"/orgs/{new.pk}/"
    assert new.abbreviation == "CB"
    assert Org.objects.get_parent(new).pk == tree.xa.pk
    client.post(
        f"/orgs/{new.pk}/rename/",
        {"name": "Chi bộ thôn Ba", "abbreviation": "CB", "effective_on": "01/04/2026"},
    )
    assert Org.objects.get(pk=new.pk).name == "Chi bộ thôn Ba"
    detail = client.get(f"/orgs/{new.pk}/").content.decode()
    assert "Chi bộ thôn 3 (CB): 01/03/2026 – 01/04/2026" in detail
    # The timeline shows the audit events only to readers of the audit log (audit.view), not the board.
    assert "orgs.rename" not in detail
    as_user(client, people.admin)
    assert "orgs.rename" in client.get(f"/orgs/{new.pk}/").content.decode()


def test_bad_form_input_keeps_the_users_entries_and_changes_nothing(people, tree, client):
    as_user(client, people.province)
    count = Org.objects.count()
    response = client.post(
        f"/orgs/{tree.xa.pk}/add/",
        {
            "name": "Chi bộ mới",
            "code": "A1",
            "org_type": OrgType.objects.get(code="chi-bo-co-so").pk,
            "established_on": "31/02/2026",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ngày không tồn tại." in html  # the product's date field (core.forms.VNDateField)
    assert 'value="Chi bộ mới"' in html
    response = client.post(
        f"/orgs/{tree.xa.pk}/add/",
        {"name": "Chi bộ mới", "code": "A1", "org_type": OrgType.objects.get(code="chi-bo-co-so").pk},
    )
    assert "Mã đơn vị “A1” đã được dùng." in response.content.decode()
    assert Org.objects.count() == count


def test_move_merge_and_dissolve_through_the_forms(people, tree, client):
    as_user(client, people.province)
    member_create(actor=people.admin, full_name="Đinh Văn Lực", sex="male", org=tree.b1)
    response = client.post(
        f"/orgs/{tree.b1.pk}/move/",
        {"new_parent": "XA", "effective_on": "2026-01-10", "decision": "01-QĐ/TU"},
    )
    assert response.status_code == 302
    assert Org.objects.get(pk=tree.b1.pk).path.startswith(tree.xa.path)
    bad = client.post(f"/orgs/{tree.xa.pk}/move/", {"new_parent": "A1", "effective_on": "2026-01-10"})
    assert "chính nó hoặc đơn vị cấp dưới" in bad.content.decode()
    client.post(
        f"/orgs/{tree.a1.pk}/merge/",
        {"sources": "B1, A2", "effective_on": "2026-02-01", "decision": "02-QĐ/ĐU"},
    )
    assert Org.objects.get(pk=tree.b1.pk).status == OrgStatus.MERGED
    assert Member.objects.get().org_id == tree.a1.pk
    client.post(
        f"/orgs/{tree.xb.pk}/dissolve/",
        {"effective_on": "2026-02-02", "decision": "03-QĐ/TU", "confirm": "on"},
    )
    assert Org.objects.get(pk=tree.xb.pk).status == OrgStatus.DISSOLVED
    html = client.get(f"/orgs/{tree.a1.pk}/").content.decode()
    assert "Kế thừa từ" in html
    assert "Chi bộ khu phố 1" in html


def test_split_through_the_form(people, tree, client):
    as_user(client, people.province)
    response = client.post(
        f"/orgs/{tree.xa.pk}/split/",
        {
            "effective_on": "2026-05-01",
            "decision": "07-QĐ/TU",
            "part1_name": "Đảng ủy xã An Phú Bắc",
            "part1_code": "XA-B",
            "part2_name": "Đảng ủy xã An Phú Nam",
            "part2_code": "XA-N",
            f"child_{tree.a1.pk}": "1",
            f"child_{tree.a2.pk}": "2",
        },
    )
    assert response.status_code == 302
    north, south = Org.objects.get(code="XA-B"), Org.objects.get(code="XA-N")
    assert Org.objects.get(pk=tree.a1.pk).path.startswith(north.path)
    assert Org.objects.get(pk=tree.a2.pk).path.startswith(south.path)
    assert Org.objects.get(pk=tree.xa.pk).status == OrgStatus.SPLIT


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_tree_search_and_audit_list_do_not_grow_queries_with_rows(people, tree, client):
    as_user(client, people.admin)
    few = _queries(client, "/orgs/?q=chi+bo")
    cell_type = OrgType.objects.get(code="chi-bo-co-so")
    for i in range(3):
        org_create(
            actor=people.admin,
            name=f"Chi bộ phụ {i}",
            code=f"P{i}",
            org_type=cell_type,
            parent=Org.objects.get(pk=tree.xb.pk),
        )
    assert _queries(client, "/orgs/?q=chi+bo") == few
    # The log page names records and related records with one query per kind (not per row): the
    # baseline already shows a member's entry.
    member_create(actor=people.admin, full_name="Lê Văn Một", sex="male", org=tree.a1)
    audit_few = _queries(client, "/audit/")
    for i in range(3):
        member_create(actor=people.admin, full_name=f"Lê Văn {i}", sex="male", org=tree.a1)
    assert _queries(client, "/audit/") == audit_few
    members_few = _queries(client, "/members/")
    for i in range(3):
        member_create(actor=people.admin, full_name=f"Lê Thị {i}", sex="female", org=tree.a2)
    assert _queries(client, "/members/") == members_few


def test_audit_log_is_filterable_and_scoped(people, tree, client):
    member_create(actor=people.admin, full_name="Hà Văn Sơn", sex="male", org=tree.b1)
    as_user(client, people.admin)
    html = client.get("/audit/", {"action": "create", "object_type": "members.member"}).content.decode()
    assert "Hà Văn Sơn" in html
    assert "Đảng ủy xã An Phú" not in html
    assert client.get("/audit/", {"date_from": "2026-02-31"}).status_code == 200
    as_user(client, people.clerk)
    assert client.get("/audit/").status_code == 403


def test_opening_a_member_file_is_logged(people, tree, client):
    member = member_create(actor=people.admin, full_name="Hà Văn Sơn", sex="male", org=tree.a1)
    as_user(client, people.secretary)
    assert client.get(f"/members/{member.pk}/").status_code == 200
    view = AuditEntry.objects.get(action="view")
    assert (view.actor, view.object_id, view.event) == (people.secretary, str(member.pk), "members.view_file")
    # The clerk may see the unit but not member files: 404, and nothing is logged.
    as_user(client, people.clerk)
    assert client.get(f"/members/{member.pk}/").status_code == 404
    assert AuditEntry.objects.filter(action="view").count() == 1


def test_member_list_searches_without_accents_in_vietnamese_order(people, tree, client):
    for name in ["Trần Văn Đức", "Nguyễn Thị Anh", "Lê Văn Bình"]:
        member_create(actor=people.admin, full_name=name, sex="male", org=tree.a1)
    as_user(client, people.secretary)
    html = client.get("/members/").content.decode()
    assert html.index("Nguyễn Thị Anh") < html.index("Lê Văn Bình") < html.index("Trần Văn Đức")
    found = client.get("/members/", {"q": "tran van duc"}).content.decode()
    assert "Trần Văn Đức" in found
    assert "Lê Văn Bình" not in found


def test_notifications_page_and_unread_badge(people, client):
    notify(recipients=[people.clerk], title="Văn bản đến cần xử lý")
    as_user(client, people.clerk)
    home = client.get("/home/").content.decode()
    assert 'data-testid="unread">1<' in home
    assert "Văn bản đến cần xử lý" in client.get("/notifications/").content.decode()
    client.post("/notifications/read/")
    assert 'data-testid="unread"' not in client.get("/home/").content.decode()


def test_calendar_page_computes_deadlines_and_only_managers_edit(people, client):
    as_user(client, people.clerk)
    html = client.get("/calendar/", {"year": 2026, "start": "2026-02-13", "days": 1}).content.decode()
    assert "Tết Nguyên Đán" in html
    assert "23/02/2026" in html
    bad = client.get("/calendar/", {"start": "2026-02-13", "days": -2}).content.decode()
    assert "Số ngày không được âm" in bad
    assert client.post("/calendar/days/add/", {"date": "2026-03-09", "kind": "day_off"}).status_code == 403
    as_user(client, people.admin)
    client.post("/calendar/days/add/", {"date": "2026-03-09", "kind": "day_off", "note": "Nghỉ bù"})
    assert "09/03/2026" in client.get("/calendar/", {"year": 2026}).content.decode()
