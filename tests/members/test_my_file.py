"""“Hồ sơ của tôi”: a member whose account is linked to their file sees it, read-only, from the menu."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from dangvu.audit.models import AuditEntry
from dangvu.members.models import Member
from dangvu.members.services import member_create, member_link_account
from tests.conftest import grant, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(people, tree):
    member = member_create(
        actor=people.admin, org=tree.a1, full_name="Ngô Thị Hạnh", sex="female", birth_date=date(1990, 5, 6)
    )
    account = make_user("hanh")
    grant(account, "dang-vien", tree.a1)
    member_link_account(actor=people.admin, member=member, user=account)
    return member, account


def test_a_member_opens_their_own_file_from_the_menu_and_may_not_edit_it(client, people, tree, own):
    member, account = own
    client.force_login(account)
    home = client.get("/home/").content.decode()
    assert 'data-nav="my-file"' in home
    response = client.get("/members/mine/")
    assert response.status_code == 302
    assert response["Location"] == f"/members/{member.pk}/"
    page = client.get(f"/members/{member.pk}/").content.decode()
    assert "Ngô Thị Hạnh" in page
    assert f"/members/{member.pk}/edit/" not in page
    assert client.get(f"/members/{member.pk}/edit/").status_code in (403, 404)
    other = member_create(actor=people.admin, org=tree.a1, full_name="Lê Văn Tám", sex="male")
    assert client.get(f"/members/{other.pk}/").status_code == 404


def test_an_account_without_a_file_has_no_menu_entry_and_a_page_that_says_so(client, people):
    client.force_login(people.clerk)
    assert 'data-nav="my-file"' not in client.get("/home/").content.decode()
    page = client.get("/members/mine/")
    assert page.status_code == 200
    assert "chưa được gắn với hồ sơ đảng viên nào" in page.content.decode()


def test_linking_is_audited_moves_the_account_and_needs_the_permission(people, tree, own):
    member, account = own
    entry = AuditEntry.objects.filter(event="members.link_account").get()
    assert entry.changes == {"user": [None, account.pk]}
    second = member_create(actor=people.admin, org=tree.a1, full_name="Ngô Thị Hạnh", sex="female")
    member_link_account(actor=people.admin, member=second, user=account)
    assert list(Member.objects.filter(user=account)) == [second]
    with pytest.raises(PermissionDenied):
        member_link_account(actor=people.outsider, member=member, user=account)
    assert Member.objects.get(pk=member.pk).user is None
