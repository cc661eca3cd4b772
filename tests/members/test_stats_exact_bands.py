"""Statistics count ages and party ages in whole years on the report day, exactly as ``party_age`` does
(issue #10: "Statistics and badge lists use the same party-age function"): worked examples (an
anniversary after the report day, a re-admitted member with a gap, a dead member, a stopped clock,
29/2 starts in common and leap years) and a generated population compared with the function, for a
unit counted live and one reading its kept cells, on several report days."""

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from dangvu.accounts.services import api_token_create
from dangvu.members import interruptions, lifecycle
from dangvu.members.enums import CURRENT_STATUSES
from dangvu.members.milestones import completed_years, latest_start_with_years, party_age
from dangvu.members.models import Member
from dangvu.members.services import member_create
from dangvu.members.stats import AGE_BANDS, PARTY_AGE_BANDS, member_stats, rebuild_precomputed

pytestmark = pytest.mark.django_db


def band(bands, years):
    years = max(years, 0)
    return next(label for label, low, high in bands if low <= years <= high)


def expected(org_members, on):
    """The bands as the one function counts them, member by member."""
    ages = dict.fromkeys([label for label, _l, _h in AGE_BANDS], 0) | {"unknown": 0}
    party = dict.fromkeys([label for label, _l, _h in PARTY_AGE_BANDS], 0) | {"unknown": 0}
    for member in org_members.filter(status__in=CURRENT_STATUSES).prefetch_related("interruptions"):
        born = member.birth_date
        ages["unknown" if born is None else band(AGE_BANDS, completed_years(born, on))] += 1
        result = party_age(member, on, member.interruptions.all())
        start = member.party_age_from
        if start is None:
            party["unknown"] += 1
        else:
            party[band(PARTY_AGE_BANDS, result.years if result is not None else 0)] += 1
    return ages, party


def both_ways(org, on):
    """The bands counted live and from the kept cells (every unit keeps cells at min_members=1)."""
    live = member_stats(org, date(on.year, 1, 1), on)
    rebuild_precomputed(min_members=1)
    kept = member_stats(org, date(on.year, 1, 1), on)
    rebuild_precomputed(min_members=10**9)  # back to live counting
    assert kept["by_age_band"] == live["by_age_band"]
    assert kept["by_party_age_band"] == live["by_party_age_band"]
    return live


@pytest.fixture
def new(tree, admin_user):
    def make(admitted_on, born=date(1980, 6, 15), name="Nguyễn Văn Bình", **fields):
        return member_create(
            actor=admin_user,
            org=tree.a1,
            full_name=name,
            sex="male",
            birth_date=born,
            admitted_on=admitted_on,
            **fields,
        )

    return make


def test_latest_start_with_years_is_the_party_age_anniversary():
    # A 29/2 start has its anniversary on 28/2 of a common year, and on 29/2 of a leap year.
    assert latest_start_with_years(date(2027, 2, 28), 1) == date(2026, 2, 28)
    assert latest_start_with_years(date(2025, 2, 28), 1) == date(2024, 2, 29)
    assert latest_start_with_years(date(2028, 2, 29), 4) == date(2024, 2, 29)
    assert latest_start_with_years(date(2028, 2, 28), 4) == date(2024, 2, 28)
    assert latest_start_with_years(date(2029, 3, 1), 1) == date(2028, 3, 1)
    for on in (date(2025, 2, 28), date(2028, 2, 28), date(2028, 2, 29), date(2026, 12, 31), date(2026, 1, 1)):
        for years in (1, 10, 30):
            cutoff = latest_start_with_years(on, years)
            assert completed_years(cutoff, on) >= years
            assert completed_years(cutoff + timedelta(days=1), on) < years


def test_an_anniversary_after_the_report_day_counts_the_year_before(new, tree):
    new(date(2016, 12, 2), born=date(1995, 12, 2), name="Đúng ngày")  # 10 years, 31 years on 2/12
    new(date(2016, 12, 3), born=date(1995, 12, 3), name="Ngày mai")  # 9 years, 30 years on 2/12
    on = date(2026, 12, 2)
    stats = both_ways(tree.a1, on)
    assert stats["by_party_age_band"]["<10"] == 1
    assert stats["by_party_age_band"]["10–19"] == 1
    assert stats["by_age_band"]["≤30"] == 1
    assert stats["by_age_band"]["31–40"] == 1
    # By calendar year both would be 10 years and 31 years old; on 3/12 both are.
    later = both_ways(tree.a1, date(2026, 12, 3))
    assert later["by_party_age_band"]["10–19"] == 2
    assert later["by_age_band"]["31–40"] == 2


