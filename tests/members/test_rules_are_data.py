"""Issue #10, "Done when": every rule is data with its legal basis and effective dates. The reference
rows the migrations seed (member rules, who decides, ending grounds, the pinned calendar) each cite
their legal basis, and the versions of one rule neither overlap nor leave a day without a version."""

from collections import defaultdict
from datetime import timedelta
from itertools import pairwise

import pytest

from dangvu.members.models import DecisionAuthority, EndingGround, MemberRule
from dangvu.workcalendar.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


def periods_are_consecutive(rows):
    """(valid from, valid to) in order: each next version starts the day after the one before ends."""
    rows = sorted(rows)
    for (_start, end), (next_start, _next_end) in pairwise(rows):
        assert end is not None, rows
        assert next_start == end + timedelta(days=1), rows
    assert all(end is None or end >= start for start, end in rows)


def test_every_member_rule_version_cites_its_basis_and_the_versions_follow_each_other():
    rows = list(MemberRule.objects.all())
    assert len(rows) > 40
    assert [row.key for row in rows if not row.legal_basis.strip()] == []
    by_key = defaultdict(list)
    for row in rows:
        by_key[row.key].append((row.effective_from, row.effective_to))
    for versions in by_key.values():
        periods_are_consecutive(versions)


def test_every_deciding_level_cites_its_basis_and_its_periods_follow_each_other():
    rows = list(DecisionAuthority.objects.all())
    assert {row.verb for row in rows} >= {"admit", "readmit", "recognize", "remove", "leave", "badge"}
    assert [row.verb for row in rows if not row.legal_basis.strip()] == []
    by_verb = defaultdict(list)
    for row in rows:
        by_verb[(row.verb, row.org_type_id)].append((row.valid_from, row.valid_to))
    for versions in by_verb.values():
        periods_are_consecutive(versions)


def test_every_ending_ground_and_pinned_calendar_day_cites_its_basis():
    grounds = list(EndingGround.objects.all())
    assert len(grounds) >= 10
    assert [g.code for g in grounds if not g.legal_basis.strip() or g.effective_from is None] == []
    days = CalendarDay.objects.all()
    assert days.count() > 100
    assert list(days.filter(legal_basis="").values_list("date", flat=True)[:5]) == []
    assert list(CalendarYear.objects.filter(legal_basis="").values_list("year", flat=True)) == []
