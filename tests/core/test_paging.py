"""Large-list pagination: exact totals when known, otherwise "more than N" without counting."""

from datetime import date

import pytest

from dangvu.core.paging import LargeListPaginator
from dangvu.members.models import Member
from dangvu.members.services import member_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def twelve(tree, admin_user):
    for i in range(12):
        member_create(
            actor=admin_user,
            org=tree.a1,
            full_name=f"Nguyễn Văn {chr(65 + i)}",
            sex="male",
            birth_date=date(1980, 1, 1),
        )


def test_uncounted_pages_know_only_whether_more_follow(twelve, django_assert_num_queries):
    ordered = Member.objects.select_related("org").in_name_order()
    names = [m.full_name for m in ordered]
    paginator = LargeListPaginator(ordered, 5)
    with django_assert_num_queries(2):  # the page's keys, then its rows: no count
        first = paginator.get_page(1)
    assert [m.full_name for m in first] == names[:5]
    assert first.object_list[0].org.name  # related rows came with the page
    assert first.has_next()
    assert paginator.more
    assert paginator.count == 5
    paginator = LargeListPaginator(ordered, 5)
    last = paginator.get_page(3)
    assert [m.full_name for m in last] == names[10:]
    assert not last.has_next()
    assert last.has_previous()
    assert paginator.count == 12  # on the last page the total is known
    assert LargeListPaginator(ordered, 5).get_page(9).number == 1  # past the end: back to the first page
    assert LargeListPaginator(ordered, 5).get_page("x").number == 1


def test_exact_count_when_known(twelve):
    ordered = Member.objects.in_name_order()
    paginator = LargeListPaginator(ordered, 5, exact_count=12)
    assert paginator.num_pages == 3
    assert [m.full_name for m in paginator.get_page(3)] == [m.full_name for m in ordered][10:]


def test_member_list_says_more_than(people, twelve, client):
    client.force_login(people.province)
    html = client.get("/members/", {"q": "nguyen"}).content.decode()
    assert "12 bản ghi" in html  # one page holds them all: counted exactly
    many = client.get("/members/", {"q": "nguyen", "sex": "male"}).content.decode()
    assert "12 bản ghi" in many
    html = client.get("/members/", {"org": "A1", "status": "official"}).content.decode()
    assert "12 bản ghi" in html  # from the roll-ups


def test_the_rollup_total_is_used_only_where_it_is_the_lists_total(
    people, twelve, tree, admin_user, client, monkeypatch
):
    from dangvu.members import lifecycle

    member = Member.objects.filter(org=tree.a1).first()
    lifecycle.member_mark_deceased(actor=admin_user, member=member, died_on=date(2026, 1, 2), reason="Ốm")
    seen = []
    original = LargeListPaginator.__init__

    def spy(self, object_list, per_page, **kwargs):
        seen.append(kwargs.get("exact_count"))
        original(self, object_list, per_page, **kwargs)

    monkeypatch.setattr(LargeListPaginator, "__init__", spy)
    client.force_login(people.province)
    official = client.get("/members/", {"org": "A1", "status": "official"}).content.decode()
    everyone = client.get("/members/", {"org": "A1"}).content.decode()
    # The roll-ups give the first total; the second list includes the deceased, which the roll-ups do
    # not count, so it is counted (a small list: exactly).
    assert seen == [11, 12]
    assert "11 bản ghi" in official
    assert "12 bản ghi" in everyone
