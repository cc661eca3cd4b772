"""No list grows its number of queries with its rows (no N+1): each list is loaded with a few rows,
then with many more, and must run the same number of queries both times."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvu.members import lifecycle
from dangvu.members.models import Award, FamilyRelation, PartyInterruption
from dangvu.members.services import member_create

pytestmark = pytest.mark.django_db

LISTS = [
    "/members/",
    "/members/?q=nguyen",
    "/members/?org=XA&status=official",
    "/members/export.xlsx",
    "/members/list.pdf",
    "/members/worklists/?org=XA",
    "/members/quality/?org=XA",
    "/members/stats/?org=XA",
    "/members/stats/charts/?org=XA",
    "/members/stats/report.xlsx?org=XA",
    "/members/import/",
    "/orgs/",
    "/audit/",
    "/api/v1/members?limit=100",
    "/api/v1/members?org={xa}&q=nguyen",
    "/api/v1/orgs?limit=100",
]


def add_members(tree, actor, start: int, count: int) -> None:
    units = [tree.a1, tree.a2, tree.b1]
    for i in range(start, start + count):
        org = units[i % 3]
        member = member_create(
            actor=actor,
            org=org,
            full_name=f"Nguyễn Văn {chr(65 + i % 26)}{i}",
            sex="male" if i % 2 else "female",
            birth_date=date(1950 + i % 50, 1 + i % 12, 1 + i % 28),
            admitted_on=date(1990 + i % 30, 2, 1),
            recognized_on=date(1991 + i % 30, 2, 1),
            cccd=f"0010{i:08d}",
        )
        FamilyRelation.objects.create(member=member, relation="Mẹ", full_name="Lê Thị B")
        PartyInterruption.objects.create(
            member=member, reason="lost_contact", starts_on=date(2000, 1, 1), ends_on=date(2000, 6, 1)
        )
        Award.objects.create(member=member, title="Bằng khen", awarded_on=date(2020, 1, 1))
    lifecycle.member_admit(
        actor=actor,
        org=tree.a1,
        full_name=f"Trần Thị Dự Bị {start}",
        sex="female",
        birth_date=date(2000, 1, 1),
        admitted_on=date(2025, 1, 5),
        ceremony_on=date(2025, 1, 20),
    )
    lifecycle.member_transfer_out(
        actor=actor,
        member=member,
        kind="official",
        to_org=tree.a2 if member.org_id != tree.a2.pk else tree.a1,
        issued_on=date(2026, 1, 5),
    )


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


@pytest.mark.parametrize("url", LISTS)
def test_list_query_count_does_not_grow_with_rows(url, people, tree, admin_user, client):
    url = url.format(xa=tree.xa.pk)
    client.force_login(admin_user if url.startswith("/audit/") else people.province)
    add_members(tree, admin_user, 5, 3)  # i = 7 is a badge candidate: every kind of row is there
    few = queries(client, url)
    add_members(tree, admin_user, 8, 30)
    many = queries(client, url)
    assert many == few, f"{url}: {few} queries with 3 members, {many} with 33"
