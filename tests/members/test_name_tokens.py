"""The name tokens: pages and totals of a plain name search read from them equal the general plan's, and
the database keeps them current whatever changes a member (PostgreSQL; SQLite has none and answers
every list by the general plan)."""

from datetime import date

import pytest
from django.db import connection

from dangvu.members import selectors
from dangvu.members.models import Member, MemberNameToken
from dangvu.members.selectors import Total
from dangvu.members.services import member_create, member_move, member_update
from dangvu.orgs.models import Org

pytestmark = pytest.mark.django_db

NAMES = [
    "Nguyễn Văn Hùng",
    "Nguyễn Thị Hương",
    "Trần Hưng An",
    "Lê Văn Hùng",
    "Nguyễn Nguyệt Hà",  # two completions of "nguy" in one name: listed once
    "Phạm Thị Thịnh",
    "Hùng Văn Bình",
    "Nguyễn Văn Thi",
]
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="name tokens: PostgreSQL only")


@pytest.fixture
def named(tree, admin_user):
    people = {}
    for i, name in enumerate(NAMES):
        org = tree.a1 if i % 2 else tree.b1
        people[name] = member_create(
            actor=admin_user, org=org, full_name=name, sex="male", birth_date=date(1980, 1, 1)
        )
    return people


def listing(user, q, org=None, *, offset=0, limit=50):
    criteria = selectors.MemberFilter(q=q, org=org)
    rows = selectors.members(user, criteria)
    return [m.full_name for m in selectors.page(rows, offset, limit)], selectors.total(user, criteria, rows)


QUERIES = [
    "hung",
    "thi",
    "nguy",
    "nguyen van",
    "van hu",
    "hung nguyen van",
    "h",
    "xyz",
    "an tran",
    "nguyen van hung",  # a full name: the rarest word drives, the others are checked
    "ng v h",  # prefixes of every word
    "nguyen thi hu",  # as typed: whole words, then the first letters of the next
    "thi nguy",  # the driver's two completions in one name (Nguyễn Nguyệt): counted once
]


@pytest.mark.parametrize("q", QUERIES)
@pytest.mark.parametrize(
    "scope", ["national", "national leapfrog", "root", "xa", "xa leapfrog", "a1", "a1 read whole"]
)
def test_token_pages_and_totals_equal_the_general_plan(named, tree, admin_user, monkeypatch, q, scope):
    # The root reads the country's postings, XA (an area: just below the root) its own, A1 its area's
    # postings checked against its units, or (a small subtree) its own members read whole. Several
    # words expected to match few members are intersected in an area (or left to the general plan);
    # "leapfrog" walks their postings in name order however few match.
    org = getattr(tree, scope.split()[0], None)
    monkeypatch.setattr("dangvu.members.search.SUBTREE_SCAN_UP_TO", 10**9 if "whole" in scope else -1)
    monkeypatch.setattr("dangvu.members.search.TOKEN_FEW_MATCHES", -1 if "leapfrog" in scope else 5_000)
    monkeypatch.setattr("dangvu.members.search.TOKEN_MIN_MATCHES", 10**9)  # general plan only
    expected = listing(admin_user, q, org)
    expected_pages = [listing(admin_user, q, org, offset=o, limit=2)[0] for o in (0, 2, 4)]
    monkeypatch.setattr("dangvu.members.search.TOKEN_MIN_MATCHES", 0)  # tokens whenever they can
    assert listing(admin_user, q, org) == expected
    assert [listing(admin_user, q, org, offset=o, limit=2)[0] for o in (0, 2, 4)] == expected_pages


@on_postgresql
def test_token_total_is_a_lower_bound_past_the_cap(named, admin_user, monkeypatch):
    from dangvu.members.search import TokenPlan, token_total

    monkeypatch.setattr("dangvu.members.search.TOKEN_MIN_MATCHES", 0)

    assert token_total(TokenPlan(("nguyen",), None), cap=2) == (2, False)
    assert token_total(TokenPlan(("nguyen",), None), cap=10) == (4, True)
    assert token_total(TokenPlan(("nguy",), None), cap=10) == (4, True)  # Nguyễn Nguyệt Hà counted once


