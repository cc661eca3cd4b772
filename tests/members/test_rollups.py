"""Roll-ups and statistics cells by append-only deltas: exact at once, exact after folding, checked by
the nightly recount; on PostgreSQL, changes in different units do not wait on each other."""

import threading
import time
from datetime import date

import pytest
from django.db import connection, connections, transaction

from dangvu.members import rollups, stats
from dangvu.members.models import Member, MemberStatDelta, OrgMemberCount, OrgMemberStat
from dangvu.members.services import member_create, member_move, member_set_status, member_update

pytestmark = pytest.mark.django_db


def stored_cells(org):
    cells = {}
    for dimension, key, n in OrgMemberStat.objects.filter(org=org).values_list("dimension", "key", "n"):
        if n:
            cells.setdefault(dimension, {})[key] = n
    return cells


def live_cells(org):
    live = stats.count_cells_live(Member.objects.in_subtree(org))
    return {d: {k: n for k, n in v.items() if n} for d, v in live.items() if d != "status"}


def churn(tree, admin_user):
    """Moves, status changes and file corrections across both xã."""
    lan = member_create(actor=admin_user, org=tree.a1, full_name="Lê Thị Lan", sex="female")
    member_move(actor=admin_user, member=lan, to_org=tree.b1)
    member_set_status(actor=admin_user, member=Member.objects.get(full_name="Trần Văn Đức"), status="exempt")
    member_set_status(actor=admin_user, member=Member.objects.get(full_name="Lê Thị Lan"), status="deceased")
    member_update(
        actor=admin_user,
        member=Member.objects.filter(org=tree.a2).first(),
        changes={"sex": "male", "birth_date": date(1970, 5, 5), "admitted_on": date(1999, 9, 9)},
    )


def test_changes_show_at_once_and_stay_exact_after_folding(xa_members, tree, admin_user):
    rollups.recount_all(min_members=3)  # TU and XA keep cells
    assert MemberStatDelta.objects.count() == 0
    churn(tree, admin_user)
    assert MemberStatDelta.objects.count() > 0
    orgs = [tree.root, tree.xa, tree.a1, tree.a2, tree.xb, tree.b1]
    for org in orgs:  # before the fold: the pending deltas are added when read
        assert rollups.counts_of(org) == rollups.recount(org), org.code
    before_fold = {org.pk: stats.member_stats(org, date(1999, 9, 2), date(2026, 11, 20)) for org in orgs}
    assert rollups.fold_all() > 0
    assert MemberStatDelta.objects.count() == 0
    for org in orgs:  # after: the stored rows themselves are exact
        assert OrgMemberCount.objects.get(org=org).as_dict() == rollups.recount(org), org.code
        assert stats.member_stats(org, date(1999, 9, 2), date(2026, 11, 20)) == before_fold[org.pk]
    for org in (tree.root, tree.xa):
        assert stored_cells(org) == live_cells(org), org.code
    assert rollups.recount_all(min_members=3).zero


def test_the_nightly_recount_reports_drift_and_repairs_it(xa_members, tree, admin_user):
    rollups.recount_all(min_members=3)
    OrgMemberCount.objects.filter(org=tree.root).update(official=999)
    OrgMemberStat.objects.filter(org=tree.xa, dimension="sex").update(n=50)
    drift = rollups.recount_all(min_members=3)
    assert (drift.units, drift.members) == (1, 999 - rollups.recount(tree.root)["official"])
    assert drift.cells > 0
    assert rollups.recount_all(min_members=3).zero


def test_a_change_to_a_row_nobody_locked_is_refused(xa_members, admin_user):
    member = Member.objects.first()
    member.sex = "male"
    with pytest.raises(RuntimeError, match=r"services\.lock"):
        rollups.record(member)


def test_a_period_that_cuts_months_counts_the_cut_days_exactly(xa_members, tree, admin_user):
    member_create(
        actor=admin_user, org=tree.a1, full_name="Phạm Văn Hòa", sex="male", admitted_on=date(2026, 3, 14)
    )
    live = {
        period: stats.member_stats(tree.root, *period)
        for period in [
            (date(2026, 3, 14), date(2026, 3, 14)),
            (date(2026, 3, 15), date(2026, 6, 30)),
            (date(2026, 2, 1), date(2026, 3, 13)),
        ]
    }
    rollups.recount_all(min_members=3)
    for period, figures in live.items():
        assert stats.member_stats(tree.root, *period) == figures, period
    assert live[(date(2026, 3, 14), date(2026, 3, 14))]["admitted_in_period"] == 1
    assert live[(date(2026, 2, 1), date(2026, 3, 13))]["admitted_in_period"] == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_changes_in_different_units_do_not_wait_on_each_other(tree, admin_user):
    one = member_create(actor=admin_user, org=tree.a1, full_name="Nguyễn Văn Một", sex="male")
    two = member_create(actor=admin_user, org=tree.b1, full_name="Nguyễn Văn Hai", sex="male")
    rollups.fold_all()
    changed, release = threading.Event(), threading.Event()

    def slow_change():
        try:
            with transaction.atomic():
                member_set_status(actor=admin_user, member=one, status="exempt")
                changed.set()
                assert release.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_change)
    thread.start()
    assert changed.wait(30)
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '1s'")
    started = time.perf_counter()
    member_move(actor=admin_user, member=two, to_org=tree.a2)  # commits while the other is open
    member_set_status(actor=admin_user, member=Member.objects.get(pk=two.pk), status="exempt")
    elapsed = time.perf_counter() - started
    rollups.fold_all()  # folds what is committed; the open change stays pending
    assert rollups.counts_of(tree.root)["exempt"] == 1
    release.set()
    thread.join(30)
    assert elapsed < 5.0  # a wait for the open transaction would have failed at lock_timeout (1 s) already
    rollups.fold_all()
    assert rollups.counts_of(tree.root) == rollups.recount(tree.root)
    assert OrgMemberCount.objects.get(org=tree.root).as_dict()["exempt"] == 2
