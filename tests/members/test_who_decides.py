"""Who decides (issue #10): the chi bộ proposes by resolution, the competent committee decides.

Tree (tests/conftest.py): TU (province) › XA (đảng ủy xã, the committee directly above the grassroots
organisations A1 and A2, which are chi bộ cơ sở) and XB › B1. Personas: ``secretary`` = bí thư chi bộ
A1; ``province`` = Ban Tổ chức at TU; ``outsider`` = Ban Tổ chức at XB; here also ``commune`` = Ban Tổ
chức at XA (records the decisions of XA's standing committee).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from dangvu.accounts.services import api_token_create
from dangvu.audit.models import AuditEntry
from dangvu.members import lifecycle
from dangvu.members.authority import authority_for, refusal, rule_for
from dangvu.members.models import (
    DecisionAuthority,
    DecisionDelegation,
    Discipline,
    Member,
    MemberProposal,
)
from dangvu.members.proposals import proposal_create, proposal_decide
from dangvu.members.services import member_create
from dangvu.members.workflow import LIFECYCLE
from dangvu.orgs.services import org_create
from tests.conftest import grant, make_user, org_type


def api(user):
    _row, token = api_token_create(actor=user, user=user)
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def official(admin, org, name, admitted=date(2000, 3, 1)):
    return member_create(
        actor=admin,
        org=org,
        full_name=name,
        sex="male",
        birth_date=date(1975, 1, 1),
        admitted_on=admitted,
        recognized_on=date(admitted.year + 1, admitted.month, admitted.day),
    )


@pytest.fixture
def commune(tree):
    user = make_user("commune")
    grant(user, "ban-to-chuc", tree.xa)
    return user


@pytest.fixture
def cell(tree, admin_user):
    """A1 with four full members on the roll and one probationer (not on the full-member roll)."""
    members = [official(admin_user, tree.a1, f"Đảng viên {i}") for i in range(1, 5)]
    lifecycle.member_admit(
        actor=admin_user,
        org=tree.a1,
        full_name="Phạm Thị Hoa",
        sex="female",
        birth_date=date(2000, 1, 1),
        admitted_on=date(2025, 11, 3),
        ceremony_on=date(2025, 11, 20),
    )
    return members


def state(member):
    row = Member.objects.get(pk=member.pk)
    return row.status, row.status_changed_on


# --- The 403 with the reason, the same everywhere -----------------------------------------------------


def test_the_secretary_may_not_remove_a_member_the_api_says_why_and_nothing_changes(people, tree, cell):
    member = cell[0]
    client, auth = api(people.secretary)
    before, entries = state(member), AuditEntry.objects.count()
    response = client.post(
        f"/api/v1/members/{member.pk}/remove",
        {
            "on": "2026-11-20",
            "reason": "Bỏ sinh hoạt 3 tháng",
            "decision": "12-QĐ/ĐU",
            "ground": "removal.no_activity",
        },
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 403
    message = response.json()["error"]["message"]
    assert message == (
        "Bạn không có thẩm quyền quyết định “Xóa tên”: việc này do Ban Thường vụ — Đảng ủy xã An Phú "
        "quyết định (Điều lệ Đảng Điều 8; Quy định 294-QĐ/TW (26/5/2025)). Chi bộ ghi nhận đề nghị (số, "
        "ngày nghị quyết và kết quả biểu quyết) để cấp có thẩm quyền quyết định."
    )
    assert response.json()["error"]["message_en"] != ""
    assert state(member) == before
    assert AuditEntry.objects.count() == entries


def test_one_check_serves_the_buttons_the_web_form_the_api_and_the_service(people, tree, cell):
    member = cell[0]
    reason = str(refusal(people.secretary, "remove", member.org))
    client = Client()
    client.force_login(people.secretary)
    page = client.get(f"/members/{member.pk}/").content.decode()
    # No final verb of a higher level on the page; the proposals instead.
    for verb in ("remove", "leave", "badge"):
        assert f'data-verb="{verb}"' not in page
        assert f'data-propose="{verb}"' in page
    assert 'data-verb="discipline"' in page  # the chi bộ decides khiển trách and cảnh cáo itself
    form = client.get(f"/members/{member.pk}/remove/")
    assert form.status_code == 403
    assert reason in form.content.decode()
    assert "remove" not in {t.name for t in LIFECYCLE.available(people.secretary, member)}
    with pytest.raises(PermissionDenied, match="Ban Thường vụ — Đảng ủy xã An Phú"):
        lifecycle.member_remove(
            actor=people.secretary, member=member, decided_on=date(2026, 11, 20), reason="Bỏ sinh hoạt"
        )
    assert state(member)[0] == "official"


def test_the_commune_board_decides_for_its_chi_bo_but_not_for_another_commune(people, tree, commune, cell):
    member = cell[0]
    assert "remove" in {t.name for t in LIFECYCLE.available(commune, member)}
    other = official(people.admin, tree.b1, "Lê Văn Bình")
    client, auth = api(commune)
    assert (
        client.post(
            f"/api/v1/members/{other.pk}/remove",
            {
                "on": "2026-11-20",
                "reason": "Bỏ sinh hoạt",
                "decision": "3-QĐ/ĐU",
                "ground": "removal.no_activity",
            },
            content_type="application/json",
            **auth,
        ).status_code
        == 404
    )  # outside XA: not even visible
    done = client.post(
        f"/api/v1/members/{member.pk}/remove",
        {
            "on": "2026-11-20",
            "reason": "Bỏ sinh hoạt",
            "decision": "3-QĐ/ĐU",
            "signer": "Vũ Văn Nam",
            "ground": "removal.no_activity",
        },
        content_type="application/json",
        **auth,
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "removed"
    entry = AuditEntry.objects.get(event="members.remove", object_id=str(member.pk))
    assert entry.data["signer"] == "Vũ Văn Nam"


def test_the_decision_number_is_required_for_the_final_verb(people, tree, commune, cell):
    client, auth = api(commune)
    response = client.post(
        f"/api/v1/members/{cell[0].pk}/remove",
        {"on": "2026-11-20", "reason": "Bỏ sinh hoạt"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422
    assert state(cell[0])[0] == "official"


# --- Proposals: recorded below, decided (or returned) by the deciding level ----------------------------


def test_the_secretary_proposes_the_commune_decides_from_its_worklist(people, tree, commune, cell):
    member = cell[0]
    client, auth = api(people.secretary)
    created = client.post(
        f"/api/v1/members/{member.pk}/proposals",
        {
            "verb": "remove",
            "resolution_number": "05-NQ/CB",
            "resolution_date": "2026-11-10",
            "details": {"reason": "Bỏ sinh hoạt 3 tháng không có lý do", "ground": "removal.no_activity"},
        },
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["deciding_org"], body["deciding_body"]) == (
        "proposed",
        tree.xa.pk,
        "Ban Thường vụ — Đảng ủy xã An Phú",
    )
    assert state(member)[0] == "official"  # a proposal is not the verb
    assert AuditEntry.objects.filter(event="members.propose").count() == 1

    # The secretary may not decide their own proposal.
    refused = client.post(
        f"/api/v1/proposals/{body['id']}/decide",
        {"decision_number": "7-QĐ/ĐU", "decided_on": "2026-11-25"},
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 403
    assert "Ban Thường vụ — Đảng ủy xã An Phú" in refused.json()["error"]["message"]

    # The commune's board sees it waiting (API and home page) and decides.
    board, board_auth = api(commune)
    waiting = board.get("/api/v1/proposals", {"to_decide": True}, **board_auth).json()
    assert [row["id"] for row in waiting["results"]] == [body["id"]]
    assert client.get("/api/v1/proposals", {"to_decide": True}, **auth).json()["count"] == 0
    home = Client()
    home.force_login(commune)
    html = home.get("/home/").content.decode()
    assert 'data-work="members.proposals"' in html
    assert "Xóa tên: Đảng viên 1" in html
    decided = board.post(
        f"/api/v1/proposals/{body['id']}/decide",
        {"decision_number": "7-QĐ/ĐU", "decided_on": "2026-11-25", "signer": "Nguyễn Văn Bí"},
        content_type="application/json",
        **board_auth,
    )
    assert decided.status_code == 200, decided.content
    assert (decided.json()["status"], decided.json()["decision_number"], decided.json()["signer"]) == (
        "decided",
        "7-QĐ/ĐU",
        "Nguyễn Văn Bí",
    )
    row = Member.objects.get(pk=member.pk)
    assert (row.status, row.status_changed_on) == ("removed", date(2026, 11, 25))
    change = row.status_changes.order_by("-pk").first()
    assert (change.legal_basis, change.reason) == ("7-QĐ/ĐU", "Bỏ sinh hoạt 3 tháng không có lý do")
    assert AuditEntry.objects.filter(event="members.proposal_decide", object_id=str(body["id"])).count() == 1
    assert board.get("/api/v1/proposals", {"to_decide": True}, **board_auth).json()["count"] == 0
    listed = client.get(f"/api/v1/members/{member.pk}/proposals", **auth).json()
    assert [r["status"] for r in listed["results"]] == ["decided"]


def test_a_returned_proposal_changes_nothing_and_a_new_one_may_follow(people, tree, commune, cell):
    member = cell[1]
    proposal = proposal_create(
        actor=people.secretary,
        member=member,
        verb="leave",
        resolution_number="06-NQ/CB",
        resolution_date=date(2026, 11, 12),
        details={"reason": "Xin ra khỏi Đảng vì lý do gia đình", "ground": "leave.applied"},
    )
    with pytest.raises(ValidationError, match="đang chờ quyết định"):
        proposal_create(
            actor=people.secretary,
            member=member,
            verb="leave",
            resolution_number="07-NQ/CB",
            resolution_date=date(2026, 11, 13),
            details={"ground": "leave.applied"},
        )
    client, auth = api(commune)
    missing = client.post(
        f"/api/v1/proposals/{proposal.pk}/return", {"reason": " "}, content_type="application/json", **auth
    )
    assert missing.status_code == 422
    returned = client.post(
        f"/api/v1/proposals/{proposal.pk}/return",
        {"reason": "Chưa có đơn của đảng viên"},
        content_type="application/json",
        **auth,
    )
    assert returned.status_code == 200
    assert (returned.json()["status"], returned.json()["return_reason"]) == (
        "returned",
        "Chưa có đơn của đảng viên",
    )
    assert state(member)[0] == "official"
    again = client.post(
        f"/api/v1/proposals/{proposal.pk}/decide",
        {"decision_number": "8-QĐ/ĐU", "decided_on": "2026-11-25"},
        content_type="application/json",
        **auth,
    )
    assert again.status_code == 422
    assert "đã được xử lý" in again.json()["error"]["message"]
    second = proposal_create(
        actor=people.secretary,
        member=member,
        verb="leave",
        resolution_number="07-NQ/CB",
        resolution_date=date(2026, 11, 26),
        details={"ground": "leave.applied"},
    )
    assert second.status == "proposed"


def test_a_decision_the_verb_refuses_writes_nothing(people, tree, commune, cell):
    member = cell[2]
    proposal = proposal_create(
        actor=people.secretary,
        member=member,
        verb="remove",
        resolution_number="08-NQ/CB",
        resolution_date=date(2026, 11, 10),
        details={"reason": "Bỏ sinh hoạt", "ground": "removal.no_activity"},
    )
    with pytest.raises(ValidationError, match="trước ngày nghị quyết"):
        proposal_decide(
            actor=commune, proposal=proposal, decision_number="9-QĐ/ĐU", decided_on=date(2026, 11, 1)
        )
    with pytest.raises(ValidationError):
        proposal_decide(
            actor=commune, proposal=proposal, decision_number="9-QĐ/ĐU", decided_on=date(2026, 12, 30)
        )
    assert MemberProposal.objects.get(pk=proposal.pk).status == "proposed"
    assert state(member)[0] == "official"


def test_the_chi_bo_does_not_propose_what_it_decides_itself(people, tree, cell):
    with pytest.raises(ValidationError, match="do chi bộ quyết định"):
        proposal_create(
            actor=people.secretary,
            member=cell[0],
            verb="discipline:khien-trach",
            resolution_number="1-NQ/CB",
            resolution_date=date(2026, 11, 10),
        )
    client, auth = api(people.secretary)
    response = client.post(
        f"/api/v1/members/{cell[0].pk}/proposals",
        {"verb": "admit", "resolution_number": "1", "resolution_date": "2026-11-10"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422  # admission of a new person: not a proposal on a member file


# --- 2/3 of the chi bộ's full members on the roll, not of the votes cast ------------------------------


@pytest.mark.parametrize(
    ("votes_for", "votes_against", "on_roll", "carried"),
    [
        (6, 0, 10, False),  # every vote cast is for, but 6 of 10 on the roll is less than 2/3
        (7, 3, 10, True),
        (7, 0, 10, True),
        (2, 0, 3, True),  # exactly 2/3
        (19, 0, 30, False),
        (20, 1, 30, True),
    ],
)
def test_recognition_needs_two_thirds_of_the_full_members_on_the_roll(
    people, tree, cell, votes_for, votes_against, on_roll, carried
):
    probationer = Member.objects.get(full_name="Phạm Thị Hoa")
    client, auth = api(people.secretary)
    response = client.post(
        f"/api/v1/members/{probationer.pk}/proposals",
        {
            "verb": "recognize",
            "resolution_number": "09-NQ/CB",
            "resolution_date": "2026-11-25",
            "votes_for": votes_for,
            "votes_against": votes_against,
            "members_on_roll": on_roll,
        },
        content_type="application/json",
        **auth,
    )
    if carried:
        assert response.status_code == 201, response.content
        assert (response.json()["votes_for"], response.json()["members_on_roll"]) == (votes_for, on_roll)
    else:
        assert response.status_code == 422
        needed = -(-2 * on_roll // 3)
        assert (
            f"cần {needed} trên {on_roll} đảng viên chính thức trong danh sách tán thành"
            in response.json()["error"]["message"]
        )
        assert not MemberProposal.objects.exists()


@pytest.mark.parametrize(
    ("votes_for", "on_roll", "carried"),
    [(6, 10, False), (7, 10, True), (2, 3, True), (13, 20, False), (14, 20, True)],
)
def test_readmission_is_an_admission_two_thirds_of_the_full_members_on_the_roll(
    people, tree, cell, admin_user, votes_for, on_roll, carried
):
    """Re-admission is an admission (Điều lệ Art. 4): the chi bộ's resolution needs at least 2/3 of its
    full members on the roll, whatever the votes cast (here nobody votes against)."""
    removed = official(admin_user, tree.a1, "Người bị xóa tên", admitted=date(1995, 5, 5))
    lifecycle.member_remove(
        actor=admin_user,
        member=removed,
        decided_on=date(2021, 6, 1),
        reason="Không đóng đảng phí",
        ground="removal.unpaid_fees",
    )
    client, auth = api(people.secretary)
    response = client.post(
        f"/api/v1/members/{removed.pk}/proposals",
        {
            "verb": "readmit",
            "resolution_number": "11-NQ/CB",
            "resolution_date": "2026-11-25",
            "votes_for": votes_for,
            "votes_against": 0,
            "members_on_roll": on_roll,
        },
        content_type="application/json",
        **auth,
    )
    if carried:
        assert response.status_code == 201, response.content
        assert MemberProposal.objects.get().verb == "readmit"
    else:
        assert response.status_code == 422, response.content
        needed = -(-2 * on_roll // 3)
        assert (
            f"cần {needed} trên {on_roll} đảng viên chính thức trong danh sách tán thành"
            in response.json()["error"]["message"]
        )
        assert not MemberProposal.objects.exists()
        assert state(removed) == ("removed", date(2021, 6, 1))


def test_the_roll_defaults_to_the_chi_bos_full_members_in_the_database(people, tree, cell):
    probationer = Member.objects.get(full_name="Phạm Thị Hoa")
    # A1: four full members (the probationer is not on the full-member roll): 2 of 4 is not 2/3.
    with pytest.raises(ValidationError, match="cần 3 trên 4"):
        proposal_create(
            actor=people.secretary,
            member=probationer,
            verb="recognize",
            resolution_number="10-NQ/CB",
            resolution_date=date(2026, 11, 25),
            votes_for=2,
            votes_against=0,
        )
    with pytest.raises(ValidationError, match="Cần ghi kết quả biểu quyết"):
        proposal_create(
            actor=people.secretary,
            member=probationer,
            verb="recognize",
            resolution_number="10-NQ/CB",
            resolution_date=date(2026, 11, 25),
        )
    with pytest.raises(ValidationError, match="Tổng số phiếu"):
        proposal_create(
            actor=people.secretary,
            member=probationer,
            verb="recognize",
            resolution_number="10-NQ/CB",
            resolution_date=date(2026, 11, 25),
            votes_for=3,
            votes_against=2,
        )
    proposal = proposal_create(
        actor=people.secretary,
        member=probationer,
        verb="recognize",
        resolution_number="10-NQ/CB",
        resolution_date=date(2026, 11, 25),
        votes_for=3,
        votes_against=1,
    )
    assert proposal.members_on_roll == 4


# --- Delegation of admission power to a đảng ủy cơ sở, with effective dates ---------------------------


@pytest.fixture
def enterprise(tree, admin_user):
    """XA › DN (đảng bộ cơ sở of an enterprise) › DN1 (chi bộ trực thuộc) with one member."""
    dn = org_create(
        actor=admin_user,
        name="Đảng bộ Công ty Điện lực",
        code="DN",
        org_type=org_type("dang-bo-co-so"),
        parent=tree.xa,
    )
    dn1 = org_create(
        actor=admin_user,
        name="Chi bộ Phòng Kỹ thuật",
        code="DN1",
        org_type=org_type("chi-bo-truc-thuoc"),
        parent=dn,
    )
    board = make_user("enterprise")
    grant(board, "ban-to-chuc", dn)
    return dn, dn1, board, official(admin_user, dn1, "Hoàng Văn Điện")


def test_a_delegated_grassroots_committee_decides_only_while_its_delegation_is_in_force(
    tree, enterprise, commune
):
    dn, dn1, board, member = enterprise
    assert authority_for("remove", dn1).unit == tree.xa  # the committee above the grassroots organisation
    DecisionDelegation.objects.create(
        org=dn,
        granted_by=tree.xa,
        decision_number="15-QĐ/ĐU",
        decision_date=date(2026, 5, 20),
        valid_from=date(2026, 6, 1),
        valid_to=date(2026, 10, 31),
    )
    during = authority_for("remove", dn1, date(2026, 7, 1))
    assert (during.unit, during.body, during.legal_basis) == (
        dn,
        "Đảng ủy (tập thể cấp ủy)",
        "15-QĐ/ĐU (20/05/2026)",
    )
    assert authority_for("remove", dn1, date(2026, 5, 31)).unit == tree.xa
    assert authority_for("remove", dn1, date(2026, 11, 1)).unit == tree.xa
    assert authority_for("badge", dn1, date(2026, 7, 1)).unit == tree.root  # not a power that was delegated
    assert refusal(board, "recognize", dn1, date(2026, 7, 1)) is None
    assert refusal(board, "recognize", dn1, date(2026, 11, 1)) is not None
    # XA's board holds its role over DN's subtree too, so it may still record a decision from above
    # (as the province's board may anywhere); the proposals of DN1 now go to DN, not XA.
    assert refusal(commune, "recognize", dn1, date(2026, 7, 1)) is None
    # Today (1/12/2026) the delegation has ended: the enterprise's board may not remove, XA's may.
    client, auth = api(board)
    payload = {
        "on": "2026-11-20",
        "reason": "Bỏ sinh hoạt",
        "decision": "2-QĐ/ĐU",
        "ground": "removal.no_activity",
    }
    refused = client.post(
        f"/api/v1/members/{member.pk}/remove", payload, content_type="application/json", **auth
    )
    assert refused.status_code == 403
    assert "Ban Thường vụ — Đảng ủy xã An Phú" in refused.json()["error"]["message"]
    # A new delegation from 1/11/2026 with no end: the enterprise's board decides, and the chi bộ's
    # proposals go to the enterprise's committee.
    DecisionDelegation.objects.create(
        org=dn,
        granted_by=tree.xa,
        decision_number="21-QĐ/ĐU",
        decision_date=date(2026, 10, 28),
        valid_from=date(2026, 11, 1),
    )
    secretary = make_user("dn1secretary")
    grant(secretary, "bi-thu-chi-bo", dn1)
    proposal = proposal_create(
        actor=secretary,
        member=member,
        verb="leave",
        resolution_number="3-NQ/CB",
        resolution_date=date(2026, 11, 16),
        details={"ground": "leave.applied"},
    )
    assert (proposal.deciding_org, proposal.deciding_body) == (
        dn,
        "Đảng ủy (tập thể cấp ủy) — Đảng bộ Công ty Điện lực",
    )
    proposal.delete()
    done = client.post(
        f"/api/v1/members/{member.pk}/remove", payload, content_type="application/json", **auth
    )
    assert done.status_code == 200, done.content
    assert Member.objects.get(pk=member.pk).status == "removed"


def test_a_rule_for_a_unit_type_overrides_the_rule_for_any_type_on_its_dates(tree, enterprise):
    _dn, dn1, _board, _member = enterprise
    DecisionAuthority.objects.create(
        verb="badge",
        org_type=org_type("chi-bo-co-so"),
        level="above_grassroots",
        body="Ban Thường vụ",
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 12, 31),
        legal_basis="Thí điểm",
    )
    assert authority_for("badge", tree.a1, date(2026, 6, 1)).unit == tree.xa
    assert authority_for("badge", tree.a1, date(2025, 12, 31)).unit == tree.root
    assert authority_for("badge", dn1, date(2026, 6, 1)).unit == tree.root  # another type: the default


def test_each_period_cites_the_regulation_in_force(tree):
    assert "24-QĐ/TW" in rule_for("remove", tree.a1, date(2024, 6, 1)).legal_basis
    assert "232-QĐ/TW" in rule_for("remove", tree.a1, date(2025, 3, 1)).legal_basis
    assert "294-QĐ/TW" in rule_for("remove", tree.a1, date(2025, 7, 1)).legal_basis
    assert "22-QĐ/TW" in rule_for("discipline:canh-cao", tree.a1, date(2025, 5, 29)).legal_basis
    assert "296-QĐ/TW" in rule_for("discipline:canh-cao", tree.a1, date(2025, 5, 30)).legal_basis
    assert rule_for("badge", tree.a1, date(2026, 1, 1)).is_default  # [U] in DOMAIN.md: a default


def test_badges_go_to_the_provincial_level_by_default(people, tree, commune):
    veteran = official(people.admin, tree.a1, "Trần Văn Lão", admitted=date(1990, 1, 1))
    payload = {"milestone": 30, "awarded_on": "2026-11-07", "decision": "219-QĐ/TU"}
    client, auth = api(commune)
    refused = client.post(
        f"/api/v1/members/{veteran.pk}/badge", payload, content_type="application/json", **auth
    )
    assert refused.status_code == 403
    assert "Ban Thường vụ Tỉnh ủy — Đảng bộ tỉnh Ninh Bình" in refused.json()["error"]["message"]
    province, province_auth = api(people.province)
    done = province.post(
        f"/api/v1/members/{veteran.pk}/badge", payload, content_type="application/json", **province_auth
    )
    assert done.status_code == 200, done.content


# --- Discipline: the chi bộ decides khiển trách and cảnh cáo by its own vote -------------------------


def test_the_chi_bo_decides_a_warning_by_its_own_vote(people, tree, cell):
    member = cell[0]
    client, auth = api(people.secretary)
    base = {
        "form": "canh-cao",
        "decided_on": "2026-11-20",
        "decision": "02-QĐ/CB",
        "reason": "Vi phạm quy chế",
    }
    no_vote = client.post(
        f"/api/v1/members/{member.pk}/discipline", base, content_type="application/json", **auth
    )
    assert no_vote.status_code == 422
    assert "Cần ghi kết quả biểu quyết" in no_vote.json()["error"]["message"]
    half = client.post(
        f"/api/v1/members/{member.pk}/discipline",
        base | {"votes_for": 2, "votes_against": 2},
        content_type="application/json",
        **auth,
    )
    assert half.status_code == 422  # 2 of 4 is not more than half of the full members on the roll
    assert "cần 3 trên 4" in half.json()["error"]["message"]
    assert not Discipline.objects.exists()
    done = client.post(
        f"/api/v1/members/{member.pk}/discipline",
        base | {"votes_for": 3, "votes_against": 1},
        content_type="application/json",
        **auth,
    )
    assert done.status_code == 200, done.content
    record = Discipline.objects.get()
    assert (
        record.form,
        record.votes_for,
        record.votes_against,
        record.members_on_roll,
        record.authority,
    ) == (
        "canh-cao",
        3,
        1,
        4,
        "Chi bộ — Chi bộ thôn 1",
    )


def test_expulsion_is_not_the_chi_bos_to_decide(people, tree, commune, cell):
    member = cell[0]
    client, auth = api(people.secretary)
    refused = client.post(
        f"/api/v1/members/{member.pk}/discipline",
        {
            "form": "khai-tru",
            "decided_on": "2026-11-20",
            "decision": "03-QĐ/CB",
            "votes_for": 4,
            "votes_against": 0,
        },
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 403
    assert "Kỷ luật khai trừ" in refused.json()["error"]["message"]
    assert state(member)[0] == "official"
    proposal = proposal_create(
        actor=people.secretary,
        member=member,
        verb="discipline:khai-tru",
        resolution_number="11-NQ/CB",
        resolution_date=date(2026, 11, 15),
        details={"reason": "Vi phạm nghiêm trọng"},
    )
    assert proposal.deciding_org == tree.xa
    proposal_decide(
        actor=commune, proposal=proposal, decision_number="12-QĐ/ĐU", decided_on=date(2026, 11, 28)
    )
    assert state(member) == ("expelled", date(2026, 11, 28))
    assert Discipline.objects.get().authority == "Ban Thường vụ — Đảng ủy xã An Phú"


# --- Pages for the organisation board and the administrator -------------------------------------------


def test_the_board_reads_the_deciding_levels_and_the_admin_edits_them(people, tree, enterprise):
    dn, _dn1, _board, _member = enterprise
    DecisionDelegation.objects.create(
        org=dn,
        granted_by=tree.xa,
        decision_number="15-QĐ/ĐU",
        decision_date=date(2026, 5, 20),
        valid_from=date(2026, 6, 1),
    )
    client = Client()
    client.force_login(people.province)
    html = client.get("/members/authority/").content.decode()
    assert "Quy định 294-QĐ/TW (26/5/2025)" in html
    assert "15-QĐ/ĐU, 20/05/2026" in html
    assert client.get("/admin/members/decisionauthority/").status_code == 302  # not staff: to the log-in
    client.force_login(people.admin)
    assert client.get("/admin/members/decisionauthority/").status_code == 200
    assert client.get("/admin/members/decisiondelegation/").status_code == 200


def test_the_web_forms_propose_and_decide(people, tree, commune, cell):
    member = cell[3]
    client = Client()
    client.force_login(people.secretary)
    form = client.get(f"/members/{member.pk}/propose/remove/")
    assert form.status_code == 200
    assert "Ban Thường vụ — Đảng ủy xã An Phú" in form.content.decode()
    sent = client.post(
        f"/members/{member.pk}/propose/remove/",
        {
            "resolution_number": "12-NQ/CB",
            "resolution_date": "10/11/2026",
            "reason": "Bỏ sinh hoạt",
            "ground": "removal.no_activity",
        },
    )
    assert sent.status_code == 302
    proposal = MemberProposal.objects.get()
    assert client.get(f"/members/proposals/{proposal.pk}/decide/").status_code == 403
    board = Client()
    board.force_login(commune)
    page = board.get(f"/members/{member.pk}/").content.decode()
    assert f'data-decide="{proposal.pk}"' in page
    decided = board.post(
        f"/members/proposals/{proposal.pk}/decide/",
        {"decision_number": "13-QĐ/ĐU", "decided_on": "25/11/2026", "signer": "Nguyễn Văn Bí"},
    )
    assert decided.status_code == 302
    assert state(member) == ("removed", date(2026, 11, 25))


def test_the_member_page_and_the_proposal_list_do_not_query_per_verb_or_per_row(
    people, tree, commune, cell, django_assert_max_num_queries
):
    client = Client()
    client.force_login(people.secretary)
    client.get(f"/members/{cell[0].pk}/")  # warm the session and the caches
    with django_assert_max_num_queries(60):
        assert client.get(f"/members/{cell[0].pk}/").status_code == 200
    board, auth = api(commune)
    assert board.get("/api/v1/proposals", **auth).json()["count"] == 0  # the token's first use is written
    counts = []
    for index, member in enumerate(cell[:3]):
        proposal_create(
            actor=people.secretary,
            member=member,
            verb="remove",
            resolution_number=f"{20 + index}-NQ/CB",
            resolution_date=date(2026, 11, 10),
            details={"reason": "Bỏ sinh hoạt", "ground": "removal.no_activity"},
        )
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert board.get("/api/v1/proposals", **auth).json()["count"] == index + 1
        counts.append(len(queries))
    assert counts[0] == counts[2]


# --- Rehabilitation has its own rule row; the unconfirmed defaults are shown and editable ---------------


def test_rehabilitation_is_decided_by_its_own_rule_row(people, tree, cell, commune):
    member = cell[0]
    lifecycle.member_remove(
        actor=commune,
        member=member,
        decided_on=date(2026, 3, 2),
        reason="Không đóng đảng phí",
        ground="removal.unpaid_fees",
        decision="5-QĐ/ĐU",
    )
    row = rule_for("rehabilitate", tree.a1, date(2026, 11, 2))
    assert (row.verb, row.level, row.body, row.is_default) == (
        "rehabilitate",
        "above_grassroots",
        "Ban Thường vụ",
        True,
    )
    assert "117-QĐ/TW (18/8/2023)" in row.legal_basis
    assert "22-QĐ/TW" in rule_for("rehabilitate", tree.a1, date(2022, 1, 3)).legal_basis
    # The chi bộ secretary is refused, naming the rehabilitation and its basis.
    reason = str(refusal(people.secretary, "rehabilitate", tree.a1, date(2026, 11, 2)))
    assert "“Phục hồi đảng tịch (minh oan)”" in reason
    assert "Ban Thường vụ — Đảng ủy xã An Phú" in reason
    assert "117-QĐ/TW" in reason
    # An administrator moves rehabilitation to the province: the commune still removes, no longer
    # rehabilitates (the two verbs are separate rows).
    DecisionAuthority.objects.filter(verb="rehabilitate").update(
        level="province", body="Ban Thường vụ Tỉnh ủy"
    )
    assert refusal(commune, "remove", tree.a1, date(2026, 11, 2)) is None
    member = Member.objects.get(pk=member.pk)  # a later request (deciding levels are read per unit object)
    with pytest.raises(PermissionDenied, match="Ban Thường vụ Tỉnh ủy"):
        lifecycle.member_rehabilitate(
            actor=commune, member=member, decided_on=date(2026, 11, 2), decision="9-QĐ/TU"
        )
    lifecycle.member_rehabilitate(
        actor=people.province, member=member, decided_on=date(2026, 11, 2), decision="9-QĐ/TU"
    )
    assert Member.objects.get(pk=member.pk).status == "official"


def test_unconfirmed_defaults_are_marked_on_the_board_and_editable_in_the_admin(people, tree):
    from dangvu.members.models import MemberRule

    client = Client()
    client.force_login(people.province)
    html = client.get("/members/authority/").content.decode()
    # The page's title is its name only, and rule values read as text, not as Python's dict or True.
    assert "<title>Thẩm quyền quyết định" in html
    assert html.count('data-testid="authority-unconfirmed"') == 1
    # Discipline forms read as their labels, lightest first, on both databases (jsonb reorders keys).
    assert "Khiển trách: 6 · Cảnh cáo: 9 · Cách chức: 12" in html
    assert "{&#x27;" not in html
    assert ">True<" not in html
    # Who decides: cách chức, khai trừ, badges and rehabilitation rows are marked.
    assert html.count("Mặc định, chưa xác nhận") == DecisionAuthority.objects.filter(is_default=True).count()
    assert (
        DecisionAuthority.objects.filter(
            is_default=True, verb__in=["discipline:cach-chuc", "discipline:khai-tru", "badge", "rehabilitate"]
        )
        .values("verb")
        .distinct()
        .count()
        == 4
    )
    # The rule values: the discipline waits, the special transfer category, the re-admission age rule.
    start = html.index('data-testid="authority-unconfirmed"')
    section = html[start : html.index("</section>", start)]
    for key in ("badge_wait_after_discipline_months", "temporary_transfer_special", "readmission_age_limits"):
        assert key in section
        assert MemberRule.objects.filter(key=key, is_default=True).exists()
    assert "Chưa xác nhận" in section
    assert "/admin/members/memberrule/" not in section  # not staff: no edit links
    # The administrator edits a row in the admin (audited) and confirms it: the mark goes.
    client.force_login(people.admin)
    listing = client.get("/admin/members/memberrule/?is_default__exact=1")
    assert listing.status_code == 200
    assert "Chưa xác nhận" in listing.content.decode()
    row = MemberRule.objects.get(key="readmission_age_limits", effective_to__isnull=True)
    assert f"/admin/members/memberrule/{row.pk}/change/" in client.get("/members/authority/").content.decode()
    changed = client.post(
        f"/admin/members/memberrule/{row.pk}/change/",
        {
            "key": row.key,
            "value": "false",
            "effective_from": "2025-07-01",
            "effective_to": "",
            "legal_basis": "Đã đối chiếu: không áp dụng điều kiện tuổi khi kết nạp lại",
            "is_default": "",
            "description": row.description,
        },
    )
    assert changed.status_code == 302, changed.content.decode()[:2000]
    row.refresh_from_db()
    assert (row.value, row.is_default) == (False, False)
    assert AuditEntry.objects.filter(event="admin.members.memberrule.update").exists()
    assert row.effective_from == date(2025, 7, 1)
    page = client.get("/members/authority/").content.decode()
    start = page.index('data-testid="authority-unconfirmed"')
    section = page[start : page.index("</section>", start)]
    assert f"/admin/members/memberrule/{row.pk}/change/" not in section
    assert "readmission_age_limits" in section  # the earlier eras are still unconfirmed


def test_rule_values_read_in_the_regulations_order_whatever_order_the_database_keeps():
    from dangvu.members.proposal_views import _rule_value

    # PostgreSQL's jsonb hands keys back shortest first; the page must not follow it.
    as_jsonb_returns = {"canh-cao": 9, "cach-chuc": 12, "khien-trach": 6, "zeta": 1, "alpha": 2}
    assert (
        _rule_value(as_jsonb_returns) == "Khiển trách: 6 · Cảnh cáo: 9 · Cách chức: 12 · alpha: 2 · zeta: 1"
    )
    assert _rule_value(True) == "Áp dụng"
    assert _rule_value([18, 60]) == "18, 60"