def test_a_readmitted_member_with_a_gap_counts_whole_years_from_the_first_admission(new, admin_user, tree):
    member = new(date(1990, 3, 1), recognized_on=date(1991, 3, 1))
    lifecycle.member_remove(
        actor=admin_user,
        member=member,
        decided_on=date(2000, 3, 1),
        reason="Không đóng đảng phí",
        ground="removal.unpaid_fees",
    )
    lifecycle.member_readmit(actor=admin_user, member=member, admitted_on=date(2004, 3, 15))
    # Out 4 years 14 days: counts from 15/3/1994; 30 years on 15/3/2024.
    assert Member.objects.get(pk=member.pk).party_age_from == date(1994, 3, 15)
    before = both_ways(tree.a1, date(2024, 3, 14))
    assert before["by_party_age_band"]["20–29"] == 1  # 29 years 11 months 30 days
    on_the_day = both_ways(tree.a1, date(2024, 3, 15))
    assert on_the_day["by_party_age_band"]["30–39"] == 1
    assert party_age(Member.objects.get(pk=member.pk), date(2024, 3, 14)).years == 29


def test_a_dead_member_is_not_counted_and_a_stopped_clock_counts_its_whole_years(new, admin_user, tree):
    dead = new(date(1990, 1, 1), name="Đã mất")
    lifecycle.member_mark_deceased(actor=admin_user, member=dead, died_on=date(2010, 1, 1))
    assert party_age(Member.objects.get(pk=dead.pk), date(2026, 6, 1)).years == 20
    # Out of contact from 30/4/2016, admitted 1/5/2006: 9 years 11 months 29 days, fixed.
    stopped = new(date(2006, 5, 1), name="Mất liên lạc")
    interruptions.interruption_create(
        actor=admin_user, member=stopped, reason="lost_contact", starts_on=date(2016, 4, 30)
    )
    stats = both_ways(tree.a1, date(2026, 6, 1))
    assert stats["total"] == 1  # the dead member is not a current member
    assert stats["by_party_age_band"]["<10"] == 1  # by year it was 2016 − 2006 = 10
    assert stats["by_party_age_band"]["10–19"] == 0


@pytest.mark.parametrize(
    ("on", "years_29_feb"),
    [
        (date(2026, 2, 27), 9),
        (date(2026, 2, 28), 10),  # common year: the anniversary of 29/2 is 28/2
        (date(2036, 2, 28), 19),  # leap year: not yet
        (date(2036, 2, 29), 20),
    ],
)
def test_a_29_february_start_across_common_and_leap_years(new, tree, on, years_29_feb):
    new(date(2016, 2, 28), born=date(1995, 2, 28), name="Ngày 28")
    new(date(2016, 2, 29), born=date(1996, 2, 29), name="Ngày 29")
    new(date(2016, 3, 1), born=date(1995, 3, 1), name="Ngày 1/3")
    leap_member = Member.objects.get(full_name="Ngày 29")
    assert party_age(leap_member, on).years == years_29_feb
    expected_ages, expected_party = expected(Member.objects.filter(org=tree.a1), on)
    stats = both_ways(tree.a1, on)
    assert stats["by_party_age_band"] == expected_party
    assert stats["by_age_band"] == expected_ages
    by_year = on.year - 2016
    assert stats["by_party_age_band"][band(PARTY_AGE_BANDS, by_year)] < 3  # by year all three would be


def test_a_29_february_start_on_29_february_2028(new, tree):
    new(date(2018, 2, 28), name="Ngày 28")
    new(date(2018, 3, 1), name="Ngày 1/3")
    new(date(2020, 2, 29), born=date(1997, 3, 1), name="Ngày 29")
    stats = both_ways(tree.a1, date(2028, 2, 29))
    # 10 years on 28/2 (yes), 1/3/2018 (not yet): 9; 29/2/2020: 8 years.
    assert stats["by_party_age_band"]["10–19"] == 1
    assert stats["by_party_age_band"]["<10"] == 2
    assert stats["by_age_band"]["≤30"] == 1  # born 1/3/1997: 30 years on 1/3/2027, 31 on 1/3/2028


