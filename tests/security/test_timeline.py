"""Timelines show an audit entry only to a user who may read it in the audit log: a chi bộ secretary
does not learn that the Party organisation board opened a member's file, nor a field's before → after."""

from __future__ import annotations

from datetime import date

import pytest

from dangvu.audit.models import AuditEntry
from dangvu.links.services import timeline
from dangvu.members.services import member_create, member_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(people, tree):
    member = member_create(
        actor=people.admin, org=tree.a1, full_name="Trần Văn Đức", sex="male", birth_date=date(1980, 1, 2)
    )
    member_update(actor=people.admin, member=member, changes={"cccd": "001080012345"})
    return member


def test_a_secretary_does_not_see_who_opened_the_file(client, people, member):
    client.force_login(people.province)
    assert client.get(f"/members/{member.pk}/").status_code == 200
    opened = AuditEntry.objects.filter(actor=people.province, object_id=str(member.pk))
    assert opened.exists()  # the read is in the audit log

    client.force_login(people.secretary)
    html = client.get(f"/members/{member.pk}/").content.decode()
    assert "province" not in html
    assert "members.view_file" not in html
    assert "kit-diff" not in html  # no before → after of the fields either
    assert not [item for item in timeline(member, people.secretary) if item.kind == "audit"]


def test_an_auditor_still_sees_every_entry(people, member, client):
    client.force_login(people.province)
    client.get(f"/members/{member.pk}/")
    entries = [item.detail for item in timeline(member, people.admin) if item.kind == "audit"]
    assert {entry.actor_repr for entry in entries} >= {"admin", "province"}
