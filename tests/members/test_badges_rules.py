"""Badges worked out by hand (DOMAIN §4, addendum §8, §15, §16): candidates from party age, posthumous
and seriously-ill windows, discipline waits under the rule of the discipline's date, rule rows citing
the regulation in force, returning and reissuing a badge."""

from datetime import date
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from dangvu.audit.models import AuditEntry
from dangvu.members import lifecycle, worklists
from dangvu.members.milestones import badge_eligibility, discipline_wait_ends_on
from dangvu.members.models import Award, Member, MemberRule
from dangvu.members.models.reference import rule
from dangvu.members.services import member_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def new(tree, admin_user):
    def make(admitted_on, name="Nguyễn Văn Bình", org=None, **fields):
        return member_create(
            actor=admin_user,
            org=org or tree.a1,
            full_name=name,
            sex="male",
            birth_date=date(1915, 1, 1),
            admitted_on=admitted_on,
            recognized_on=admitted_on.replace(year=admitted_on.year + 1),
            **fields,
        )

    return make


def check(member, milestone, award_on, **flags):
    return badge_eligibility(Member.objects.get(pk=member.pk), milestone, award_on, **flags)


# --- Candidates come from party age ----------------------------------------------------------------------


def test_a_readmitted_member_reaching_30_years_is_a_candidate(new, admin_user, tree):
    # First admitted 1/6/1992, removed 1/6/2000, re-admitted 1/10/2003: 3 years 4 months out, so
    # 30 years of party age on 1/10/2025 (counting from the re-admission, only 22 years by then).
    member = new(date(1992, 6, 1))
    lifecycle.member_remove(
        actor=admin_user,
        member=member,
        decided_on=date(2000, 6, 1),
        reason="Không đóng đảng phí",
        ground="removal.unpaid_fees",
    )
    lifecycle.member_readmit(
        actor=admin_user, member=member, admitted_on=date(2003, 10, 1), ceremony_on=date(2003, 10, 1)
    )
    lifecycle.member_recognize(actor=admin_user, member=member, decided_on=date(2004, 10, 5))
    # Not a candidate for the round of 3/2/2027 (reached more than 12 months before it) …
    assert [
        c.milestone
        for c in worklists.badge_candidates(Member.objects.filter(pk=member.pk), date(2026, 12, 1))
    ] == []
    # … but one for the round of 7/11/2025 (an admission-date window looked at 2003 and missed them).
    found = worklists.badge_candidates(Member.objects.filter(pk=member.pk), date(2025, 10, 20))
    assert [(c.milestone, c.reached_on, c.award_on) for c in found] == [
        (30, date(2025, 10, 1), date(2025, 11, 7))
    ]


def test_candidates_for_the_next_award_day(new, tree, admin_user):
    new(date(1997, 1, 20), name="Đủ 30 năm")  # 30 years on 20/1/2027
    late = new(date(1997, 3, 1), name="Chưa đủ")  # 30 years on 1/3/2027, after 3/2/2027
    dead = new(date(1977, 5, 1), name="Đã mất")  # would reach 50 years on 1/5/2027
    lifecycle.member_mark_deceased(actor=admin_user, member=dead, died_on=date(2026, 6, 1))
    long_dead = new(date(1967, 1, 1), name="Mất lâu")  # would reach 60 on 1/1/2027; died 2010
    lifecycle.member_mark_deceased(actor=admin_user, member=long_dead, died_on=date(2010, 1, 1))
    found = worklists.badge_candidates(Member.objects.all(), date(2026, 12, 1))
    assert [(c.member.full_name, c.milestone, c.reached_on, c.posthumous) for c in found] == [
        ("Đủ 30 năm", 30, date(2027, 1, 20), False),
        ("Đã mất", 50, date(2027, 5, 1), True),
    ]
    assert late.pk not in {c.member.pk for c in found}
    page = Client()
    page.force_login(admin_user)
    html = page.get("/members/worklists/").content.decode()
    assert "Đủ 30 năm" in html
    assert "Truy tặng" in html


# --- Death, posthumous and seriously ill -----------------------------------------------------------------


def test_death_stops_party_age_so_no_posthumous_badge_16_years_late(new, admin_user):
    member = new(date(1990, 1, 1))
    lifecycle.member_mark_deceased(actor=admin_user, member=member, died_on=date(2010, 1, 1))
    result = check(member, 30, date(2026, 2, 3), posthumous=True)
    assert not result.eligible
    assert result.reason == (
        "Không truy tặng: khi từ trần (ngày 01/01/2010) đảng viên còn thiếu hơn 12 tháng mới đủ "
        "30 năm tuổi Đảng (đủ vào ngày 01/01/2020)."
    )


