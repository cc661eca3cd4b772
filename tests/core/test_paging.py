"""Large-list pagination: capped counts, exact totals when known, pages fetched by key."""

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


def test_pages_keep_the_order_and_the_count_stops_at_the_cap(twelve):
    ordered = Member.objects.select_related("org").in_name_order()
    names = [m.full_name for m in ordered]
    paginator = LargeListPaginator(ordered, 5, cap=10)
    assert paginator.capped
    assert paginator.num_pages == 2  # pages up to the cap only
    assert [m.full_name for m in paginator.page(1)] == names[:5]
    assert [m.full_name for m in paginator.page(2)] == names[5:10]
    assert paginator.page(2).object_list[0].org.name  # related rows came with the page
    exact = LargeListPaginator(ordered, 5, cap=10, exact_count=12)
    assert not exact.capped
    assert exact.num_pages == 3
    assert [m.full_name for m in exact.page(3)] == names[10:]


def test_member_list_says_more_than_the_cap(people, twelve, client, monkeypatch):
    monkeypatch.setattr(LargeListPaginator, "__init__", _capped_at(5))
    client.force_login(people.province)
    html = client.get("/members/", {"q": "nguyen"}).content.decode()
    assert 'data-testid="count-capped"' in html
    assert "Hơn 5 bản ghi" in html
    # Filtering on the unit only: the exact total comes from the roll-ups.
    html = client.get("/members/", {"org": "A1"}).content.decode()
    assert "12 bản ghi" in html


def _capped_at(cap):
    original = LargeListPaginator.__init__

    def init(self, object_list, per_page, *, cap_=cap, exact_count=None, **_kwargs):
        original(self, object_list, per_page, cap=cap_, exact_count=exact_count)

    return init
