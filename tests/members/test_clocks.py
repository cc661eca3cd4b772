"""Worked examples of the admission and recognition clocks (DOMAIN §2 steps 8–13): the committee's
60/30 working days from the chi bộ's resolution with its one extension, the chi bộ's 30 working days
after probation that cannot be extended, the ceremony within 30 working days of receiving the
decision, and the age counted in months — across Tết, year ends, make-up Saturdays and leap days."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from dangvu.accounts.services import api_token_create
from dangvu.audit.models import AuditEntry
from dangvu.members import lifecycle
from dangvu.members.clocks import (
    admission_decision_clock,
    age_in_months,
    ceremony_clock,
    recognition_consider_clock,
    recognition_decision_clock,
)
from dangvu.members.milestones import recognition_due_on
from dangvu.members.models import Member, MemberRule

pytestmark = pytest.mark.django_db


def admit(tree, actor, **fields):
    values = {
        "actor": actor,
        "org": tree.a1,
        "full_name": "Trần Thị Mai",
        "sex": "female",
        "birth_date": date(1995, 5, 5),
        "admitted_on": date(2026, 3, 20),
    } | fields
    return lifecycle.member_admit(**values)


@pytest.mark.parametrize(
    ("birth", "considered", "months"),
    [
        (date(2008, 3, 25), date(2026, 3, 10), 216),  # the month of birth counts whole
        (date(2008, 4, 1), date(2026, 3, 31), 215),
        (date(2008, 2, 29), date(2026, 2, 28), 216),  # born on a leap day
        (date(1966, 3, 31), date(2026, 3, 1), 720),
    ],
)
def test_age_is_counted_in_months(birth, considered, months):
    assert age_in_months(birth, considered) == months


def test_applicant_eligible_in_the_month_of_the_18th_birthday(tree, admin_user):
    # Born 25/3/2008, chi bộ considers on 10/3/2026: 18 years counted in months (days would say 17).
    member = admit(tree, admin_user, birth_date=date(2008, 3, 25), considered_on=date(2026, 3, 10))
    assert member.admission_resolution_on == date(2026, 3, 10)


def test_applicant_a_month_short_of_18_is_refused_with_the_age(tree, admin_user):
    with pytest.raises(ValidationError, match="17 tuổi 11 tháng"):
        admit(
            tree,
            admin_user,
            birth_date=date(2008, 4, 1),
            considered_on=date(2026, 3, 31),
            admitted_on=date(2026, 4, 2),
        )
    assert not Member.objects.filter(full_name="Trần Thị Mai").exists()


def test_over_60_needs_the_provincial_approval_recorded(tree, admin_user):
    # 60 years and 0 months is still within the rule; 60 years and 1 month is over it.
    admit(
        tree, admin_user, full_name="Người 60", birth_date=date(1966, 3, 31), considered_on=date(2026, 3, 1)
    )
    with pytest.raises(ValidationError, match="cấp ủy trực thuộc Trung ương"):
        admit(tree, admin_user, birth_date=date(1966, 2, 1), considered_on=date(2026, 3, 10))
    member = admit(
        tree,
        admin_user,
        birth_date=date(1966, 2, 1),
        considered_on=date(2026, 3, 10),
        over_age_approval="Công văn 15-CV/TU ngày 5/3/2026",
    )
    assert Member.objects.get(pk=member.pk).over_age_approval == "Công văn 15-CV/TU ngày 5/3/2026"
    entry = AuditEntry.objects.get(event="members.admission_record", object_id=str(member.pk))
    assert entry.changes["over_age_approval"] == [None, "Công văn 15-CV/TU ngày 5/3/2026"]


def test_committee_admission_limit_is_60_working_days_across_the_year_end_and_tet(tree, admin_user):
    member = admit(tree, admin_user, considered_on=date(2025, 12, 15), admitted_on=date(2026, 3, 16))
    clock = admission_decision_clock(member)
    # 1/1/2026 and Tết Bính Ngọ (16–20/2) are not counted.
    assert (clock.starts_on, clock.working_days, clock.due_on) == (date(2025, 12, 15), 60, date(2026, 3, 17))
    assert not clock.is_late(member.admitted_on)


def test_committee_admission_limit_extended_once_by_up_to_30_working_days(tree, admin_user):
    with pytest.raises(ValidationError, match="từ 1 đến 30 ngày làm việc"):
        admit(tree, admin_user, considered_on=date(2025, 12, 15), admission_extension_days=31)
    member = admit(
        tree,
        admin_user,
        considered_on=date(2025, 12, 15),
        admitted_on=date(2026, 4, 20),
        admission_extension_days=30,
    )
    clock = admission_decision_clock(member)
    # +30 more, past Giỗ Tổ (Sunday 26/4/2026 → Monday 27/4 off).
    assert (clock.extension_days, clock.due_on) == (30, date(2026, 4, 29))


def test_ceremony_within_30_working_days_of_receiving_the_decision(tree, admin_user):
    # Received Friday 24/4/2026: 27/4 (Giỗ Tổ in lieu), 30/4 and 1/5 are not counted → 10/6/2026.
    common = {"admitted_on": date(2026, 4, 22), "decision_received_on": date(2026, 4, 24)}
    member = admit(tree, admin_user, ceremony_on=date(2026, 6, 10), **common)
    assert ceremony_clock(member).due_on == date(2026, 6, 10)
    with pytest.raises(ValidationError, match="đến 10/06/2026"):
        admit(tree, admin_user, full_name="Muộn", ceremony_on=date(2026, 6, 11), **common)
    late = admit(
        tree,
        admin_user,
        full_name="Muộn có ý kiến",
        ceremony_on=date(2026, 6, 11),
        late_ceremony_agreement="Công văn 20-CV/ĐU ngày 5/6/2026",
        **common,
    )
    assert late.late_ceremony_agreement == "Công văn 20-CV/ĐU ngày 5/6/2026"


def test_ceremony_limit_counts_the_make_up_saturday(tree, admin_user):
    # Received Friday 25/4/2025; Saturday 26/4/2025 is a working day (2/5 is off instead).
    member = admit(
        tree,
        admin_user,
        admitted_on=date(2025, 4, 24),
        decision_received_on=date(2025, 4, 25),
        ceremony_on=date(2025, 6, 10),
    )
    assert ceremony_clock(member).due_on == date(2025, 6, 10)


def test_recognition_clocks_chi_bo_limit_fixed_committee_limit_extendable(tree, admin_user):
    member = Member.objects.create(
        full_name="Lê Văn Nam",
        sex="male",
        org=tree.a1,
        status="probationary",
        admitted_on=date(2024, 4, 10),
        ceremony_on=date(2024, 4, 25),
    )
    consider = recognition_consider_clock(member)
    # Probation ends 25/4/2025 (Friday); Saturday 26/4 worked, 30/4, 1/5, 2/5 off.
    assert (consider.starts_on, consider.due_on, consider.extendable) == (
        date(2025, 4, 25),
        date(2025, 6, 10),
        False,
    )
    assert recognition_decision_clock(member) is None
    assert recognition_due_on(member) == date(2025, 6, 10)
    lifecycle.member_extend_probation(
        actor=admin_user,
        member=member,
        working_days=10,
        decided_on=date(2025, 6, 2),
        reason="Chờ kết luận xác minh",
        resolution_on=date(2025, 5, 30),
    )
    member.refresh_from_db()
    decision = recognition_decision_clock(member)
    # 30/5/2025 + 30 + 10 working days; the chi bộ's limit itself did not move.
    assert (decision.working_days, decision.extension_days, decision.due_on) == (30, 10, date(2025, 7, 25))
    assert recognition_consider_clock(member).due_on == date(2025, 6, 10)
    assert recognition_due_on(member) == date(2025, 7, 25)


def test_recognition_resolution_is_stored_by_the_decision(tree, admin_user):
    member = Member.objects.create(
        full_name="Lê Văn Nam",
        sex="male",
        org=tree.a1,
        status="probationary",
        admitted_on=date(2025, 1, 10),
        ceremony_on=date(2025, 1, 20),
    )
    with pytest.raises(ValidationError, match="sau khi hết 12 tháng dự bị"):
        lifecycle.member_recognize(
            actor=admin_user, member=member, decided_on=date(2026, 2, 2), resolution_on=date(2026, 1, 19)
        )
    lifecycle.member_recognize(
        actor=admin_user, member=member, decided_on=date(2026, 2, 2), resolution_on=date(2026, 1, 22)
    )
    member.refresh_from_db()
    assert (member.status, member.recognized_on, member.recognition_resolution_on) == (
        "official",
        date(2026, 1, 20),
        date(2026, 1, 22),
    )


def test_extension_cannot_go_on_the_chi_bo_limit_over_the_api(tree, people):
    member = Member.objects.create(
        full_name="Lê Văn Nam",
        sex="male",
        org=tree.a1,
        status="probationary",
        admitted_on=date(2025, 1, 10),
        ceremony_on=date(2025, 1, 20),
    )
    _row, token = api_token_create(actor=people.admin, user=people.admin)
    client, auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    refused = client.post(
        f"/api/v1/members/{member.pk}/extend-probation",
        {"working_days": 30, "on": "2026-01-26", "reason": "Chờ"},
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 422
    assert "chi bộ không được gia hạn" in refused.json()["error"]["message"]
    assert Member.objects.get(pk=member.pk).recognition_extension_days == 0


def test_clock_rules_are_versioned_with_the_regulation_in_force():
    assert MemberRule.objects.in_force(
        "recognition_decision_working_days", date(2019, 5, 1)
    ).legal_basis.startswith("QĐ 29-QĐ/TW")
    assert MemberRule.objects.in_force(
        "recognition_decision_working_days", date(2023, 5, 1)
    ).legal_basis.startswith("QĐ 24-QĐ/TW")
    assert MemberRule.objects.in_force(
        "decision_extension_max_working_days", date(2026, 5, 1)
    ).legal_basis.startswith("QĐ 294-QĐ/TW")