@pytest.mark.parametrize(
    ("died_on", "eligible", "early"),
    [
        (date(2025, 9, 1), False, False),  # 12 months and 1 day short
        (date(2025, 9, 2), True, True),  # exactly 12 months short
        (date(2026, 6, 30), True, True),
        (date(2026, 9, 2), True, False),  # died on the day: not early
        (date(2026, 10, 1), True, False),  # died after reaching it, before the award
    ],
)
def test_posthumous_only_when_death_is_at_most_12_months_short(new, admin_user, died_on, eligible, early):
    member = new(date(1996, 9, 2))  # 30 years on 2/9/2026
    lifecycle.member_mark_deceased(actor=admin_user, member=member, died_on=died_on)
    result = check(member, 30, date(2026, 11, 7), posthumous=True)
    assert (result.eligible, result.early) == (eligible, early)
    assert not check(member, 30, date(2026, 11, 7)).eligible  # never without "posthumous"


def test_posthumous_is_for_the_deceased_only(new):
    member = new(date(1990, 1, 1))
    assert check(member, 30, date(2026, 2, 3), posthumous=True).reason == (
        "Chỉ truy tặng Huy hiệu cho đảng viên đã từ trần."
    )


@pytest.mark.parametrize(
    ("milestone", "admitted_on", "award_on", "eligible"),
    [
        (30, date(1997, 2, 3), date(2026, 2, 3), True),  # exactly 12 months early
        (30, date(1997, 2, 4), date(2026, 2, 3), False),  # 12 months and 1 day early
        (65, date(1962, 2, 3), date(2026, 2, 3), True),
        (65, date(1962, 3, 1), date(2026, 2, 3), False),
        (70, date(1958, 2, 3), date(2026, 2, 3), True),  # 24 months early from 70 years
        (70, date(1958, 2, 4), date(2026, 2, 3), False),
        (90, date(1938, 2, 3), date(2026, 2, 3), True),
    ],
)
def test_seriously_ill_members_12_months_early_up_to_65_and_24_from_70(
    new, milestone, admitted_on, award_on, eligible
):
    member = new(admitted_on)
    result = check(member, milestone, award_on, seriously_ill=True)
    assert (result.eligible, result.early) == (eligible, eligible)
    assert not check(member, milestone, award_on).eligible


# --- Discipline waits under the rule of the discipline's date -------------------------------------------


@pytest.mark.parametrize(
    ("form", "decided_on", "wait_ends_on", "basis"),
    [
        ("canh-cao", date(2023, 3, 1), date(2023, 12, 1), "QĐ 24-QĐ/TW (30/7/2021)"),
        ("khien-trach", date(2019, 8, 31), date(2020, 2, 29), "QĐ 29-QĐ/TW (25/7/2016)"),  # leap day
        ("cach-chuc", date(2025, 3, 1), date(2026, 3, 1), "QĐ 232-QĐ/TW (20/1/2025)"),
        ("canh-cao", date(2025, 12, 31), date(2026, 9, 30), "QĐ 294-QĐ/TW (26/5/2025)"),  # year end
    ],
)
def test_discipline_wait_follows_the_rule_in_force_on_the_discipline_date(
    new, form, decided_on, wait_ends_on, basis
):
    member = new(date(1980, 1, 1))
    discipline = member.disciplines.create(form=form, decided_on=decided_on, decision="1-QĐ/UBKT")
    assert discipline_wait_ends_on(discipline) == wait_ends_on
    row = MemberRule.objects.in_force("badge_wait_after_discipline_months", decided_on)
    assert row.legal_basis == basis
    day_before = date.fromordinal(wait_ends_on.toordinal() - 1)
    held = check(member, 40, day_before)
    assert not held.eligible
    assert f"đến ngày {wait_ends_on:%d/%m/%Y}" in held.reason
    assert check(member, 40, wait_ends_on).eligible


def test_a_warning_before_1_july_2025_still_holds_the_badge_back(new):
    # The regression: no rule row existed before 1/7/2025, so a 2024 warning imposed no wait.
    member = new(date(1994, 6, 1))
    member.disciplines.create(form="canh-cao", decided_on=date(2024, 3, 1), decision="2-QĐ/UBKT")
    assert not check(member, 30, date(2024, 9, 2)).eligible
    assert check(member, 30, date(2024, 12, 1)).eligible


# --- Rule rows cite the regulation in force on their dates ----------------------------------------------


