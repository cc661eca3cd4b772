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


FILE_QUERIES = (
    24  # session, user, roles, own file, the file, its audit entry (3 with the savepoint), sections …
)


def add_history(member, tree, actor, count: int) -> None:
    """``count`` rows in every section of the file: units, statuses, work, family, awards (badges among
    them), disciplines, cards, periods out, transfers."""
    from dangvu.members.models import (
        CardEvent,
        Discipline,
        MemberHistory,
        MemberOrgPeriod,
        MemberStatusChange,
    )

    for i in range(count):
        start = date(1990 + i, 1, 1)
        MemberOrgPeriod.objects.create(member=member, org=tree.a2, started_on=start, ended_on=start)
        MemberStatusChange.objects.create(
            member=member, from_status="official", to_status="official", effective_on=start, event="test"
        )
        MemberHistory.objects.create(member=member, starts_on=start, description=f"Công tác {i}")
        FamilyRelation.objects.create(member=member, relation="Con", full_name=f"Nguyễn Văn Con {i}")
        Award.objects.create(member=member, title=f"Bằng khen {i}", awarded_on=start)
        Discipline.objects.create(member=member, form="khien-trach", decided_on=start, decision=f"{i}-QĐ")
        CardEvent.objects.create(member=member, kind="issue", card_number=f"9{i:05d}", issued_on=start)
        PartyInterruption.objects.create(
            member=member, reason="lost_contact", starts_on=date(1960 + i, 1, 1), ends_on=date(1960 + i, 2, 1)
        )
    Award.objects.create(
        member=member, kind="badge", milestone_years=30, title="Huy hiệu", awarded_on=date(2020, 2, 3)
    )
    lifecycle.member_transfer_out(
        actor=actor, member=member, kind="official", to_org=tree.b1, issued_on=date(2026, 1, 5)
    )


def test_the_member_file_runs_a_fixed_number_of_queries_whatever_its_history(
    people, tree, admin_user, client
):
    short = member_create(
        actor=admin_user,
        org=tree.a1,
        full_name="Lê Văn Ngắn",
        sex="male",
        birth_date=date(1970, 1, 1),
        admitted_on=date(1995, 1, 1),
        recognized_on=date(1996, 1, 1),
    )
    long = member_create(
        actor=admin_user,
        org=tree.a1,
        full_name="Lê Văn Dài",
        sex="male",
        birth_date=date(1970, 1, 1),
        admitted_on=date(1995, 1, 1),
        recognized_on=date(1996, 1, 1),
    )
    add_history(long, tree, admin_user, 12)
    client.force_login(people.province)
    client.get(f"/members/{short.pk}/")  # the first request of a session reads more (language, versions)
    few, many = queries(client, f"/members/{short.pk}/"), queries(client, f"/members/{long.pk}/")
    page = client.get(f"/members/{long.pk}/").content.decode()
    assert all(text in page for text in ("Bằng khen 11", "Nguyễn Văn Con 11", "Công tác 11"))
    assert (few, many) == (FILE_QUERIES, FILE_QUERIES)