@on_postgresql
@pytest.mark.parametrize("steps", [1, 10_000])
@pytest.mark.parametrize("few", [0, 10**9])
def test_a_zigzag_page_out_of_steps_is_split_by_completion(named, admin_user, monkeypatch, steps, few):
    # "van n": when the leapfrog runs out of steps, "n" is split into its completions (nguyen, nguyet),
    # each found by leapfrog or, when that runs out too or few members match, by the word index.
    from dangvu.members.search import TokenPlan, token_page

    monkeypatch.setattr("dangvu.members.search.TOKEN_MIN_MATCHES", 10**9)
    rows = selectors.members(admin_user, selectors.MemberFilter(q="van n"))
    expected = [m.pk for m in selectors.page(rows, 0, 50)]
    monkeypatch.setattr("dangvu.members.search.TOKEN_MIN_MATCHES", 0)
    monkeypatch.setattr("dangvu.members.search.TOKEN_MAX_STEPS", steps)
    monkeypatch.setattr("dangvu.members.search.TOKEN_SPLIT_WORD_INDEX_UP_TO", few)
    monkeypatch.setattr("dangvu.members.search.TOKEN_FEW_MATCHES", -1)  # the leapfrog, however few match
    assert token_page(TokenPlan(("van", "n"), None), 0, 50) == expected
    assert token_page(TokenPlan(("van", "n"), None), 1, 1) == expected[1:2]
    assert len(expected) == 2  # Nguyễn Văn Hùng, Nguyễn Văn Thi
    # One completion each: nothing to split, the general plan serves the page.
    assert token_page(TokenPlan(("van", "nguyen"), None), 0, 50) == (None if steps == 1 else expected)
    # Few matches expected in the country: the general plan (the word index and a sort) serves the page.
    monkeypatch.setattr("dangvu.members.search.TOKEN_FEW_MATCHES", 5_000)
    assert token_page(TokenPlan(("van", "n"), None), 0, 50) is None


@on_postgresql
def test_token_total_past_its_scan_budget_is_a_labelled_lower_bound(tree, admin_user, monkeypatch):
    from dangvu.members.search import TokenPlan, token_total

    for i in range(120):
        member_create(
            actor=admin_user,
            org=tree.a1,
            full_name=f"Trần Văn Hùng {i}",
            sex="male",
            birth_date=date(1980, 1, 1),
        )
    monkeypatch.setattr("dangvu.members.search.TOKEN_MIN_MATCHES", 0)
    monkeypatch.setattr("dangvu.members.search.TOKEN_MAX_COUNT_SCAN", 110)
    # A small subtree is read whole: its count is exact and ignores the postings' budget.
    assert token_total(TokenPlan(("hung",), tree.a1.path), cap=100) == (120, True)
    monkeypatch.setattr("dangvu.members.search.SUBTREE_SCAN_UP_TO", -1)  # the area's postings
    monkeypatch.setattr("dangvu.members.search.TOKEN_MAX_COUNT_SCAN", 200_000)
    assert token_total(TokenPlan(("hung",), tree.a1.path), cap=1000) == (120, True)
    assert token_total(TokenPlan(("hung", "tran"), tree.a1.path), cap=1000) == (120, True)
    # Several words across the country: the word index counts.
    assert token_total(TokenPlan(("hung", "tran"), None), cap=1000) == (120, True)
    assert token_total(TokenPlan(("hung", "tran"), None), cap=100) == (100, False)
    # Fewer postings may be tested than the matches: what was found, rounded down, and not exact.
    monkeypatch.setattr("dangvu.members.search.TOKEN_MAX_COUNT_SCAN", 110)
    assert token_total(TokenPlan(("hung",), tree.a1.path), cap=1000) == (100, False)
    assert token_total(TokenPlan(("hung",), None), cap=50) == (50, False)


