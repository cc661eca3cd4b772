"""Transfers by the rules (DOMAIN §3, addendum §10): temporary transfer categories with their limits
(versioned rule rows), official transfers started late flagged, the receiving unit's strength, the
presentation deadline following the calendar, and the structure changes (merge, dissolve)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from dangvu.accounts.services import api_token_create
from dangvu.audit.models import AuditEntry
from dangvu.members import lifecycle, rollups, worklists
from dangvu.members.models import Member, MemberRule, Transfer
from dangvu.members.services import member_create
from dangvu.orgs.models import Org
from dangvu.orgs.services import org_dissolve, org_merge
from dangvu.workcalendar.models import CalendarDay
from dangvu.workcalendar.services import calendar_day_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(tree, admin_user):
    return member_create(
        actor=admin_user,
        org=tree.a1,
        full_name="Phạm Văn Đông",
        sex="male",
        birth_date=date(1980, 5, 1),
        admitted_on=date(2005, 3, 1),
        ceremony_on=date(2005, 3, 20),
        recognized_on=date(2006, 3, 20),
    )


def temporary(tree, actor, member, **fields):
    values = {"kind": "temporary", "to_org": tree.b1, "issued_on": date(2026, 3, 2)} | fields
    return lifecycle.member_transfer_out(actor=actor, member=member, **values)


@pytest.mark.parametrize(
    ("category", "until_on", "message"),
    [
        # Work or residence elsewhere: 3 months to under 1 year.
        ("work", date(2026, 6, 1), "từ 3 tháng dưới 1 năm"),
        ("work", date(2027, 3, 2), "trước ngày 02/03/2027"),
        ("residence", date(2027, 3, 2), "từ 3 tháng dưới 1 năm"),
        # Full-time study: 3 months to 2 years.
        ("study", date(2028, 3, 3), "từ 3 tháng đến 2 năm (từ 02/06/2026 đến ngày 02/03/2028)"),
        ("study", date(2026, 5, 31), "từ 3 tháng đến 2 năm"),
    ],
)
def test_out_of_range_durations_are_refused_with_the_limit(
    tree, admin_user, member, category, until_on, message
):
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        temporary(tree, admin_user, member, category=category, until_on=until_on)
    assert not Transfer.objects.filter(member=member).exists()


@pytest.mark.parametrize(
    ("category", "until_on"),
    [
        ("work", date(2026, 6, 2)),
        ("work", date(2027, 3, 1)),
        ("residence", date(2026, 12, 31)),
        ("study", date(2028, 3, 2)),
        ("special", date(2026, 4, 2)),
    ],
)
def test_durations_within_the_category_limits_are_accepted(tree, admin_user, member, category, until_on):
    transfer = temporary(tree, admin_user, member, category=category, until_on=until_on)
    assert (transfer.category, transfer.until_on) == (category, until_on)


def test_study_limit_from_a_leap_day(tree, admin_user, member):
    # From 29/2/2024, two years end on 28/2/2026 (there is no 29/2/2026).
    with pytest.raises(ValidationError, match="đến ngày 28/02/2026"):
        temporary(
            tree, admin_user, member, category="study", issued_on=date(2024, 2, 29), until_on=date(2026, 3, 1)
        )
    transfer = temporary(
        tree, admin_user, member, category="study", issued_on=date(2024, 2, 29), until_on=date(2026, 2, 28)
    )
    assert transfer.until_on == date(2026, 2, 28)


def test_a_temporary_transfer_needs_a_category(tree, admin_user, member):
    with pytest.raises(ValidationError, match="cần ghi diện"):
        temporary(tree, admin_user, member, until_on=date(2026, 9, 1))


def test_category_limits_are_rule_rows_with_legal_basis():
    row = MemberRule.objects.in_force("temporary_transfer_study", date(2026, 3, 2))
    assert row.value == {"min_months": 3, "max_months": 24, "max_inclusive": True}
    assert row.legal_basis.startswith("QĐ 294-QĐ/TW")
    assert MemberRule.objects.in_force("temporary_transfer_work", date(2020, 3, 2)).legal_basis.startswith(
        "QĐ 29-QĐ/TW"
    )
    assert MemberRule.objects.in_force("temporary_transfer_special", date(2026, 3, 2)).is_default


def test_temporary_transfer_over_the_api_contract(tree, people, member):
    _row, token = api_token_create(actor=people.admin, user=people.admin)
    client, auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/v1/members/{member.pk}/transfer-out"
    body = {"kind": "temporary", "to_org": tree.b1.pk, "issued_on": "2026-03-02", "category": "study"}
    refused = client.post(url, body | {"until_on": "2028-06-01"}, content_type="application/json", **auth)
    assert refused.status_code == 422
    assert "từ 3 tháng đến 2 năm" in refused.json()["error"]["message"]
    assert not Transfer.objects.filter(member=member).exists()
    bad = client.post(
        url, body | {"category": "holiday", "until_on": "2027-01-01"}, content_type="application/json", **auth
    )
    assert bad.status_code == 422
    ok = client.post(url, body | {"until_on": "2027-09-01"}, content_type="application/json", **auth)
    assert ok.status_code == 200, ok.content
    transfer = Transfer.objects.get(member=member)
    assert (transfer.kind, transfer.category, transfer.until_on) == ("temporary", "study", date(2027, 9, 1))


def test_member_on_temporary_transfer_is_not_counted_in_the_receiving_unit(tree, admin_user, member):
    transfer = temporary(tree, admin_user, member, category="work", until_on=date(2026, 9, 1))
    lifecycle.member_receive(actor=admin_user, transfer=transfer, received_on=date(2026, 3, 5))
    assert Member.objects.get(pk=member.pk).org_id == tree.a1.pk
    assert rollups.counts_of(tree.b1)["total"] == 0
    assert rollups.counts_of(tree.a1)["total"] == 1


def test_official_transfer_started_late_after_its_decision_is_flagged(tree, admin_user, member):
    # Decision 2/1/2026; 60 working days (Tết Bính Ngọ excluded) end on 3/4/2026.
    with pytest.raises(ValidationError, match="không được sau ngày giới thiệu"):
        lifecycle.member_transfer_out(
            actor=admin_user,
            member=member,
            kind="official",
            to_org=tree.b1,
            issued_on=date(2026, 1, 5),
            decided_on=date(2026, 1, 6),
        )
    transfer = lifecycle.member_transfer_out(
        actor=admin_user,
        member=member,
        kind="official",
        to_org=tree.b1,
        issued_on=date(2026, 4, 6),
        decided_on=date(2026, 1, 2),
    )
    assert transfer.decided_on == date(2026, 1, 2)
    pending = worklists.transfers_pending(Org.objects.filter(pk=tree.b1.pk), date(2026, 4, 7))
    assert [(t.pk, t.started_late) for t in pending["incoming"]] == [(transfer.pk, True)]
    Transfer.objects.filter(pk=transfer.pk).update(issued_on=date(2026, 4, 3))
    pending = worklists.transfers_pending(Org.objects.filter(pk=tree.b1.pk), date(2026, 4, 7))
    assert [t.started_late for t in pending["incoming"]] == [False]


def test_worklist_page_shows_the_late_start(tree, admin_user, member, client):
    lifecycle.member_transfer_out(
        actor=admin_user,
        member=member,
        kind="official",
        to_org=tree.b1,
        issued_on=date(2026, 4, 6),
        decided_on=date(2026, 1, 2),
    )
    client.force_login(admin_user)
    html = client.get("/members/worklists/", {"org": tree.root.code}).content.decode()
    assert html.count('data-testid="started-late"') == 2  # incoming at B1, outgoing at A1


def test_presentation_deadline_moves_when_the_calendar_changes_and_is_audited(
    tree, admin_user, member, django_capture_on_commit_callbacks
):
    # Letter on Monday 30/11/2026: 30 working days, 1/1/2027 not counted → 12/1/2027 (2027 provisional).
    transfer = lifecycle.member_transfer_out(
        actor=admin_user, member=member, kind="official", to_org=tree.b1, issued_on=date(2026, 11, 30)
    )
    assert transfer.due_on == date(2027, 1, 12)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_set(
            actor=admin_user,
            day=date(2026, 12, 31),
            kind=CalendarDay.Kind.DAY_OFF,
            legal_basis="Thông báo nghỉ bù (thử)",
        )
    transfer.refresh_from_db()
    assert transfer.due_on == date(2027, 1, 13)
    entry = AuditEntry.objects.get(event="members.deadline_recomputed", object_id=str(transfer.pk))
    assert entry.changes == {"due_on": ["2027-01-12", "2027-01-13"]}
    # A transfer already received keeps its dates.
    lifecycle.member_receive(actor=admin_user, transfer=transfer, received_on=date(2026, 12, 1))
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_set(actor=admin_user, day=date(2027, 1, 4), kind=CalendarDay.Kind.DAY_OFF)
    transfer.refresh_from_db()
    assert transfer.due_on == date(2027, 1, 13)


def test_pending_transfer_into_a_merged_unit_goes_to_its_successor(tree, admin_user, member):
    transfer = lifecycle.member_transfer_out(
        actor=admin_user, member=member, kind="official", to_org=tree.a2, issued_on=date(2026, 3, 2)
    )
    org_merge(actor=admin_user, sources=[tree.a2], target=tree.b1, effective_on=date(2026, 3, 10))
    transfer.refresh_from_db()
    assert transfer.to_org_id == tree.b1.pk
    assert (
        AuditEntry.objects.filter(event="members.transfer_redirected", object_id=str(transfer.pk)).count()
        == 1
    )


def test_dissolving_a_unit_with_transfers_pending_into_it_is_refused_with_the_list(tree, admin_user, member):
    lifecycle.member_transfer_out(
        actor=admin_user, member=member, kind="official", to_org=tree.a2, issued_on=date(2026, 3, 2)
    )
    with pytest.raises(ValidationError, match="Phạm Văn Đông"):
        org_dissolve(actor=admin_user, org=tree.a2, effective_on=date(2026, 3, 10))
    assert Org.objects.get(pk=tree.a2.pk).status == "active"


def test_a_member_here_temporarily_is_listed_at_the_receiving_unit_but_counted_where_they_belong(
    tree, admin_user, member, client
):
    from dangvu.members.authority import full_members_on_roll
    from dangvu.members.stats import member_stats

    transfer = temporary(tree, admin_user, member, category="study", until_on=date(2027, 6, 30))
    lifecycle.member_receive(actor=admin_user, transfer=transfer, received_on=date(2026, 3, 5))
    today = date(2026, 12, 1)
    assert member_stats(tree.b1, date(2026, 1, 1), today)["total"] == 0
    assert member_stats(tree.a1, date(2026, 1, 1), today)["total"] == 1
    # The chi bộ votes count their full members on the roll: the sending chi bộ's, not the host's.
    assert (full_members_on_roll(tree.a1), full_members_on_roll(tree.b1)) == (1, 0)
    listed = worklists.transfers_pending(Org.objects.filter(pk=tree.b1.pk), today)
    assert [t.member.full_name for t in listed["temporary"]] == ["Phạm Văn Đông"]
    assert worklists.transfers_pending(Org.objects.filter(pk=tree.b1.pk), date(2027, 7, 1))["temporary"] == []
    client.force_login(admin_user)
    html = client.get("/members/worklists/", {"org": tree.b1.code}).content.decode()
    section = html.split('data-testid="temporary"')[1].split("</section>")[0]
    assert "Phạm Văn Đông" in section
    assert "30/06/2027" in section


def test_a_temporary_stay_follows_a_merge_and_blocks_a_dissolution(tree, admin_user, member):
    transfer = temporary(
        tree, admin_user, member, category="work", to_org=tree.a2, until_on=date(2027, 1, 31)
    )
    lifecycle.member_receive(actor=admin_user, transfer=transfer, received_on=date(2026, 3, 5))
    with pytest.raises(ValidationError, match="sinh hoạt tạm thời tại đơn vị này: Phạm Văn Đông"):
        org_dissolve(actor=admin_user, org=tree.a2, effective_on=date(2026, 12, 1))
    assert Org.objects.get(pk=tree.a2.pk).status == "active"
    org_merge(actor=admin_user, sources=[tree.a2], target=tree.b1, effective_on=date(2026, 12, 1))
    transfer.refresh_from_db()
    assert (transfer.to_org_id, transfer.status) == (tree.b1.pk, "received")
    assert Member.objects.get(pk=member.pk).org_id == tree.a1.pk


def test_an_ended_temporary_stay_does_not_block_a_dissolution(tree, admin_user, member):
    transfer = temporary(
        tree,
        admin_user,
        member,
        category="work",
        to_org=tree.a2,
        issued_on=date(2025, 3, 3),
        until_on=date(2025, 12, 31),
    )
    lifecycle.member_receive(actor=admin_user, transfer=transfer, received_on=date(2025, 3, 5))
    org_dissolve(actor=admin_user, org=tree.a2, effective_on=date(2026, 12, 1))
    assert Org.objects.get(pk=tree.a2.pk).status == "dissolved"


def test_the_refusal_lists_every_pending_transfer_into_the_unit(tree, admin_user, member):
    other = member_create(
        actor=admin_user,
        org=tree.b1,
        full_name="Ngô Thị Hà",
        sex="female",
        birth_date=date(1985, 1, 1),
        admitted_on=date(2010, 1, 1),
    )
    for person in (member, other):
        lifecycle.member_transfer_out(
            actor=admin_user, member=person, kind="official", to_org=tree.a2, issued_on=date(2026, 3, 2)
        )
    with pytest.raises(ValidationError) as refused:
        org_dissolve(actor=admin_user, org=tree.a2, effective_on=date(2026, 3, 10))
    assert "Phạm Văn Đông, Ngô Thị Hà" in " ".join(refused.value.messages)


def test_merging_the_destination_into_the_members_own_unit_ends_the_transfer(tree, admin_user, member):
    # Phạm Văn Đông (A1) is transferring into A2; A2 is merged into A1: nowhere to go, he stays.
    transfer = lifecycle.member_transfer_out(
        actor=admin_user, member=member, kind="official", to_org=tree.a2, issued_on=date(2026, 3, 2)
    )
    assert Member.objects.get(pk=member.pk).status == "transferring"
    org_merge(actor=admin_user, sources=[tree.a2], target=tree.a1, effective_on=date(2026, 12, 1))
    transfer.refresh_from_db()
    fresh = Member.objects.get(pk=member.pk)
    assert (transfer.status, fresh.status, fresh.org_id) == ("cancelled", "official", tree.a1.pk)
    assert rollups.counts_of(tree.a1)["total"] == 1