def test_a_generated_population_counts_as_the_party_age_function(tree, admin_user):
    rng = random.Random(10)
    units = [tree.a1, tree.a2, tree.b1]
    # Starts and births near the band boundaries of the report days, and on 28/2, 29/2, 1/3, 31/12, 1/1.
    days = [(1, 1), (2, 28), (2, 29), (3, 1), (6, 15), (6, 16), (12, 31), (12, 30)]
    for i in range(90):
        year = rng.choice([1966, 1976, 1984, 1986, 1996, 2000, 2004, 2006, 2008, 2012, 2016])
        month, day = rng.choice(days)
        if (month, day) == (2, 29) and year % 4:
            day = 28
        admitted = date(year, month, day)
        b_month, b_day = rng.choice(days)
        b_year = rng.choice(
            [y for y in (1940, 1946, 1950, 1956, 1965, 1966, 1976, 1986, 1995) if y < year - 18]
        )
        born = date(b_year, b_month, 28 if (b_month, b_day) == (2, 29) and b_year % 4 else b_day)
        member = member_create(
            actor=admin_user,
            org=rng.choice(units),
            full_name=f"Đảng viên {i}",
            sex="male",
            birth_date=born if i % 17 else None,
            admitted_on=admitted if i % 23 else None,
            card_admitted_on=admitted if i % 23 == 0 and i % 2 else None,
        )
        kind = i % 6
        if kind == 1 and admitted.year < 2010:  # a closed gap
            interruptions.interruption_create(
                actor=admin_user,
                member=member,
                reason="transfer_gap",
                starts_on=admitted + timedelta(days=400),
                ends_on=admitted + timedelta(days=400 + rng.randrange(30, 1500)),
            )
        elif kind == 2 and admitted.year < 2010:  # an open gap: a stopped clock
            interruptions.interruption_create(
                actor=admin_user, member=member, reason="lost_contact", starts_on=date(2019, 2, 28)
            )
        elif kind == 3 and i % 4 == 3:
            lifecycle.member_mark_deceased(actor=admin_user, member=member, died_on=date(2018, 3, 1))
        elif kind == 4 and admitted.year < 2016:  # a closed gap ending after some report days
            interruptions.interruption_create(
                actor=admin_user,
                member=member,
                reason="lost_contact",
                starts_on=date(2016, 2, 29),
                ends_on=date(2026, 6, 15) - timedelta(days=rng.randrange(0, 400)),
            )
        elif kind == 5 and admitted.year < 2004:  # a closed gap, then a clock stopped again
            interruptions.interruption_create(
                actor=admin_user,
                member=member,
                reason="transfer_gap",
                starts_on=date(2004, 12, 31),
                ends_on=date(2008, 2, 29),
            )
            interruptions.interruption_create(
                actor=admin_user, member=member, reason="lost_contact", starts_on=date(2026, 6, 16)
            )
    report_days = [
        date(2026, 1, 1),
        date(2026, 6, 15),
        date(2026, 6, 16),
        date(2026, 12, 30),
        date(2026, 12, 31),
        date(2027, 2, 28),
        date(2028, 2, 28),
        date(2028, 2, 29),
        date(2028, 3, 1),
        # Before some stops and some periods' ends: the years the members had then.
        date(2006, 12, 31),
        date(2016, 2, 29),
        date(2019, 2, 27),
        date(2019, 2, 28),
        date(2025, 12, 31),
    ]
    for unit in (tree.root, tree.xa, tree.b1):
        members = Member.objects.in_subtree(unit)
        for on in report_days:
            live = member_stats(unit, date(on.year, 1, 1), on)
            ages, party = expected(members, on)
            assert live["by_party_age_band"] == party, (unit.code, on)
            assert live["by_age_band"] == ages, (unit.code, on)
    rebuild_precomputed(min_members=1)
    for unit in (tree.root, tree.xa, tree.b1):
        members = Member.objects.in_subtree(unit)
        for on in report_days:
            kept = member_stats(unit, date(on.year, 1, 1), on)
            ages, party = expected(members, on)
            assert kept["by_party_age_band"] == party, (unit.code, on)
            assert kept["by_age_band"] == ages, (unit.code, on)


def test_the_party_age_filter_of_the_member_list_counts_whole_years_today(new, tree, people, admin_user):
    from django.utils import timezone

    from dangvu.members import selectors

    today = timezone.localdate()
    new(date(today.year - 10, today.month, today.day), name="Mười năm")
    new(date(today.year - 10, today.month, today.day) + timedelta(days=1), name="Chưa đủ")
    stopped = new(date(1990, 6, 2), name="Dừng")  # out from 1/6/2010: 19 years 11 months 30 days
    interruptions.interruption_create(
        actor=admin_user, member=stopped, reason="lost_contact", starts_on=date(2010, 6, 1)
    )

    def names(low, high):
        criteria = selectors.MemberFilter(org=tree.a1, party_age=(low, high))
        return sorted(m.full_name for m in selectors.members(people.province, criteria))

    assert names(10, 19) == ["Dừng", "Mười năm"]
    assert names(0, 9) == ["Chưa đủ"]
    assert names(20, 29) == []
    stats = member_stats(tree.a1, date(today.year, 1, 1), today)
    assert (stats["by_party_age_band"]["<10"], stats["by_party_age_band"]["10–19"]) == (1, 2)