@on_postgresql
def test_a_list_without_a_unit_reads_the_tokens_when_the_user_sees_one_whole_subtree(
    named, tree, people, admin_user
):
    from dangvu.members import lifecycle

    plain = selectors.MemberFilter(q="hung")
    rows = selectors.members(people.secretary, plain)
    assert rows.token_plan is not None
    assert rows.token_plan.path == tree.a1.path
    by_tokens = [m.full_name for m in selectors.page(rows, 0, 50)]
    assert by_tokens == [m.full_name for m in selectors.page(rows.with_token_plan(None), 0, 50)]
    assert by_tokens
    assert all(m.org_id == tree.a1.pk for m in Member.objects.filter(full_name__in=by_tokens))
    # A member arriving from outside the subtree is on the secretary's list too: the general plan serves it.
    arriving = named["Nguyễn Văn Hùng"]
    assert arriving.org_id == tree.b1.pk
    lifecycle.member_transfer_out(
        actor=admin_user,
        member=arriving,
        kind="temporary",
        category="work",
        to_org=tree.a1,
        issued_on=date(2026, 3, 2),
        until_on=date(2026, 9, 1),
    )
    rows = selectors.members(people.secretary, plain)
    assert rows.token_plan is None
    assert "Nguyễn Văn Hùng" in [m.full_name for m in selectors.page(rows, 0, 50)]


@on_postgresql
def test_plain_lists_only(named, tree, people):
    # A status filter, or a user who sees only part of the subtree, takes the general plan; a list
    # without a unit of a user who sees one whole subtree reads that subtree's tokens.
    assert (
        selectors.members(people.province, selectors.MemberFilter(q="hung")).token_plan.path == tree.root.path
    )
    assert selectors.members(people.province, selectors.MemberFilter(q="hung", org=tree.xa)).token_plan
    assert (
        selectors.members(people.secretary, selectors.MemberFilter(q="hung", org=tree.xa)).token_plan is None
    )
    assert (
        selectors.members(
            people.province, selectors.MemberFilter(q="hung", org=tree.xa, status="official")
        ).token_plan
        is None
    )
    assert (
        selectors.members(people.province, selectors.MemberFilter(q="0010", org=tree.xa)).token_plan is None
    )


def tokens(member: Member) -> set[tuple[str, str, int]]:
    return set(MemberNameToken.objects.filter(member=member).values_list("word", "sort_key", "org_id"))


def areas(member: Member) -> set[str]:
    return set(MemberNameToken.objects.filter(member=member).values_list("area", flat=True))


@on_postgresql
def test_the_database_keeps_the_tokens_current(named, tree, admin_user):
    hung = named["Lê Văn Hùng"]  # in A1, under XA
    assert tokens(hung) == {(w, hung.sort_key, hung.org_id) for w in ("le", "van", "hung")}
    assert areas(hung) == {tree.xa.path}
    member_update(actor=admin_user, member=hung, changes={"full_name": "Lê Văn Hưng Thịnh"}, reason="sửa")
    hung.refresh_from_db()
    assert tokens(hung) == {(w, hung.sort_key, hung.org_id) for w in ("le", "van", "hung", "thinh")}
    assert areas(hung) == {tree.xa.path}
    # To a unit of another area (province): the tokens follow, and the searches of both areas see it.
    member_move(actor=admin_user, member=hung, to_org=tree.b1)
    hung.refresh_from_db()
    assert {org for _w, _k, org in tokens(hung)} == {tree.b1.pk}
    assert areas(hung) == {tree.xb.path}
    assert "Lê Văn Hưng Thịnh" in listing(admin_user, "thinh", tree.xb)[0]
    assert "Lê Văn Hưng Thịnh" not in listing(admin_user, "thinh", tree.xa)[0]
    pk = hung.pk
    Member.objects.filter(pk=pk).delete()
    assert not MemberNameToken.objects.filter(member_id=pk).exists()