@pytest.mark.parametrize(
    ("key", "on", "basis"),
    [
        ("badge_milestones", date(2018, 1, 1), "QĐ 29-QĐ/TW (25/7/2016); HD 01-HD/TW (20/9/2016)"),
        ("badge_milestones", date(2021, 9, 27), "QĐ 29-QĐ/TW (25/7/2016); HD 01-HD/TW (20/9/2016)"),
        ("badge_milestones", date(2021, 9, 28), "HD 01-HD/TW (28/9/2021) §18"),
        ("badge_early_months_posthumous", date(2025, 6, 8), "HD 01-HD/TW (28/9/2021) §18"),
        ("badge_early_months_ill", date(2025, 6, 9), "HD 06-HD/TW (9/6/2025)"),
        ("badge_award_days", date(2026, 12, 1), "HD 06-HD/TW (9/6/2025)"),
        ("readmission_min_months", date(2025, 6, 30), "QĐ 232-QĐ/TW (20/1/2025) §3.5"),
        ("readmission_min_months", date(2025, 7, 1), "QĐ 294-QĐ/TW (26/5/2025) §3.5"),
        ("readmission_barred_grounds", date(2022, 1, 1), "QĐ 24-QĐ/TW (30/7/2021) §3.5"),
    ],
)
def test_rule_rows_cite_the_regulation_in_force_on_their_dates(key, on, basis):
    assert MemberRule.objects.in_force(key, on).legal_basis == basis


def test_rule_eras_leave_no_gap_and_no_overlap():
    for key in ("badge_milestones", "badge_wait_after_discipline_months", "readmission_barred_grounds"):
        rows = list(MemberRule.objects.filter(key=key).order_by("effective_from"))
        for earlier, later in pairwise(rows):
            assert date.fromordinal(earlier.effective_to.toordinal() + 1) == later.effective_from, key
        assert rows[-1].effective_to is None
    assert rule("badge_milestones", date(2016, 7, 25)) == [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90]


# --- Returning and reissuing ------------------------------------------------------------------------------


def test_removed_member_returns_the_badge_and_a_lost_one_is_reissued(new, admin_user, people):
    member = new(date(1990, 1, 1))
    lifecycle.badge_award(actor=admin_user, member=member, milestone=30, awarded_on=date(2020, 2, 3))
    with pytest.raises(ValidationError, match="lý do cấp lại"):
        lifecycle.badge_reissue(
            actor=admin_user, member=member, milestone=30, reissued_on=date(2024, 1, 5), reason=" "
        )
    with pytest.raises(ValidationError, match="chưa được tặng Huy hiệu 40"):
        lifecycle.badge_reissue(
            actor=admin_user, member=member, milestone=40, reissued_on=date(2024, 1, 5), reason="Bị mất"
        )
    lifecycle.badge_reissue(
        actor=admin_user,
        member=member,
        milestone=30,
        reissued_on=date(2024, 1, 5),
        reason="Bị mất khi chuyển nhà",
    )
    badge = Award.objects.get(member=member)
    assert badge.reissued_on == date(2024, 1, 5)
    entry = AuditEntry.objects.get(event="members.badge_reissue")
    assert entry.data["reason"] == "Bị mất khi chuyển nhà"
    # Still a member: nothing to return.
    with pytest.raises(ValidationError, match="Chỉ người đã ra khỏi Đảng"):
        lifecycle.badge_return(actor=admin_user, member=member, returned_on=date(2026, 1, 1))
    lifecycle.member_remove(
        actor=admin_user,
        member=member,
        decided_on=date(2026, 3, 1),
        reason="Bỏ sinh hoạt",
        ground="removal.no_activity",
    )
    with pytest.raises(ValidationError, match="không được trước ngày ra khỏi Đảng"):
        lifecycle.badge_return(actor=admin_user, member=member, returned_on=date(2026, 2, 1))
    client = Client()
    client.force_login(people.province)
    html = client.get(f"/members/{member.pk}/").content.decode()
    assert f"/members/{member.pk}/badge-return/" in html
    response = client.post(f"/members/{member.pk}/badge-return/", {"returned_on": "15/03/2026", "note": ""})
    assert response.status_code == 302
    assert Award.objects.get(member=member).returned_on == date(2026, 3, 15)
    # Once returned, the verb is no longer offered, and the badge cannot be reissued.
    html = client.get(f"/members/{member.pk}/").content.decode()
    assert f"/members/{member.pk}/badge-return/" not in html
    assert "đã nộp lại 15/03/2026" in html
