"""Party age worked out by hand (DOMAIN §4, §15): death, periods out, re-admission, rehabilitation, the
card's date, leap days and year ends; the periods-out services, API and page; statistics and filters
counting in SQL what ``party_age`` computes."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dangvu.audit.models import AuditEntry
from dangvu.members import interruptions, lifecycle, selectors
from dangvu.members.milestones import date_of_party_age, party_age, party_age_columns
from dangvu.members.models import Member, OrgMemberCount, PartyInterruption
from dangvu.members.services import member_create, member_update
from dangvu.members.stats import member_stats
from tests.conftest import grant, make_user
from tests.members.test_api import api

pytestmark = pytest.mark.django_db


def age(member, on):
    result = party_age(Member.objects.get(pk=member.pk), on)
    return None if result is None else (result.years, result.months, result.days)


def columns(member):
    fresh = Member.objects.get(pk=member.pk)
    return fresh.party_age_from, fresh.party_age_until


def assert_columns_agree(member):
    """The derived columns hold what the one function computes."""
    fresh = Member.objects.get(pk=member.pk)
    assert (fresh.party_age_from, fresh.party_age_until) == party_age_columns(fresh)


@pytest.fixture
def new(tree, admin_user):
    def make(admitted_on=date(1990, 1, 1), name="Nguyễn Văn Bình", **fields):
        return member_create(
            actor=admin_user,
            org=tree.a1,
            full_name=name,
            sex="male",
            birth_date=date(1960, 1, 1),
            admitted_on=admitted_on,
            **fields,
        )

    return make


# --- Death ------------------------------------------------------------------------------------------------


def test_party_age_stops_at_death(new, admin_user):
    member = new(admitted_on=date(1990, 1, 1))
    lifecycle.member_mark_deceased(actor=admin_user, member=member, died_on=date(2010, 1, 1))
    for later in (date(2010, 1, 1), date(2011, 6, 30), date(2026, 12, 1), date(2040, 2, 29)):
        assert age(member, later) == (20, 0, 0)
    assert age(member, date(2009, 12, 31)) == (19, 11, 30)
    assert columns(member) == (date(1990, 1, 1), date(2010, 1, 1))


# --- Periods out ----------------------------------------------------------------------------------------


def test_an_open_period_out_stops_the_clock_until_it_is_closed(new, admin_user):
    member = new(admitted_on=date(2000, 1, 1))
    gap = interruptions.interruption_create(
        actor=admin_user, member=member, reason="lost_contact", starts_on=date(2010, 1, 1)
    )
    assert age(member, date(2026, 12, 1)) == (10, 0, 0)
    assert age(member, date(2009, 7, 1)) == (9, 6, 0)
    assert columns(member) == (date(2000, 1, 1), date(2010, 1, 1))
    interruptions.interruption_update(
        actor=admin_user, interruption=gap, changes={"ends_on": date(2015, 3, 1)}, reason="Đã liên lạc lại"
    )
    # 26 years 11 months from admission, minus 5 years 2 months out.
    assert age(member, date(2026, 12, 1)) == (21, 9, 0)
    assert columns(member) == (date(2005, 3, 1), None)
    entry = AuditEntry.objects.get(event="members.interruption_update")
    assert entry.changes == {"ends_on": [None, "2015-03-01"]}
    assert entry.data == {"reason": "Đã liên lạc lại", "member": member.pk}


def test_periods_out_across_a_leap_day_and_a_year_end(new, admin_user):
    member = new(admitted_on=date(2000, 2, 29))
    # A whole year counts on 28/2 of a common year (no 29/2: the month's last day).
    assert age(member, date(2001, 2, 28)) == (1, 0, 0)
    assert date_of_party_age(Member.objects.get(pk=member.pk), 30) == date(2030, 2, 28)
    interruptions.interruption_create(
        actor=admin_user,
        member=member,
        reason="transfer_gap",
        starts_on=date(2003, 12, 31),
        ends_on=date(2004, 3, 1),
    )
    # Out 2 months and 1 day (31/12/2003 → 1/3/2004, across 29/2/2004): the start moves to 30/4/2000.
    assert columns(member) == (date(2000, 4, 30), None)
    assert age(member, date(2026, 12, 1)) == (26, 7, 1)
    assert date_of_party_age(Member.objects.get(pk=member.pk), 30) == date(2030, 4, 30)


def test_year_end_admission_reaches_its_milestone_on_31_december(new):
    member = new(admitted_on=date(1996, 12, 31))
    assert age(member, date(2026, 12, 30)) == (29, 11, 30)
    assert age(member, date(2026, 12, 31)) == (30, 0, 0)
    assert date_of_party_age(Member.objects.get(pk=member.pk), 30) == date(2026, 12, 31)


def test_the_card_date_is_the_fallback_start(new, admin_user):
    member = new(admitted_on=None, card_admitted_on=date(1985, 5, 19))
    assert age(member, date(2026, 12, 1)) == (41, 6, 12)
    assert columns(member) == (date(1985, 5, 19), None)
    # The admission decision, once found, wins over the card.
    member_update(actor=admin_user, member=member, changes={"admitted_on": date(1985, 5, 1)})
    assert age(member, date(2026, 12, 1)) == (41, 7, 0)
    assert columns(member) == (date(1985, 5, 1), None)


# --- Re-admission and rehabilitation --------------------------------------------------------------------


def test_readmitted_members_count_from_the_first_admission_minus_the_gap(new, admin_user, tree):
    member = new(admitted_on=date(1990, 3, 1), recognized_on=date(1991, 3, 1))
    lifecycle.member_remove(
        actor=admin_user,
        member=member,
        decided_on=date(2000, 3, 1),
        reason="Không đóng đảng phí",
        ground="removal.unpaid_fees",
    )
    assert age(member, date(2026, 12, 1)) == (10, 0, 0)  # stopped while out
    lifecycle.member_readmit(actor=admin_user, member=member, admitted_on=date(2004, 3, 1))
    assert age(member, date(2026, 12, 1)) == (32, 9, 0)
    assert columns(member) == (date(1994, 3, 1), None)
    assert_columns_agree(member)
    # Statistics count the same: 2026 − 1994 = 32 years (before: 2026 − 2004 = 22).
    stats = member_stats(tree.a1, date(2026, 1, 1), date(2026, 12, 1))
    assert stats["by_party_age_band"]["30–39"] == 1
    assert stats["by_party_age_band"]["20–29"] == 0


def test_rehabilitated_members_keep_a_continuous_party_age(new, admin_user):
    member = new(admitted_on=date(1980, 6, 1))
    lifecycle.discipline_record(
        actor=admin_user,
        member=member,
        form="khai-tru",
        decided_on=date(2005, 6, 1),
        decision="12-QĐ/TU",
        ground="expel.violation",
    )
    gap = PartyInterruption.objects.get(member=member)
    assert gap.ground == "expel.violation"
    assert age(member, date(2026, 12, 1)) == (25, 0, 0)
    interruptions.interruption_update(
        actor=admin_user,
        interruption=gap,
        changes={"ends_on": date(2008, 6, 1), "rehabilitated": True},
        reason="Quyết định minh oan 3-QĐ/TW",
    )
    assert age(member, date(2026, 12, 1)) == (46, 6, 0)
    assert columns(member) == (date(1980, 6, 1), None)


# --- The services refuse impossible periods and change nothing ------------------------------------------


def test_impossible_periods_are_refused_and_nothing_changes(new, admin_user):
    member = new(admitted_on=date(2000, 1, 1))
    interruptions.interruption_create(
        actor=admin_user,
        member=member,
        reason="lost_contact",
        starts_on=date(2010, 1, 1),
        ends_on=date(2011, 1, 1),
    )
    before = (PartyInterruption.objects.count(), AuditEntry.objects.count(), columns(member))
    cases = [
        ({"starts_on": date(2010, 6, 1), "ends_on": date(2012, 1, 1)}, "Trùng với thời gian gián đoạn khác"),
        ({"starts_on": date(1999, 1, 1), "ends_on": date(1999, 6, 1)}, "trước ngày vào Đảng"),
        ({"starts_on": date(2027, 1, 1)}, "tương lai"),
        ({"starts_on": date(2015, 1, 1), "ends_on": date(2014, 1, 1)}, "trước ngày bắt đầu"),
        ({"starts_on": date(2015, 1, 1), "ground": "removal.unpaid_fees"}, "Chỉ ghi căn cứ"),
        ({"starts_on": date(2009, 1, 1)}, "Trùng với thời gian gián đoạn khác"),  # open, runs into 2010
    ]
    for values, message in cases:
        with pytest.raises(ValidationError, match=message):
            interruptions.interruption_create(
                actor=admin_user, member=member, reason="lost_contact", **values
            )
    with pytest.raises(ValidationError, match="không có trong danh mục"):
        interruptions.interruption_create(
            actor=admin_user,
            member=member,
            reason="removed",
            starts_on=date(2015, 1, 1),
            ground="leave.applied",
        )
    gap = PartyInterruption.objects.get(member=member)
    with pytest.raises(ValidationError, match="lý do sửa"):
        interruptions.interruption_update(
            actor=admin_user, interruption=gap, changes={"ends_on": date(2012, 1, 1)}, reason="  "
        )
    assert (PartyInterruption.objects.count(), AuditEntry.objects.count(), columns(member)) == before


def test_periods_out_are_written_only_by_who_manages_the_member(new, people):
    member = new(admitted_on=date(2000, 1, 1))
    for user in (people.outsider, people.clerk, people.nobody):
        with pytest.raises(PermissionDenied):
            interruptions.interruption_create(
                actor=user, member=member, reason="lost_contact", starts_on=date(2010, 1, 1)
            )
    assert not PartyInterruption.objects.exists()
    interruptions.interruption_create(
        actor=people.secretary, member=member, reason="lost_contact", starts_on=date(2010, 1, 1)
    )
    assert PartyInterruption.objects.count() == 1


# --- API -------------------------------------------------------------------------------------------------


def test_interruptions_api_lists_creates_and_updates_scoped_like_the_member(new, people, tree, client):
    member = new(admitted_on=date(2000, 1, 1))
    schema = client.get("/api/v1/openapi.json").json()
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/interruptions"])
    assert "patch" in schema["paths"]["/api/v1/interruptions/{interruption_id}"]
    secretary, auth = api(people.secretary)
    created = secretary.post(
        "/api/v1/interruptions",
        {"member": member.pk, "reason": "lost_contact", "starts_on": "2010-01-01"},
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body == {
        "id": body["id"],
        "member": member.pk,
        "reason": "lost_contact",
        "reason_label": "Mất liên lạc",
        "starts_on": "2010-01-01",
        "ends_on": None,
        "note": "",
        "ground": "",
        "rehabilitated": False,
    }
    party = secretary.get(f"/api/v1/members/{member.pk}/party-age", {"on": "2026-12-01"}, **auth).json()
    assert party == {"years": 10, "months": 0, "days": 0}
    patched = secretary.patch(
        f"/api/v1/interruptions/{body['id']}",
        {"ends_on": "2012-01-01", "change_reason": "Đã tìm lại được"},
        content_type="application/json",
        **auth,
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["ends_on"] == "2012-01-01"
    missing_reason = secretary.patch(
        f"/api/v1/interruptions/{body['id']}",
        {"ends_on": "2013-01-01"},
        content_type="application/json",
        **auth,
    )
    assert missing_reason.status_code == 422
    listed = secretary.get("/api/v1/interruptions", {"member": member.pk}, **auth).json()
    assert [row["ends_on"] for row in listed["results"]] == ["2012-01-01"]
    # Outside the member's units: nothing listed, the period is not found, and a new one is refused.
    outsider, outsider_auth = api(people.outsider)
    assert outsider.get("/api/v1/interruptions", **outsider_auth).json() == {"count": 0, "results": []}
    assert outsider.get(f"/api/v1/interruptions/{body['id']}", **outsider_auth).status_code == 404
    assert (
        outsider.patch(
            f"/api/v1/interruptions/{body['id']}",
            {"ends_on": "2011-01-01", "change_reason": "x"},
            content_type="application/json",
            **outsider_auth,
        ).status_code
        == 404
    )
    refused = outsider.post(
        "/api/v1/interruptions",
        {"member": member.pk, "reason": "lost_contact", "starts_on": "2015-01-01"},
        content_type="application/json",
        **outsider_auth,
    )
    assert refused.status_code == 422
    # Opening the file without managing the member (lãnh đạo): read yes, write no.
    leader = make_user("leader")
    grant(leader, "lanh-dao", tree.xa)
    clerk, clerk_auth = api(leader)
    assert clerk.get("/api/v1/interruptions", **clerk_auth).json()["count"] == 1
    denied = clerk.post(
        "/api/v1/interruptions",
        {"member": member.pk, "reason": "lost_contact", "starts_on": "2015-01-01"},
        content_type="application/json",
        **clerk_auth,
    )
    assert denied.status_code == 403
    assert PartyInterruption.objects.filter(member=member).count() == 1


def test_interruption_api_refuses_bad_input_with_nothing_changed(new, people):
    member = new(admitted_on=date(2000, 1, 1))
    client, auth = api(people.province)
    for payload in (
        {"member": member.pk, "reason": "vacation", "starts_on": "2010-01-01"},
        {"member": member.pk, "reason": "lost_contact", "starts_on": "2010-02-30"},
        {"member": member.pk, "reason": "lost_contact", "starts_on": "2030-01-01"},
        {"member": 999999, "reason": "lost_contact", "starts_on": "2010-01-01"},
    ):
        response = client.post("/api/v1/interruptions", payload, content_type="application/json", **auth)
        assert response.status_code == 422, payload
        assert response.json()["error"]["message"]
    assert not PartyInterruption.objects.exists()


# --- The member page -------------------------------------------------------------------------------------


def test_member_page_section_adds_and_edits_periods_out(new, people):
    member = new(admitted_on=date(2000, 1, 1))
    page = Client()
    page.force_login(people.secretary)
    html = page.get(f"/members/{member.pk}/").content.decode()
    assert 'data-testid="interruptions"' in html
    assert f"/members/{member.pk}/interruptions/new/" in html
    response = page.post(
        f"/members/{member.pk}/interruptions/new/",
        {
            "reason": "lost_contact",
            "starts_on": "01/01/2010",
            "ends_on": "",
            "ground": "",
            "note": "Đi làm xa",
        },
    )
    assert response.status_code == 302
    gap = PartyInterruption.objects.get(member=member)
    html = page.get(f"/members/{member.pk}/").content.decode()
    assert 'data-testid="party-age-stopped"' in html
    assert "10 năm 0 tháng 0 ngày" in html
    no_reason = page.post(
        f"/members/interruptions/{gap.pk}/edit/",
        {"reason": "lost_contact", "starts_on": "01/01/2010", "ends_on": "01/01/2011", "change_reason": ""},
    )
    assert no_reason.status_code == 200
    assert PartyInterruption.objects.get(pk=gap.pk).ends_on is None
    done = page.post(
        f"/members/interruptions/{gap.pk}/edit/",
        {
            "reason": "lost_contact",
            "starts_on": "01/01/2010",
            "ends_on": "01/01/2011",
            "note": "Đi làm xa",
            "change_reason": "Đã liên lạc lại",
        },
    )
    assert done.status_code == 302
    assert PartyInterruption.objects.get(pk=gap.pk).ends_on == date(2011, 1, 1)
    assert age(member, date(2026, 12, 1)) == (25, 11, 0)
    outsider = Client()
    outsider.force_login(people.outsider)
    assert outsider.get(f"/members/interruptions/{gap.pk}/edit/").status_code == 404
    assert outsider.get(f"/members/{member.pk}/interruptions/new/").status_code == 404


# --- Statistics and filters count the same party age -----------------------------------------------------


def test_statistics_and_filters_count_with_the_same_party_age(new, admin_user, people, tree):
    plain = new(admitted_on=date(2000, 5, 1), name="Một")  # 26 years by year
    stopped = new(admitted_on=date(1980, 5, 1), name="Hai")  # out since 2015: 35 years, fixed
    interruptions.interruption_create(
        actor=admin_user, member=stopped, reason="lost_contact", starts_on=date(2015, 5, 1)
    )
    shifted = new(admitted_on=date(1990, 5, 1), name="Ba")  # 10 years out: as if admitted in 2000
    interruptions.interruption_create(
        actor=admin_user,
        member=shifted,
        reason="transfer_gap",
        starts_on=date(1995, 1, 1),
        ends_on=date(2005, 1, 1),
    )
    for member in (plain, stopped, shifted):
        assert_columns_agree(member)
    stats = member_stats(tree.a1, date(2026, 1, 1), date(2026, 12, 1))
    assert stats["by_party_age_band"] == {
        "<10": 0,
        "10–19": 0,
        "20–29": 2,
        "30–39": 1,
        "40–49": 0,
        "≥50": 0,
        "unknown": 0,
    }

    # The precomputed cells of big units (SQL on both databases) give the same bands.
    from dangvu.members.stats import rebuild_precomputed

    rebuild_precomputed(min_members=1)
    assert OrgMemberCount.objects.get(org=tree.a1).cells_computed_at is not None
    precomputed = member_stats(tree.a1, date(2026, 1, 1), date(2026, 12, 1))
    assert precomputed["by_party_age_band"] == stats["by_party_age_band"]

    def names(low, high):
        criteria = selectors.MemberFilter(org=tree.a1, party_age=(low, high))
        return sorted(m.full_name for m in selectors.members(people.province, criteria))

    assert names(20, 29) == ["Ba", "Một"]
    assert names(30, 39) == ["Hai"]
    assert names(40, 49) == []


# --- Imports ---------------------------------------------------------------------------------------------


def csv_file(text, name="gian-doan.csv"):
    return SimpleUploadedFile(name, ("\ufeff" + text).encode("utf-8"))


def test_periods_out_are_imported_with_a_dry_run_first(new, people, tree):
    first = new(admitted_on=date(1990, 1, 1), name="Một", cccd="001090000001")
    second = new(admitted_on=date(1985, 1, 1), name="Hai", file_number="NB-000123")
    text = (
        "Số định danh cá nhân,Số lý lịch,Lý do,Từ ngày,Đến ngày,Căn cứ,Ghi chú\n"
        "001090000001,,Mất liên lạc,01/01/2000,01/01/2002,,Đi làm ăn xa\n"
        ",NB-000123,Xóa tên,01/06/2005,01/06/2009,removal.unpaid_fees,\n"
    )
    report = interruptions.interruptions_import(actor=people.secretary, org=tree.a1, upload=csv_file(text))
    assert report == {"total_rows": 2, "imported": False, "dry_run": True, "errors": []}
    assert not PartyInterruption.objects.exists()
    report = interruptions.interruptions_import(
        actor=people.secretary, org=tree.a1, upload=csv_file(text), dry_run=False
    )
    assert report["imported"] is True
    assert age(first, date(2026, 12, 1)) == (34, 11, 0)
    assert age(second, date(2026, 12, 1)) == (37, 11, 0)
    assert PartyInterruption.objects.get(member=second).ground == "removal.unpaid_fees"
    assert AuditEntry.objects.filter(event="members.interruption_create").count() == 2


def test_an_import_with_a_bad_row_imports_nothing(new, people, tree):
    new(admitted_on=date(1990, 1, 1), name="Một", cccd="001090000001")
    text = (
        "Số CCCD,Lý do,Từ ngày,Đến ngày\n"
        "001090000001,Mất liên lạc,01/01/2000,01/01/2002\n"
        "001090000001,Mất liên lạc,01/06/2001,01/01/2003\n"  # overlaps the row above
        "001090000009,Nghỉ phép,01/01/2010,\n"  # unknown member
        "001090000001,Mất liên lạc,31/02/2010,\n"  # no such day
    )
    report = interruptions.interruptions_import(
        actor=people.secretary, org=tree.a1, upload=csv_file(text), dry_run=False
    )
    assert report["imported"] is False
    assert [(e["row"], e["message"][:25]) for e in report["errors"]] == [
        (3, "Trùng với thời gian gián "),
        (4, "Không tìm thấy đảng viên "),
        (5, "Ngày không hợp lệ: 31/02/"),
    ]
    assert not PartyInterruption.objects.exists()
    # Through the API: the same report, nothing written.
    client, auth = api(people.secretary)
    response = client.post(
        f"/api/v1/interruptions/import?org={tree.a1.pk}&dry_run=false", {"file": csv_file(text)}, **auth
    )
    assert response.status_code == 200, response.content
    assert len(response.json()["errors"]) == 3
    assert not PartyInterruption.objects.exists()
    outsider, outsider_auth = api(people.outsider)
    refused = outsider.post(
        f"/api/v1/interruptions/import?org={tree.a1.pk}", {"file": csv_file(text)}, **outsider_auth
    )
    assert refused.status_code == 422


def test_member_import_takes_the_citizen_card_header_and_the_card_date(people, tree):
    from dangvu.members.importer import run_import

    text = (
        "Họ và tên,Giới tính,Ngày sinh,Số định danh cá nhân (CCCD),Ngày vào Đảng ghi trên thẻ\n"
        "Vũ Thị Lan,Nữ,01/01/1960,001160000777,19/05/1985\n"
    )
    report = run_import(
        actor=people.secretary, org=tree.a1, upload=csv_file(text, "dang-vien.csv"), dry_run=False
    )
    assert report.as_dict()["errors"] == []
    member = Member.objects.get(cccd="001160000777")
    assert (member.card_admitted_on, member.party_age_from) == (date(1985, 5, 19), date(1985, 5, 19))
    assert age(member, date(2026, 12, 1)) == (41, 6, 12)
    again = "Họ và tên,Giới tính,Số thẻ căn cước\nVũ Thị Lan,Nữ,001160000777\n"
    report = run_import(actor=people.secretary, org=tree.a1, upload=csv_file(again, "lai.csv"), dry_run=True)
    assert report.mapping == {"Họ và tên": "full_name", "Giới tính": "sex", "Số thẻ căn cước": "cccd"}


def test_the_citizen_card_field_is_labelled_as_the_personal_identification_number(new, people):
    member = new(admitted_on=date(1990, 1, 1), cccd="001090000001")
    page = Client()
    page.force_login(people.secretary)
    assert "Số định danh cá nhân (CCCD)" in page.get(f"/members/{member.pk}/").content.decode()
    assert "Số định danh cá nhân (CCCD)" in page.get(f"/members/{member.pk}/edit/").content.decode()
    client, auth = api(people.secretary)
    assert client.get(f"/api/v1/members/{member.pk}", **auth).json()["cccd"] == "001090000001"
