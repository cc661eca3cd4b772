"""The admission and recognition clocks on the member's file (API detail and page), the ceremony
recorded after the admission with its limit, and a re-admission judged as an admission (age in months,
ceremony limit, clocks started again) — worked out by hand across the year end, Tết, a make-up
Saturday and a leap day."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from dangvu.audit.models import AuditEntry
from dangvu.members import lifecycle
from dangvu.members.clocks import member_clocks
from dangvu.members.models import Member
from dangvu.members.services import member_create
from tests.members.test_api import api

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 1)  # tests/conftest.py freezes this day


def admit(tree, actor, **fields):
    values = {
        "actor": actor,
        "org": tree.a1,
        "full_name": "Đỗ Thị Lan",
        "sex": "female",
        "birth_date": date(1998, 7, 9),
    } | fields
    return lifecycle.member_admit(**values)


def clock_rows(member):
    return [
        (s.clock.key, s.clock.starts_on, s.clock.due_on, s.met_on, s.late, s.provisional)
        for s in member_clocks(member, TODAY)
    ]


def test_clocks_across_the_year_end_and_tet_2027_are_provisional(tree, admin_user):
    # Chi bộ resolution Friday 20/11/2026: 60 working days skip 24/11/2026 (Ngày Văn hóa Việt Nam, a
    # day off in the pinned table from 2026), 1/1/2027 and Tết Đinh Mùi (4–5/2 and 8–10/2/2027) →
    # Tuesday 23/2/2027. Decision received Tuesday 1/12/2026: 30 working days skip
    # 1/1/2027 → Wednesday 13/1/2027. 2027 is not announced yet: both are provisional.
    member = admit(
        tree,
        admin_user,
        considered_on=date(2026, 11, 20),
        admitted_on=date(2026, 11, 30),
        decision_received_on=date(2026, 12, 1),
    )
    assert clock_rows(member) == [
        ("admission_decision", date(2026, 11, 20), date(2027, 2, 23), date(2026, 11, 30), False, True),
        ("ceremony", date(2026, 12, 1), date(2027, 1, 13), None, False, True),
    ]


def test_recognition_clocks_met_late_with_the_decision_date_stored(tree, admin_user):
    # Ceremony 25/4/2024 → probation ends Friday 25/4/2025; the chi bộ's 30 working days count
    # Saturday 26/4/2025 (make-up) and skip 30/4, 1/5, 2/5 → 10/6/2025. It resolved on 12/6 (late).
    # The committee's 30 working days from Thursday 12/6/2025 → Thursday 24/7/2025; it decided on
    # 25/7 (late). Official status still dates from 25/4/2025.
    member = Member.objects.create(
        full_name="Lê Văn Nam",
        sex="male",
        org=tree.a1,
        status="probationary",
        admitted_on=date(2024, 4, 10),
        ceremony_on=date(2024, 4, 25),
    )
    lifecycle.member_recognize(
        actor=admin_user, member=member, decided_on=date(2025, 7, 25), resolution_on=date(2025, 6, 12)
    )
    member.refresh_from_db()
    assert (member.recognized_on, member.recognition_decided_on) == (date(2025, 4, 25), date(2025, 7, 25))
    assert clock_rows(member) == [
        ("recognition_consider", date(2025, 4, 25), date(2025, 6, 10), date(2025, 6, 12), True, False),
        ("recognition_decision", date(2025, 6, 12), date(2025, 7, 24), date(2025, 7, 25), True, False),
    ]


def test_probation_from_a_leap_day_and_giỗ_tổ(tree, admin_user):
    # Ceremony 29/2/2024 → 12 months end on 28/2/2025 (no 29/2/2025); 30 working days skip Giỗ Tổ
    # (Monday 7/4/2025) → Monday 14/4/2025. Still waiting on 1/12/2026: late.
    member = Member.objects.create(
        full_name="Lê Văn Nam",
        sex="male",
        org=tree.a1,
        status="probationary",
        admitted_on=date(2024, 2, 20),
        ceremony_on=date(2024, 2, 29),
    )
    assert clock_rows(member) == [
        ("recognition_consider", date(2025, 2, 28), date(2025, 4, 14), None, True, False),
    ]


def test_api_detail_shows_the_clock_dates(tree, people):
    member = admit(
        tree,
        people.admin,
        considered_on=date(2026, 11, 20),
        admitted_on=date(2026, 11, 30),
        decision_received_on=date(2026, 12, 1),
        admission_extension_days=5,
        over_age_approval="",
    )
    client, auth = api(people.province)
    body = client.get(f"/api/v1/members/{member.pk}", **auth).json()
    assert {
        k: body[k]
        for k in (
            "admission_resolution_on",
            "admission_extension_days",
            "decision_received_on",
            "late_ceremony_agreement",
            "over_age_approval",
            "recognition_resolution_on",
            "recognition_extension_days",
            "recognition_decided_on",
        )
    } == {
        "admission_resolution_on": "2026-11-20",
        "admission_extension_days": 5,
        "decision_received_on": "2026-12-01",
        "late_ceremony_agreement": "",
        "over_age_approval": "",
        "recognition_resolution_on": None,
        "recognition_extension_days": 0,
        "recognition_decided_on": None,
    }
    # 60 + 5 working days from 20/11/2026: five more after 23/2/2027 → 2/3/2027.
    assert body["clocks"] == [
        {
            "key": "admission_decision",
            "label": "Cấp có thẩm quyền quyết định kết nạp",
            "starts_on": "2026-11-20",
            "working_days": 60,
            "extension_days": 5,
            "extension_max": 30,
            "extendable": True,
            "due_on": "2027-03-02",
            "met_on": "2026-11-30",
            "late": False,
            "provisional": True,
        },
        {
            "key": "ceremony",
            "label": "Tổ chức lễ kết nạp",
            "starts_on": "2026-12-01",
            "working_days": 30,
            "extension_days": 0,
            "extension_max": None,
            "extendable": False,
            "due_on": "2027-01-13",
            "met_on": None,
            "late": False,
            "provisional": True,
        },
    ]
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schema["MemberDetail"]["properties"]["admission_resolution_on"]["description"]
    assert "recognition_consider" in schema["ClockOut"]["properties"]["key"]["description"]


def test_member_page_shows_the_clock_dates(tree, people):
    member = admit(
        tree,
        people.admin,
        considered_on=date(2026, 11, 20),
        admitted_on=date(2026, 11, 30),
        decision_received_on=date(2026, 12, 1),
    )
    client = Client()
    client.force_login(people.province)
    html = client.get(f"/members/{member.pk}/").content.decode()
    assert 'data-testid="admission-resolution">20/11/2026<' in html
    assert 'data-testid="decision-received">01/12/2026<' in html
    ceremony = html.split('data-testid="clock-ceremony"')[1].split("</tr>")[0]
    assert "01/12/2026" in ceremony
    assert "13/01/2027" in ceremony
    assert "tạm tính" in ceremony
    assert "23/02/2027" in html.split('data-testid="clock-admission_decision"')[1].split("</tr>")[0]


def test_the_ceremony_is_recorded_later_within_its_limit_or_with_the_agreement(tree, people):
    # Received Friday 25/4/2025: Saturday 26/4 is worked, 30/4–2/5 off → limit 10/6/2025.
    member = admit(tree, people.admin, admitted_on=date(2025, 4, 24), decision_received_on=date(2025, 4, 25))
    client, auth = api(people.province)
    url = f"/api/v1/members/{member.pk}/ceremony"
    late = client.post(url, {"ceremony_on": "2025-06-11"}, content_type="application/json", **auth)
    assert late.status_code == 422
    assert "(đến 10/06/2025)" in late.json()["error"]["message"]
    assert Member.objects.get(pk=member.pk).ceremony_on is None
    done = client.post(
        url,
        {"ceremony_on": "2025-06-11", "late_ceremony_agreement": "Công văn 7-CV/ĐU ngày 9/6/2025"},
        content_type="application/json",
        **auth,
    )
    assert done.status_code == 200, done.content
    member.refresh_from_db()
    assert (member.ceremony_on, member.late_ceremony_agreement) == (
        date(2025, 6, 11),
        "Công văn 7-CV/ĐU ngày 9/6/2025",
    )
    entry = AuditEntry.objects.get(event="members.ceremony", object_id=str(member.pk))
    assert entry.changes["ceremony_on"] == [None, "2025-06-11"]
    again = client.post(url, {"ceremony_on": "2025-06-12"}, content_type="application/json", **auth)
    assert again.status_code == 422
    assert Member.objects.get(pk=member.pk).ceremony_on == date(2025, 6, 11)


def test_the_ceremony_cannot_precede_the_decision_or_its_receipt(tree, admin_user):
    member = admit(tree, admin_user, admitted_on=date(2026, 3, 2))
    with pytest.raises(ValidationError, match="không được trước ngày quyết định"):
        lifecycle.member_ceremony(actor=admin_user, member=member, ceremony_on=date(2026, 3, 1))
    with pytest.raises(ValidationError, match="không được sau ngày lễ"):
        lifecycle.member_ceremony(
            actor=admin_user,
            member=member,
            ceremony_on=date(2026, 3, 5),
            decision_received_on=date(2026, 3, 6),
        )
    assert Member.objects.get(pk=member.pk).ceremony_on is None


@pytest.fixture
def former(tree, admin_user):
    """Born 15/1/1966; admitted 1990, recognised 1991, removed on 5/1/2022 (unpaid fees)."""
    member = member_create(
        actor=admin_user,
        org=tree.a1,
        full_name="Vũ Văn Hải",
        sex="male",
        birth_date=date(1966, 1, 15),
        admitted_on=date(1990, 3, 1),
        recognized_on=date(1991, 3, 1),
    )
    member.recognition_resolution_on = date(1991, 2, 20)
    member.save(update_fields=["recognition_resolution_on"])
    return lifecycle.member_remove(
        actor=admin_user,
        member=member,
        decided_on=date(2022, 1, 5),
        reason="Không đóng đảng phí",
        ground="removal.unpaid_fees",
    )


def test_readmission_counts_the_age_in_months_and_needs_the_approval_over_60(former, admin_user):
    # On 10/1/2026 he is 59 years 12 months (720 months: within the rule, the month of birth counts
    # whole); on 10/2/2026 he is 60 years 1 month: the provincial approval is needed.
    with pytest.raises(ValidationError, match="cấp ủy trực thuộc Trung ương"):
        lifecycle.member_readmit(
            actor=admin_user,
            member=former,
            admitted_on=date(2026, 2, 20),
            considered_on=date(2026, 2, 10),
        )
    assert Member.objects.get(pk=former.pk).status == "removed"
    readmitted = lifecycle.member_readmit(
        actor=admin_user,
        member=former,
        admitted_on=date(2026, 2, 20),
        considered_on=date(2026, 2, 10),
        over_age_approval="Công văn 31-CV/TU ngày 16/2/2026",
    )
    assert (readmitted.status, readmitted.over_age_approval, readmitted.admission_resolution_on) == (
        "probationary",
        "Công văn 31-CV/TU ngày 16/2/2026",
        date(2026, 2, 10),
    )


def test_the_readmission_age_rule_is_an_unconfirmed_rule_row_an_administrator_can_turn_off(
    former, admin_user
):
    from dangvu.members.models import MemberRule

    # Applying the admission age limits to a re-admission is an inference: a row of its own, marked.
    rows = MemberRule.objects.filter(key="readmission_age_limits").order_by("effective_from")
    assert [(r.effective_from, r.value, r.is_default) for r in rows] == [
        (date(2016, 7, 25), True, True),
        (date(2021, 7, 30), True, True),
        (date(2025, 1, 20), True, True),
        (date(2025, 7, 1), True, True),
    ]
    assert "Suy ra" in rows.last().legal_basis
    # Turned off from 1/7/2025 (the administrator confirmed it does not apply): 60 years 1 month on
    # 10/2/2026 needs no approval any more; the earlier eras still apply it.
    row = rows.last()
    row.value, row.is_default = False, False
    row.save()
    readmitted = lifecycle.member_readmit(
        actor=admin_user, member=former, admitted_on=date(2026, 2, 20), considered_on=date(2026, 2, 10)
    )
    assert (readmitted.status, readmitted.over_age_approval) == ("probationary", "")


def test_readmission_at_60_years_0_months_needs_no_approval(former, admin_user):
    readmitted = lifecycle.member_readmit(
        actor=admin_user, member=former, admitted_on=date(2026, 1, 20), considered_on=date(2026, 1, 10)
    )
    assert readmitted.status == "probationary"


def test_readmission_starts_the_clocks_again(former, admin_user):
    # The first membership's recognition resolution is not the new probation's.
    readmitted = lifecycle.member_readmit(
        actor=admin_user,
        member=former,
        admitted_on=date(2025, 1, 6),
        considered_on=date(2025, 1, 3),
        over_age_approval="Công văn 2-CV/TU",
        decision_received_on=date(2025, 1, 8),
        ceremony_on=date(2025, 2, 20),
    )
    assert (readmitted.recognition_resolution_on, readmitted.recognized_on) == (None, None)
    # Resolution Friday 3/1/2025: 60 working days skip Tết Ất Tỵ (27/1–31/1) → 4/4/2025. Received
    # Wednesday 8/1/2025: 30 working days skip Tết → 26/2/2025; the
    # probation ends 20/2/2026 → the chi bộ's 30 working days (no holiday) → 3/4/2026, late by today.
    assert clock_rows(readmitted) == [
        ("admission_decision", date(2025, 1, 3), date(2025, 4, 4), date(2025, 1, 6), False, False),
        ("ceremony", date(2025, 1, 8), date(2025, 2, 26), date(2025, 2, 20), False, False),
        ("recognition_consider", date(2026, 2, 20), date(2026, 4, 3), None, True, False),
    ]


def test_readmission_ceremony_limit_applies(former, admin_user):
    with pytest.raises(ValidationError, match="cấp ủy cấp trên"):
        lifecycle.member_readmit(
            actor=admin_user,
            member=former,
            admitted_on=date(2025, 1, 6),
            considered_on=date(2025, 1, 3),
            over_age_approval="Công văn 2-CV/TU",
            decision_received_on=date(2025, 1, 8),
            ceremony_on=date(2025, 2, 27),
        )
    assert Member.objects.get(pk=former.pk).status == "removed"


def test_the_committees_extension_is_recorded_by_the_deciding_level_only(tree, people):
    member = Member.objects.create(
        full_name="Lê Văn Nam",
        sex="male",
        org=tree.a1,
        status="probationary",
        admitted_on=date(2025, 1, 10),
        ceremony_on=date(2025, 1, 20),
    )
    body = {"working_days": 10, "on": "2026-02-02", "reason": "Chờ xác minh", "resolution_on": "2026-01-22"}
    client, auth = api(people.secretary)
    refused = client.post(
        f"/api/v1/members/{member.pk}/extend-probation", body, content_type="application/json", **auth
    )
    assert refused.status_code == 403
    assert "Ban Thường vụ" in refused.json()["error"]["message"]
    assert Member.objects.get(pk=member.pk).recognition_extension_days == 0
    client, auth = api(people.province)
    done = client.post(
        f"/api/v1/members/{member.pk}/extend-probation", body, content_type="application/json", **auth
    )
    assert done.status_code == 200, done.content
    assert Member.objects.get(pk=member.pk).recognition_extension_days == 10


def test_readmission_with_only_the_birth_year_on_file_takes_the_latest_possible_day(former, admin_user):
    # Born "1966" (year only): on 10/2/2026 he may still be 59 (born in December), so no approval is
    # asked; with the full date 15/1/1966 it would be (see above).
    Member.objects.filter(pk=former.pk).update(birth_date=date(1966, 1, 1), birth_date_precision="year")
    former.refresh_from_db()
    readmitted = lifecycle.member_readmit(
        actor=admin_user, member=former, admitted_on=date(2026, 2, 20), considered_on=date(2026, 2, 10)
    )
    assert readmitted.status == "probationary"


def test_the_age_limits_are_rule_rows_of_each_regulation_and_judge_a_readmission_by_its_date(
    former, admin_user
):
    from dangvu.members.models import MemberRule

    assert MemberRule.objects.in_force("admission_age_max_years", date(2023, 5, 1)).legal_basis.endswith(
        "QĐ 24-QĐ/TW (30/7/2021)"
    )
    assert MemberRule.objects.in_force("admission_age_max_years", date(2026, 5, 1)).value == 60
    # Considered on 10/2/2025 (QĐ 232 in force): 59 years 1 month, no approval needed.
    lifecycle.member_readmit(
        actor=admin_user, member=former, admitted_on=date(2025, 2, 20), considered_on=date(2025, 2, 10)
    )
    assert Member.objects.get(pk=former.pk).status == "probationary"