# --- A report day before a stop or a period's end: the years the member had on that day -----------------
#
# The derived columns hold for days after every stop and every period's end; for an earlier report day
# the statistics count the members whose columns are behind with ``party_age`` itself (docs/party-age.md).


def kept_and_live(org, on):
    """``both_ways`` for a report day in the past: the period is the report day's year."""
    return both_ways(org, on)["by_party_age_band"]


def test_a_report_day_before_an_open_period_out_counts_the_years_on_that_day(new, admin_user, tree):
    # Admitted 1/1/1990, out of contact from 1/6/2020: 30 years 5 months, fixed from then.
    member = new(date(1990, 1, 1), name="Mất liên lạc")
    interruptions.interruption_create(
        actor=admin_user, member=member, reason="lost_contact", starts_on=date(2020, 6, 1)
    )
    member.refresh_from_db()
    assert member.party_age_until == date(2020, 6, 1)
    assert kept_and_live(tree.a1, date(2015, 12, 31))["20–29"] == 1  # 25 years then, not the fixed 30
    assert kept_and_live(tree.a1, date(2019, 12, 31))["20–29"] == 1  # 29 years 11 months 30 days
    assert kept_and_live(tree.a1, date(2020, 1, 1))["30–39"] == 1  # 30 years on the anniversary
    assert kept_and_live(tree.a1, date(2020, 6, 1))["30–39"] == 1  # the stop day itself
    assert kept_and_live(tree.a1, date(2026, 12, 1))["30–39"] == 1  # fixed: 30 years
    assert kept_and_live(tree.a1, date(1989, 12, 31))["<10"] == 1  # not admitted yet: 0 years
    for on in (date(2015, 12, 31), date(2019, 12, 31), date(2020, 1, 1)):
        assert party_age(member, on).years == {2015: 25, 2019: 29, 2020: 30}[on.year]


def test_periods_out_before_the_report_day_still_deduct_when_the_clock_stops_later(new, admin_user, tree):
    # Admitted 1/1/1980; out 1/1/1990–1/1/1995 (5 years, deducted); out of contact again from 1/1/2020.
    member = new(date(1980, 1, 1), born=date(1955, 4, 4), name="Hai lần gián đoạn")
    interruptions.interruption_create(
        actor=admin_user,
        member=member,
        reason="lost_contact",
        starts_on=date(1990, 1, 1),
        ends_on=date(1995, 1, 1),
    )
    interruptions.interruption_create(
        actor=admin_user, member=member, reason="lost_contact", starts_on=date(2020, 1, 1)
    )
    member.refresh_from_db()
    assert (member.party_age_from, member.party_age_until) == (date(1985, 1, 1), date(2020, 1, 1))
    # The cells count the fixed 35 years; on 31/12/2014 the member had 34 − 5 = 29 years 11 months 30 days.
    assert kept_and_live(tree.a1, date(2014, 12, 31))["20–29"] == 1
    assert kept_and_live(tree.a1, date(2015, 1, 1))["30–39"] == 1
    # During the first period out the clock stood at 10 years (1/1/1980 → 1/1/1990).
    assert kept_and_live(tree.a1, date(1992, 6, 30))["10–19"] == 1
    assert party_age(member, date(1992, 6, 30)).years == 10


def test_a_report_day_inside_or_before_a_closed_period_counts_only_the_part_before_it(new, admin_user, tree):
    # Admitted 1/1/1990, out 1/1/2000–1/1/2010: party_age_from is 1/1/2000, right only from 1/1/2010.
    member = new(date(1990, 1, 1), name="Gián đoạn mười năm")
    interruptions.interruption_create(
        actor=admin_user,
        member=member,
        reason="transfer_gap",
        starts_on=date(2000, 1, 1),
        ends_on=date(2010, 1, 1),
    )
    assert kept_and_live(tree.a1, date(1999, 12, 31))["<10"] == 1  # 9 years 11 months 30 days
    assert kept_and_live(tree.a1, date(2000, 1, 1))["10–19"] == 1  # 10 years: the period starts
    assert kept_and_live(tree.a1, date(2009, 12, 31))["10–19"] == 1  # still 10, the clock stood
    assert kept_and_live(tree.a1, date(2019, 12, 31))["10–19"] == 1  # 19 years 11 months 30 days
    assert kept_and_live(tree.a1, date(2020, 1, 1))["20–29"] == 1


