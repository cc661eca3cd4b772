"""Member screens: filtered list and export, the file, edits and verbs, worklists, import flow, statistics."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from dangvu.audit.models import AuditEntry
from dangvu.members import lifecycle
from dangvu.members.models import Member, MemberImport
from dangvu.members.services import member_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(tree, admin_user):
    made = [
        member_create(
            actor=admin_user,
            org=tree.a1,
            full_name="Trần Văn Đức",
            sex="male",
            birth_date=date(1980, 1, 2),
            cccd="001080000111",
            admitted_on=date(1996, 9, 1),
            recognized_on=date(1997, 9, 1),
        ),
        member_create(
            actor=admin_user,
            org=tree.a2,
            full_name="Nguyễn Thị Anh",
            sex="female",
            birth_date=date(1995, 3, 4),
        ),
        member_create(
            actor=admin_user, org=tree.b1, full_name="Lê Văn Bình", sex="male", birth_date=date(1960, 5, 6)
        ),
    ]
    lifecycle.member_admit(
        actor=admin_user,
        org=tree.a1,
        full_name="Phạm Thị Hoa",
        sex="female",
        birth_date=date(2000, 1, 1),
        admitted_on=date(2025, 1, 5),
        ceremony_on=date(2025, 1, 20),
    )
    return made


def test_list_filters_sorts_and_masks(people, members, client):
    client.force_login(people.province)
    html = client.get("/members/").content.decode()
    assert html.index("Nguyễn Thị Anh") < html.index("Lê Văn Bình") < html.index("Trần Văn Đức")
    assert "••••••••0111" in html
    assert "001080000111" not in html
    only_xa = client.get("/members/", {"org": "XA", "sex": "female"}).content.decode()
    assert "Nguyễn Thị Anh" in only_xa
    assert "Lê Văn Bình" not in only_xa
    assert "Trần Văn Đức" not in only_xa
    assert "Trần Văn Đức" in client.get("/members/", {"q": "0010800001"}).content.decode()
    assert "Lê Văn Bình" in client.get("/members/", {"age": "61-200"}).content.decode()


def test_export_to_xlsx_is_scoped_and_audited(people, members, client):
    client.force_login(people.secretary)  # A1 only
    response = client.get("/members/export.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    names = [row[1] for row in book.active.iter_rows(min_row=5, values_only=True)]
    assert names == ["Trần Văn Đức", "Phạm Thị Hoa"]  # given names: Đức before Hoa
    assert AuditEntry.objects.get(action="export").data["rows"] == 2


def test_export_of_ticked_rows_keeps_the_users_scope(people, members, client):
    client.force_login(people.secretary)  # A1 only: Lê Văn Bình (B1) stays out even when ticked
    ids = [m.pk for m in members]
    response = client.get("/members/export.xlsx", {"id": ids})
    book = load_workbook(io.BytesIO(response.content))
    assert [row[1] for row in book.active.iter_rows(min_row=5, values_only=True)] == ["Trần Văn Đức"]
    assert AuditEntry.objects.get(action="export").data["filters"]["id"] == [str(i) for i in ids]


def test_member_file_shows_milestones_and_is_logged(people, members, client):
    client.force_login(people.secretary)
    duc = members[0]
    html = client.get(f"/members/{duc.pk}/").content.decode()
    assert "001080000111" in html
    assert "Hồ sơ còn thiếu" in html  # no ethnicity, hometown, file number
    assert AuditEntry.objects.filter(action="view", object_id=str(duc.pk)).count() == 1
    assert client.get(f"/members/{members[2].pk}/").status_code == 404


def test_edit_and_verbs_through_forms(people, members, client):
    client.force_login(people.secretary)
    duc = members[0]
    response = client.post(
        f"/members/{duc.pk}/edit/",
        {
            "full_name": "Trần Văn Đức",
            "sex": "male",
            "birth_date": "1980-01-02",
            "birth_date_precision": "day",
            "cccd": "001080000111",
            "hometown": "Hải Dương",
            "admitted_on": "1996-09-01",
            "recognized_on": "1997-09-01",
        },
    )
    assert response.status_code == 302
    assert Member.objects.get(pk=duc.pk).hometown == "Hải Dương"
    assert AuditEntry.objects.get(event="members.update").changes["hometown"] == ["", "Hải Dương"]
    # A badge is the provincial standing committee's decision: the secretary may not, the province's board may.
    refused = client.post(f"/members/{duc.pk}/badge/", {"milestone": "30", "awarded_on": "2026-02-03"})
    assert refused.status_code == 403
    assert "Ban Thường vụ Tỉnh ủy" in refused.content.decode()
    client.force_login(people.province)
    bad = client.post(
        f"/members/{duc.pk}/badge/", {"milestone": "30", "awarded_on": "2026-02-03", "decision": "219-QĐ/TU"}
    )
    assert "Chưa đủ 30 năm tuổi Đảng" in bad.content.decode()
    client.force_login(people.secretary)
    ok = client.post(f"/members/{duc.pk}/exempt/", {"on": "2026-01-05", "reason": "Tuổi cao, sức yếu"})
    assert ok.status_code == 302
    assert Member.objects.get(pk=duc.pk).status == "exempt"
    assert client.get(f"/members/{duc.pk}/nonsense/").status_code == 404


def test_worklists_show_due_recognitions_and_pending_transfers(people, members, tree, admin_user, client):
    lifecycle.member_transfer_out(
        actor=admin_user, member=members[2], kind="official", to_org=tree.a1, issued_on=date(2026, 1, 5)
    )
    client.force_login(people.secretary)
    html = client.get("/members/worklists/").content.decode()
    assert "Phạm Thị Hoa" in html  # probation ended 20/1/2026
    assert "Lê Văn Bình" in html  # waiting to be received in A1
    transfer_id = members[2].transfers.get().pk
    link = client.get(f"/members/transfers/{transfer_id}/receive/")  # the worklist's link
    assert link.url == f"/members/{members[2].pk}/receive/?transfer={transfer_id}"
    form = client.get(link.url).content.decode()
    assert f'value="{transfer_id}"' in form
    response = client.post(link.url, {"received_on": "10/01/2026", "transfer": transfer_id})
    assert response.status_code == 302
    assert Member.objects.get(pk=members[2].pk).org_id == tree.a1.pk


def test_import_flow_checks_then_imports(people, tree, client, django_capture_on_commit_callbacks):
    client.force_login(people.province)
    csv = "\ufeffHọ và tên,Giới tính,Ngày sinh,Mã chi bộ\nĐinh Văn Mới,Nam,01/02/1990,A1\nSai Dòng,X,31/02/1990,A1\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/members/import/",
            {"file": SimpleUploadedFile("m.csv", csv.encode()), "org": tree.xa.pk, "mode": "valid"},
        )
    job = MemberImport.objects.get()
    assert response.url == f"/members/import/{job.pk}/"
    assert (job.status, job.total_rows, job.error_count) == ("checked", 2, 1)
    page = client.get(response.url).content.decode()
    assert "Giới tính phải là Nam hoặc Nữ." in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url)
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 1)
    assert Member.objects.filter(full_name="Đinh Văn Mới").exists()


def test_stats_page(people, members, client):
    client.force_login(people.province)
    html = client.get("/members/stats/", {"org": "XA"}).content.decode()
    assert 'data-testid="stats-total">Tổng số đảng viên: <strong>3</strong>' in html
    client.force_login(people.clerk)
    response = client.get("/members/stats/", {"org": "XA"})
    assert response.status_code == 403
    assert "Bạn không có quyền" in response.content.decode()


def test_data_quality_page_finds_gaps_duplicates_and_cccd_mismatches(
    people, members, tree, admin_user, client
):
    member_create(
        actor=admin_user, org=tree.a2, full_name="Trần Văn Đức", sex="male", birth_date=date(1980, 1, 2)
    )
    member_create(
        actor=admin_user,
        org=tree.a2,
        full_name="Vũ Thị Lan",
        sex="female",
        birth_date=date(1985, 1, 1),
        cccd="001080000999",
    )  # 4th digit says a man born in 1980
    member_create(
        actor=admin_user,
        org=tree.a2,
        full_name="Đỗ Văn Nam",
        sex="male",
        birth_date=date(1970, 6, 1),
        admitted_on=date(1986, 1, 1),  # an old paper file, copied as written
        phone="12345678",
    )
    client.force_login(people.province)
    html = client.get("/members/quality/", {"org": "XA"}).content.decode()
    issues = html[html.index('data-testid="value-issues"') :]
    assert "Đỗ Văn Nam</a>: Vào Đảng khi chưa đủ 18 tuổi." in issues
    assert "Đỗ Văn Nam</a>: Số điện thoại không đúng định dạng." in issues
    assert 'data-testid="complete-percent"><strong>0,0%</strong>' in html  # Vietnamese decimal comma
    duplicates = html[html.index('data-testid="duplicates"') :]
    duplicates = duplicates[: duplicates.index("</ul>")]
    assert duplicates.count("Trần Văn Đức") == 2
    assert "Chữ số thứ 4 của CCCD không khớp giới tính/thế kỷ sinh." in html
    assert "Chữ số thứ 5–6 của CCCD không khớp năm sinh." in html
    assert 'data-testid="checked">Đã kiểm tra toàn bộ 6 hồ sơ.<' in html


def test_data_quality_page_says_how_many_files_it_checked(people, members, client, monkeypatch):
    from dangvu.members import quality

    real = quality.quality_report
    monkeypatch.setattr(quality, "quality_report", lambda found: real(found, sample=0))
    client.force_login(people.province)
    html = client.get("/members/quality/", {"org": "XA"}).content.decode()
    assert "Đã kiểm tra 0 hồ sơ đầu tiên (theo tên) trên 3; chọn đơn vị cấp dưới để kiểm tra hết." in html


def test_party_age_filter_and_linked_documents_tab(people, members, tree, admin_user, client):
    from dangvu.links.services import link_create

    client.force_login(people.province)
    thirty = client.get("/members/", {"party_age": "30-39"}).content.decode()
    assert "Trần Văn Đức" in thirty  # admitted 1996
    assert "Phạm Thị Hoa" not in thirty  # admitted 2025
    assert "Phạm Thị Hoa" in client.get("/members/", {"party_age": "0-9"}).content.decode()
    duc = members[0]
    page = client.get(f"/members/{duc.pk}/").content.decode()
    assert "Chưa có văn bản, hồ sơ thủ tục hay cuộc họp nào liên kết" in page
    link_create(actor=admin_user, source=duc, target=tree.a1, kind="related")
    page = client.get(f"/members/{duc.pk}/").content.decode()
    documents = page[page.index('data-testid="documents"') :]
    assert tree.a1.name in documents[: documents.index("</section>")]


def test_worklist_sections_show_a_bounded_number_of_rows(people, members, client, monkeypatch):
    monkeypatch.setattr("dangvu.members.views.WORKLIST_ROWS", 0)
    client.force_login(people.province)
    html = client.get("/members/worklists/", {"org": "XA"}).content.decode()
    # The probationer due for recognition is counted, not silently dropped.
    assert 'data-testid="recognition-total">1<' in html
    assert 'data-testid="recognition-more">Đang hiện 0 trên 1 — chọn đơn vị cấp dưới để xem hết.<' in html


def test_worklist_transfers_stay_within_the_units_the_user_sees(people, members, tree, admin_user, client):
    from tests.conftest import grant, make_user

    lifecycle.member_transfer_out(
        actor=admin_user, member=members[0], kind="official", to_org=tree.b1, issued_on=date(2026, 2, 10)
    )
    only_xa = make_user("only-xa")
    grant(only_xa, "ban-to-chuc", tree.xa, include_subtree=False)  # XA itself, not its chi bộ
    client.force_login(only_xa)
    html = client.get("/members/worklists/", {"org": "XA"}).content.decode()
    assert "Trần Văn Đức" not in html  # the transfer leaves A1, which this user does not see
    client.force_login(people.province)
    assert "Trần Văn Đức" in client.get("/members/worklists/", {"org": "XA"}).content.decode()


def _file_post(member, **overrides):
    """The edit form as a browser sends it back unchanged, with ``overrides``."""
    data = {
        "full_name": member.full_name,
        "sex": member.sex,
        "birth_date": member.birth_date_display(),
        "cccd": member.cccd or "",
        "admitted_on": f"{member.admitted_on:%d/%m/%Y}" if member.admitted_on else "",
        "recognized_on": f"{member.recognized_on:%d/%m/%Y}" if member.recognized_on else "",
    }
    return {**data, **overrides}


def test_an_impossible_birth_date_is_refused_and_the_stored_date_kept(people, members, client):
    client.force_login(people.secretary)
    duc = members[0]
    form = client.get(f"/members/{duc.pk}/edit/").content.decode()
    assert 'value="02/01/1980"' in form  # shown the Vietnamese way, as text
    response = client.post(f"/members/{duc.pk}/edit/", _file_post(duc, birth_date="31/02/1980"))
    assert response.status_code == 200
    assert "Ngày không tồn tại." in response.content.decode()
    assert 'value="31/02/1980"' in response.content.decode()  # what the user typed stays in the box
    assert Member.objects.get(pk=duc.pk).birth_date == date(1980, 1, 2)
    assert not AuditEntry.objects.filter(event="members.update").exists()


@pytest.mark.parametrize(
    ("typed", "stored", "precision"),
    [
        ("05/09/1985", date(1985, 9, 5), "day"),
        ("09/1985", date(1985, 9, 1), "month"),
        ("1985", date(1985, 1, 1), "year"),
        ("1985-09-05", date(1985, 9, 5), "day"),
    ],
)
def test_birth_dates_typed_as_files_give_them(people, members, client, typed, stored, precision):
    client.force_login(people.secretary)
    duc = members[0]
    response = client.post(f"/members/{duc.pk}/edit/", _file_post(duc, birth_date=typed))
    assert response.status_code == 302
    saved = Member.objects.get(pk=duc.pk)
    assert (saved.birth_date, saved.birth_date_precision) == (stored, precision)


def test_an_untouched_form_changes_nothing_and_other_dates_are_kept_when_wrong(people, members, client):
    client.force_login(people.secretary)
    duc = members[0]
    assert client.post(f"/members/{duc.pk}/edit/", _file_post(duc)).status_code == 302
    assert not AuditEntry.objects.filter(event="members.update").exists()
    response = client.post(f"/members/{duc.pk}/edit/", _file_post(duc, admitted_on="1996-13-01"))
    assert response.status_code == 200
    assert Member.objects.get(pk=duc.pk).admitted_on == date(1996, 9, 1)
    cleared = client.post(f"/members/{duc.pk}/edit/", _file_post(duc, birth_date=""))
    assert cleared.status_code == 302  # a date the user cleared on purpose is cleared
    assert Member.objects.get(pk=duc.pk).birth_date is None


def test_a_masked_cccd_cannot_be_rebuilt_by_searching_its_digits(people, members, client):
    from tests.conftest import grant, make_user

    specialist = make_user("specialist")
    grant(specialist, "chuyen-vien", people.province.role_assignments.get().org)  # sees lists, not files
    client.force_login(specialist)
    listed = client.get("/members/").content.decode()
    assert "••••••••0111" in listed
    assert "Trần Văn Đức" in listed
    for prefix in ("0", "00", "001", "0010800", "001080000111"):
        page = client.get("/members/", {"q": prefix}).content.decode()
        assert "Trần Văn Đức" not in page
        api = client.get("/api/v1/members", {"q": prefix}).json()
        assert api["results"] == []
    # Those who may open the file (and so see the number) still find a member by it.
    client.force_login(people.secretary)
    assert "Trần Văn Đức" in client.get("/members/", {"q": "0010800"}).content.decode()
    assert [r["full_name"] for r in client.get("/api/v1/members", {"q": "001080"}).json()["results"]] == [
        "Trần Văn Đức"
    ]