@on_postgresql
def test_a_unit_moved_to_another_area_takes_its_members_tokens_along(named, tree, admin_user, monkeypatch):
    from dangvu.orgs.services import org_move

    monkeypatch.setattr("dangvu.members.search.TOKEN_MIN_MATCHES", 0)  # the token path
    in_a1 = [member for member in named.values() if member.org_id == tree.a1.pk]
    assert listing(admin_user, "van", tree.xb)[0] == ["Hùng Văn Bình", "Nguyễn Văn Hùng"]
    org_move(actor=admin_user, org=tree.a1, new_parent=tree.xb, effective_on=date(2025, 7, 1))
    assert [areas(member) for member in in_a1] == [{tree.xb.path}] * len(in_a1)
    xb = listing(admin_user, "van", Org.objects.get(pk=tree.xb.pk))
    assert xb == (["Hùng Văn Bình", "Lê Văn Hùng", "Nguyễn Văn Hùng", "Nguyễn Văn Thi"], Total(4, True))
    assert listing(admin_user, "van", Org.objects.get(pk=tree.xa.pk))[0] == []
    # A whole area moved below another: its tokens' area is the new one's.
    org_move(
        actor=admin_user,
        org=Org.objects.get(pk=tree.xa.pk),
        new_parent=Org.objects.get(pk=tree.xb.pk),
        effective_on=date(2025, 7, 1),
    )
    assert set(MemberNameToken.objects.values_list("area", flat=True)) == {tree.xb.path}


@on_postgresql
def test_the_migration_rebuilds_the_tokens_with_their_areas(named, tree, admin_user):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("dangvu.members.migrations.0031_name_token_area")
    expected = set(MemberNameToken.objects.values_list("member_id", "word", "sort_key", "org_id", "area"))
    assert {row[-1] for row in expected} == {tree.xa.path, tree.xb.path}
    MemberNameToken.objects.update(area="")
    with connection.schema_editor() as editor:
        migration.forwards(apps, editor)
    assert (
        set(MemberNameToken.objects.values_list("member_id", "word", "sort_key", "org_id", "area"))
        == expected
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'members_membernametoken'")
        indexes = {name for (name,) in cursor.fetchall()}
    assert indexes == {"members_membernametoken_pkey", "member_token_order_idx", "member_token_area_idx"}
    # The triggers write the new table.
    hung = named["Lê Văn Hùng"]
    member_move(actor=admin_user, member=hung, to_org=tree.b1)
    assert areas(hung) == {tree.xb.path}


@on_postgresql
def test_a_user_whose_own_file_is_outside_their_subtree_keeps_it_on_the_list(named, tree, people, admin_user):
    from dangvu.members.services import member_link_account

    own = named["Nguyễn Văn Hùng"]
    assert own.org_id == tree.b1.pk
    member_link_account(actor=admin_user, member=own, user=people.secretary)
    rows = selectors.members(people.secretary, selectors.MemberFilter(q="hung"))
    assert rows.token_plan is None
    assert own.full_name in [m.full_name for m in selectors.page(rows, 0, 50)]


@on_postgresql
def test_a_small_subtree_is_read_whole_and_follows_a_move(named, tree, admin_user, monkeypatch):
    monkeypatch.setattr("dangvu.members.search.TOKEN_MIN_MATCHES", 0)
    before = listing(admin_user, "nguyen", tree.a1)
    assert before == (["Nguyễn Thị Hương", "Nguyễn Văn Thi"], Total(2, True))

    member_move(actor=admin_user, member=named["Nguyễn Văn Hùng"], to_org=tree.a1, on=date(2026, 3, 2))

    moved = (["Nguyễn Văn Hùng", "Nguyễn Thị Hương", "Nguyễn Văn Thi"], Total(3, True))
    assert listing(admin_user, "nguyen", tree.a1) == moved
    assert listing(admin_user, "nguyen hu", tree.a1) == (
        ["Nguyễn Văn Hùng", "Nguyễn Thị Hương"],
        Total(2, True),
    )