def test_a_readmitted_member_on_a_report_day_inside_the_gap(new, admin_user, tree):
    member = new(date(1990, 3, 1), recognized_on=date(1991, 3, 1))
    lifecycle.member_remove(
        actor=admin_user,
        member=member,
        decided_on=date(2000, 3, 1),
        reason="Không đóng đảng phí",
        ground="removal.unpaid_fees",
    )
    lifecycle.member_readmit(actor=admin_user, member=member, admitted_on=date(2004, 3, 15))
    # From 15/3/1994 by the columns (7 years on 31/12/2001); the party age stood at 10 years then.
    assert kept_and_live(tree.a1, date(2001, 12, 31))["10–19"] == 1
    assert party_age(Member.objects.get(pk=member.pk), date(2001, 12, 31)).years == 10


@time_machine.travel(datetime(2027, 1, 15, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False)
def test_the_yearly_report_after_a_member_lost_contact_in_the_new_year(people, tree, admin_user, new):
    """The 2026 report, made on 15/1/2027 (API), for a member out of contact since 5/1/2027: the years
    on 31/12/2026, not the years at the stop; a member who came back on 10/1/2027 after a period out
    from 1/1/2025 counts the part of it before the report day."""
    lost = new(date(1997, 1, 1), name="Mất liên lạc đầu năm")  # 30 years on 1/1/2027
    interruptions.interruption_create(
        actor=admin_user, member=lost, reason="lost_contact", starts_on=date(2027, 1, 5)
    )
    back = new(date(2006, 6, 1), name="Trở lại")  # 18 years 7 months on 1/1/2025, out to 10/1/2027
    interruptions.interruption_create(
        actor=admin_user,
        member=back,
        reason="lost_contact",
        starts_on=date(2025, 1, 1),
        ends_on=date(2027, 1, 10),
    )
    client = Client()
    _row, token = api_token_create(actor=people.province, user=people.province)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/v1/orgs/{tree.xa.pk}/member-stats"
    report = client.get(url, {"period_from": "2026-01-01", "period_to": "2026-12-31"}, **auth).json()
    # 29 years 11 months 30 days; 18 years 7 months (the clock stood from 1/1/2025).
    assert report["by_party_age_band"] == {
        "<10": 0,
        "10–19": 1,
        "20–29": 1,
        "30–39": 0,
        "40–49": 0,
        "≥50": 0,
        "unknown": 0,
    }
    # Today both clocks are right from the columns: 30 years (stopped) and 18 years 7 months 5 days.
    today = client.get(url, {"period_from": "2027-01-01", "period_to": "2027-01-15"}, **auth).json()
    assert (today["by_party_age_band"]["10–19"], today["by_party_age_band"]["30–39"]) == (1, 1)
    rebuild_precomputed(min_members=1)
    kept = client.get(url, {"period_from": "2026-01-01", "period_to": "2026-12-31"}, **auth).json()
    assert kept["by_party_age_band"] == report["by_party_age_band"]


def test_the_usual_report_day_reads_no_more_than_before(new, admin_user, tree, django_assert_num_queries):
    """After every stop and every period's end the members behind are found in the queries the figures
    already make: one for a unit counted live, three for a unit that keeps cells (its roll-up; its cells
    with the members behind; the deltas not folded yet), whatever the stopped clocks and periods out."""
    member = new(date(1990, 1, 1), name="Mất liên lạc")
    interruptions.interruption_create(
        actor=admin_user, member=member, reason="lost_contact", starts_on=date(2020, 6, 1)
    )
    other = new(date(1995, 5, 5), name="Gián đoạn")
    interruptions.interruption_create(
        actor=admin_user,
        member=other,
        reason="transfer_gap",
        starts_on=date(2001, 1, 1),
        ends_on=date(2003, 1, 1),
    )
    with django_assert_num_queries(1):
        live = member_stats(tree.a1, date(2025, 1, 1), date(2025, 12, 31), subtree=False)
    rebuild_precomputed(min_members=1)
    with django_assert_num_queries(3, exact=False):
        kept = member_stats(tree.a1, date(2025, 1, 1), date(2025, 12, 31))
    assert kept["by_party_age_band"] == live["by_party_age_band"]
    assert (live["by_party_age_band"]["30–39"], live["by_party_age_band"]["20–29"]) == (1, 1)
