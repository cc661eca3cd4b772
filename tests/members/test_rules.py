"""Worked examples: party age, recognition deadline across Tết, badge eligibility and award dates."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from dangvu.audit.models import AuditEntry
from dangvu.members import lifecycle
from dangvu.members.milestones import (
    badge_eligibility,
    next_award_date,
    party_age,
    probation_ends_on,
    recognition_due_on,
)
from dangvu.members.models import Member, PartyInterruption

pytestmark = pytest.mark.django_db


def make(tree, **fields):
    values = {"full_name": "Nguyễn Văn Bình", "sex": "male", "org": tree.a1, "status": "official"} | fields
    return Member.objects.create(**values)


def test_party_age_counts_from_the_admission_decision(tree):
    member = make(tree, admitted_on=date(2015, 7, 26), recognized_on=date(2016, 7, 26))
    assert party_age(member, date(2016, 7, 26)).as_dict() == {"years": 1, "months": 0, "days": 0}
    assert party_age(member, date(2025, 9, 2)).as_dict() == {"years": 10, "months": 1, "days": 7}
    assert party_age(member, date(2015, 7, 1)) is None


def test_party_age_subtracts_periods_out_of_the_party(tree):
    member = make(tree, admitted_on=date(2000, 1, 1), first_admitted_on=date(2000, 1, 1))
    PartyInterruption.objects.create(
        member=member, reason="removed", starts_on=date(2005, 1, 1), ends_on=date(2010, 1, 1)
    )
    # 20 calendar years minus the 5-year gap: exactly 15 years.
    assert party_age(member, date(2020, 1, 1)).as_dict() == {"years": 15, "months": 0, "days": 0}
    # A gap of 3 months and 10 days moves the 30-year milestone by as much.
    PartyInterruption.objects.create(
        member=member, reason="lost_contact", starts_on=date(2012, 3, 1), ends_on=date(2012, 6, 11)
    )
    assert party_age(member, date(2020, 1, 1)).as_dict() == {"years": 14, "months": 8, "days": 21}
    open_gap = make(tree, full_name="Trần Thị Thu", admitted_on=date(2010, 3, 1), status="removed")
    PartyInterruption.objects.create(member=open_gap, reason="removed", starts_on=date(2015, 3, 1))
    assert party_age(open_gap, date(2026, 3, 1)).as_dict() == {"years": 5, "months": 0, "days": 0}


def test_recognition_is_due_30_working_days_after_the_probation_crossing_tet(tree):
    member = make(tree, status="probationary", admitted_on=date(2025, 2, 1), ceremony_on=date(2025, 2, 13))
    assert probation_ends_on(member) == date(2026, 2, 13)
    # Tết Bính Ngọ: 16–20/2/2026 are off, so the 30th working day is Friday 3/4/2026.
    assert recognition_due_on(member) == date(2026, 4, 3)


def test_badge_on_the_award_day_after_the_milestone(tree):
    member = make(tree, admitted_on=date(1996, 9, 2))
    assert badge_eligibility(member, 30, date(2026, 9, 2)).eligible
    too_early = badge_eligibility(member, 30, date(2026, 5, 19))
    assert not too_early.eligible
    assert too_early.reason == "Chưa đủ 30 năm tuổi Đảng (đủ vào ngày 02/09/2026)."
    # Seriously ill members may receive it up to 12 months early (24 from 70 years).
    assert badge_eligibility(member, 30, date(2026, 5, 19), seriously_ill=True).early
    assert not badge_eligibility(member, 35, date(2026, 9, 2)).eligible


def test_badge_refused_for_probationers_and_after_discipline(tree):
    probationer = make(
        tree, status="probationary", admitted_on=date(1990, 1, 1), ceremony_on=date(1990, 1, 1)
    )
    assert (
        badge_eligibility(probationer, 30, date(2026, 2, 3)).reason
        == "Đảng viên dự bị không được tặng Huy hiệu Đảng."
    )
    member = make(tree, full_name="Lê Văn Tư", admitted_on=date(1990, 1, 1))
    member.disciplines.create(form="canh-cao", decided_on=date(2026, 1, 10), decision="01-QĐ/UBKT")
    assert "9 tháng" in badge_eligibility(member, 30, date(2026, 5, 19)).reason
    assert badge_eligibility(member, 30, date(2026, 11, 7)).eligible


def test_posthumous_award_window(tree):
    # Died 10 months short of 30 years: within the 12 months of a posthumous award.
    member = make(tree, status="deceased", admitted_on=date(1996, 11, 1), status_changed_on=date(2026, 1, 1))
    assert not badge_eligibility(member, 30, date(2026, 2, 3)).eligible
    assert badge_eligibility(member, 30, date(2026, 2, 3), posthumous=True).eligible


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (date(2026, 1, 1), date(2026, 2, 3)),
        (date(2026, 2, 3), date(2026, 2, 3)),
        (date(2026, 11, 8), date(2027, 2, 3)),
        (date(2026, 6, 1), date(2026, 9, 2)),
    ],
)
def test_next_award_date(after, expected):
    assert next_award_date(after) == expected


def test_recognition_limit_extended_once_by_up_to_30_working_days(tree, admin_user):
    member = make(tree, status="probationary", admitted_on=date(2025, 2, 1), ceremony_on=date(2025, 2, 13))
    # The chi bộ's own limit (30 working days after 13/2/2026, across Tết Bính Ngọ) cannot be extended.
    assert recognition_due_on(member) == date(2026, 4, 3)
    with pytest.raises(ValidationError, match="Thời hạn 30 ngày làm việc của chi bộ không được gia hạn"):
        lifecycle.member_extend_probation(
            actor=admin_user, member=member, working_days=30, decided_on=date(2026, 3, 30), reason="Chờ"
        )
    with pytest.raises(ValidationError, match="từ 1 đến 30 ngày làm việc"):
        lifecycle.member_extend_probation(
            actor=admin_user,
            member=member,
            working_days=31,
            decided_on=date(2026, 3, 30),
            reason="Chờ xác minh",
            resolution_on=date(2026, 3, 2),
        )
    with pytest.raises(ValidationError, match="lý do"):
        lifecycle.member_extend_probation(
            actor=admin_user,
            member=member,
            working_days=30,
            decided_on=date(2026, 3, 30),
            reason=" ",
            resolution_on=date(2026, 3, 2),
        )
    lifecycle.member_extend_probation(
        actor=admin_user,
        member=member,
        working_days=30,
        decided_on=date(2026, 3, 30),
        reason="Chờ xác minh lý lịch",
        resolution_on=date(2026, 3, 2),
    )
    member.refresh_from_db()
    # 2/3/2026 + 30 + 30 working days, past Giỗ Tổ (Sunday 26/4, so Monday 27/4 is off), 30/4 and 1/5.
    assert recognition_due_on(member) == date(2026, 5, 28)
    entry = AuditEntry.objects.get(event="members.extend_probation", object_id=str(member.pk))
    assert entry.changes == {
        "recognition_extension_days": [0, 30],
        "recognition_resolution_on": [None, "2026-03-02"],
    }
    assert entry.data["reason"] == "Chờ xác minh lý lịch"
    with pytest.raises(ValidationError, match="chỉ được gia hạn một lần"):
        lifecycle.member_extend_probation(
            actor=admin_user, member=member, working_days=5, decided_on=date(2026, 4, 1), reason="Thêm"
        )
    # Recognized late, official status still dates from the end of the 12 months.
    lifecycle.member_recognize(actor=admin_user, member=member, decided_on=date(2026, 5, 15))
    member.refresh_from_db()
    assert member.recognized_on == date(2026, 2, 13)
    with pytest.raises(ValidationError, match="Chỉ gia hạn xét công nhận cho đảng viên dự bị"):
        lifecycle.member_extend_probation(
            actor=admin_user, member=member, working_days=5, decided_on=date(2026, 5, 16), reason="Thêm"
        )
