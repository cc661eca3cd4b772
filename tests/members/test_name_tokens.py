"""The name tokens: pages and totals of a plain name search read from them equal the general plan's, and
the database keeps them current whatever changes a member (PostgreSQL; SQLite has none and answers
every list by the general plan)."""

from datetime import date

import pytest
from django.db import connection

from dangvu.members import selectors
from dangvu.members.models import Member, MemberNameToken
from dangvu.members.services import member_create, member_move, member_update

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
@pytest.mark.parametrize("scope", ["national", "xa"])
def test_token_pages_and_totals_equal_the_general_plan(named, tree, admin_user, monkeypatch, q, scope):
    org = tree.xa if scope == "xa" else None
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
def test_a_zigzag_page_out_of_steps_falls_back_to_the_general_plan(named, admin_user, monkeypatch, steps):
    from dangvu.members.search import TokenPlan, token_page

    monkeypatch.setattr("dangvu.members.search.TOKEN_MIN_MATCHES", 10**9)
    rows = selectors.members(admin_user, selectors.MemberFilter(q="van n"))
    expected = [m.pk for m in selectors.page(rows, 0, 50)]
    monkeypatch.setattr("dangvu.members.search.TOKEN_MIN_MATCHES", 0)
    monkeypatch.setattr("dangvu.members.search.TOKEN_MAX_STEPS", steps)
    keys = token_page(TokenPlan(("van", "n"), None), 0, 50)
    assert keys is None if steps < 10 else keys == expected
    assert len(expected) == 2  # Nguyễn Văn Hùng, Nguyễn Văn Thi


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
    assert token_total(TokenPlan(("hung",), tree.a1.path), cap=1000) == (120, True)
    assert token_total(TokenPlan(("hung", "tran"), tree.a1.path), cap=1000) == (120, True)
    # Several words across the country: the word index counts (the general count).
    assert token_total(TokenPlan(("hung", "tran"), None), cap=1000) is None
    # Fewer postings may be tested than the matches: what was found, rounded down, and not exact.
    monkeypatch.setattr("dangvu.members.search.TOKEN_MAX_COUNT_SCAN", 110)
    assert token_total(TokenPlan(("hung",), tree.a1.path), cap=1000) == (100, False)
    assert token_total(TokenPlan(("hung",), None), cap=50) == (50, False)


@on_postgresql
def test_plain_lists_only(named, tree, people):
    # A status filter, or a user who sees only part of the subtree, takes the general plan.
    assert selectors.members(people.province, selectors.MemberFilter(q="hung")).token_plan is None
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


@on_postgresql
def test_the_database_keeps_the_tokens_current(named, tree, admin_user):
    hung = named["Lê Văn Hùng"]
    assert tokens(hung) == {(w, hung.sort_key, hung.org_id) for w in ("le", "van", "hung")}
    member_update(actor=admin_user, member=hung, changes={"full_name": "Lê Văn Hưng Thịnh"}, reason="sửa")
    hung.refresh_from_db()
    assert tokens(hung) == {(w, hung.sort_key, hung.org_id) for w in ("le", "van", "hung", "thinh")}
    member_move(actor=admin_user, member=hung, to_org=tree.b1)
    hung.refresh_from_db()
    assert {org for _w, _k, org in tokens(hung)} == {tree.b1.pk}
    pk = hung.pk
    Member.objects.filter(pk=pk).delete()
    assert not MemberNameToken.objects.filter(member_id=pk).exists()


@on_postgresql
def test_a_search_asks_each_vocabulary_and_planner_question_once(named, tree, admin_user, monkeypatch):
    """The page and the total of one list share the search's answers: the words a typed prefix stands
    for and the planner's estimates are asked once per list, not once by each part."""
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr("dangvu.members.search.TOKEN_MIN_MATCHES", 0)  # the token path
    with CaptureQueriesContext(connection) as captured:
        names, total = listing(admin_user, "hung", tree.xa)
    assert names
    assert total.exact
    statements = [q["sql"] for q in captured.captured_queries]
    explains = [s for s in statements if s.startswith("EXPLAIN")]
    assert len(explains) == len(set(explains))
    vocabulary = [s for s in statements if "members_nameword" in s]
    assert len(vocabulary) == len(set(vocabulary))
