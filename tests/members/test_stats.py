"""Statistics of a unit's subtree: counted live for small units, read from precomputed cells for big ones."""

import importlib
from datetime import date
from types import SimpleNamespace

import pytest

from dangvu.members import rollups
from dangvu.members.models import MemberStatDelta, OrgMemberStat
from dangvu.members.services import member_create
from dangvu.members.stats import member_stats, rebuild_precomputed

pytestmark = pytest.mark.django_db


def test_live_figures_count_ages_by_year(xa_members, tree):
    figures = member_stats(tree.xa, date(2026, 1, 1), date(2026, 10, 31))
    assert figures["as_of"] is None
    assert figures["total"] == 4
    assert figures["by_sex"] == {"female": 3, "male": 1}
    # 2026 − birth year: 46, 31, 76, 26
    assert figures["by_age_band"] == {
        "≤30": 1,
        "31–40": 1,
        "41–50": 1,
        "51–60": 0,
        "61–70": 0,
        ">70": 1,
        "unknown": 0,
    }
    # 2026 − admission year: 26, 8, 51, 0
    assert figures["by_party_age_band"]["≥50"] == 1
    assert figures["by_party_age_band"]["<10"] == 2
    assert figures["admitted_in_period"] == 1


def test_big_units_read_kept_cells_that_match_a_live_count(xa_members, tree, admin_user):
    periods = [
        (date(2026, 1, 1), date(2026, 10, 31)),
        (date(2026, 1, 10), date(2026, 2, 3)),
        (date(2000, 3, 15), date(2026, 3, 20)),
        (date(2026, 2, 2), date(2026, 2, 27)),
    ]
    live = {p: member_stats(tree.root, *p) for p in periods}
    assert rebuild_precomputed(min_members=3) == 2  # TU (5 xa_members) and XA (4); XB has 1
    assert OrgMemberStat.objects.filter(org=tree.xb).count() == 0
    for period in periods:
        assert member_stats(tree.root, *period) == live[period]
    # A change shows at once (its delta is added when read), and stays after the fold.
    member_create(
        actor=admin_user,
        org=tree.b1,
        full_name="Võ Thị Lan",
        sex="female",
        birth_date=date(1990, 1, 1),
        admitted_on=date(2026, 1, 20),
    )
    now = member_stats(tree.root, *periods[1])
    assert now["total"] == 6
    assert sum(now["by_sex"].values()) == 6
    assert now["admitted_in_period"] == live[periods[1]]["admitted_in_period"] + 1
    assert rollups.fold_all() == 1
    assert MemberStatDelta.objects.count() == 0
    assert member_stats(tree.root, *periods[1]) == now
    assert rollups.recount_all(min_members=3).zero


@pytest.fixture
def born_1985(tree, admin_user):
    """Four members born in 1985 (41 on their 2026 birthday: the 31–40 / 41–50 boundary) and two
    admitted in June 2016 (10 years of party age on their 2026 anniversary)."""
    for name, born, admitted in [
        ("Đỗ Văn Một", date(1985, 1, 10), date(2016, 6, 10)),
        ("Đỗ Văn Hai", date(1985, 6, 1), date(2016, 6, 20)),
        ("Đỗ Văn Ba", date(1985, 6, 20), date(2010, 1, 1)),
        ("Đỗ Văn Bốn", date(1985, 11, 30), date(2010, 1, 1)),
    ]:
        member_create(
            actor=admin_user, org=tree.a1, full_name=name, sex="male", birth_date=born, admitted_on=admitted
        )


def test_kept_bands_on_any_report_day_from_month_cells_or_without_them(born_1985, xa_members, tree):
    on = date(2026, 6, 15)
    live = {org.pk: member_stats(org, date(2026, 1, 1), on) for org in (tree.root, tree.xa)}
    # Born 20/6 and 30/11/1985: 40 on 15/6/2026; born 10/1 and 1/6/1985: 41. Admitted 10/6/2016: 10
    # years of party age; 20/6/2016: 9.
    assert live[tree.xa.pk]["by_age_band"]["41–50"] == 3  # and Trần Văn Đức, born 1980
    assert live[tree.xa.pk]["by_age_band"]["31–40"] == 3  # and Nguyễn Thị Anh, born 1995
    assert live[tree.xa.pk]["by_party_age_band"]["10–19"] == 3  # and the two admitted in 2010
    assert live[tree.xa.pk]["by_party_age_band"]["<10"] == 3  # and the two admitted in 2018 and 2026
    rebuild_precomputed(min_members=3)
    assert OrgMemberStat.objects.filter(org=tree.xa, dimension="birth_month", key="1985-06").get().n == 2
    for org in (tree.root, tree.xa):
        assert member_stats(org, date(2026, 1, 1), on) == live[org.pk], org.code
    # Cells kept before the month cells existed (the year's months do not add up to the year): the
    # boundary year is counted from the rows instead, with the same figures.
    OrgMemberStat.objects.filter(dimension__in=["birth_month", "party_age_month"]).delete()
    for org in (tree.root, tree.xa):
        assert member_stats(org, date(2026, 1, 1), on) == live[org.pk], org.code
    assert rollups.recount_all(min_members=3).cells > 0  # the nightly recount restores them


def test_the_migration_counts_the_month_cells_of_the_units_that_keep_cells(born_1985, xa_members, tree):
    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("dangvu.members.migrations.0032_stat_month_cells")
    rebuild_precomputed(min_members=3)
    OrgMemberStat.objects.filter(dimension__in=["birth_month", "party_age_month"]).delete()
    migration.count_month_cells(apps, SimpleNamespace(connection=connection))
    assert rollups.recount_all(min_members=3).zero
    migration.drop_month_cells(apps, SimpleNamespace(connection=connection))
    assert not OrgMemberStat.objects.filter(dimension__in=["birth_month", "party_age_month"]).exists()
