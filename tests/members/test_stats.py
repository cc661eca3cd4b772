"""Statistics of a unit's subtree: counted live for small units, read from precomputed cells for big ones."""

from datetime import date

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
