"""A citizen ID (CCCD) stays unique without telling a user outside a member's scope that the member
exists: they get a neutral answer, the conflict goes to the unit that sees both records, it is logged as
a security event and rate-limited per user. Web form, API and import alike."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from dangvu.accounts.services import api_token_create
from dangvu.audit.models import AuditEntry
from dangvu.members.identity import KNOWN, LIMITED, NEUTRAL
from dangvu.members.models import IdentityConflict, Member
from dangvu.members.services import member_create, member_update
from dangvu.web.shell import work_sections
from tests.conftest import grant, make_user

pytestmark = pytest.mark.django_db
TAKEN = "001080012345"


@pytest.fixture
def existing(people, tree):
    """A member of B1 (under XB) with the number."""
    return member_create(
        actor=people.admin,
        org=tree.b1,
        full_name="Lê Thị Mai",
        sex="female",
        birth_date=date(1975, 5, 6),
        cccd=TAKEN,
    )


@pytest.fixture
def xa_board(tree):
    """The Ban Tổ chức of XA: adds members in A1/A2, cannot see B1."""
    user = make_user("xaboard")
    grant(user, "ban-to-chuc", tree.xa)
    return user


def _messages(error: ValidationError) -> list[str]:
    return [str(m) for m in error.message_dict["cccd"]]


def test_outside_the_scope_the_answer_is_neutral_and_the_conflict_goes_up(people, tree, existing, xa_board):
    with pytest.raises(ValidationError) as refused:
        member_create(actor=xa_board, org=tree.a1, full_name="Nguyễn Văn An", sex="male", cccd=TAKEN)
    assert _messages(refused.value) == [str(NEUTRAL)]
    assert "đảng viên" not in str(NEUTRAL)
    assert not Member.objects.filter(full_name="Nguyễn Văn An").exists()

    conflict = IdentityConflict.objects.get()
    assert (conflict.existing, conflict.requested_org, conflict.reviewer_org) == (
        existing,
        tree.a1,
        tree.root,
    )
    assert conflict.reported_by == xa_board
    event = AuditEntry.objects.get(event="security.identity_conflict")
    assert event.actor == xa_board
    # The province's board sees both records and finds it among its work; neither board below does.
    keys = {section.key for section in work_sections(people.province, date(2026, 12, 1))}
    assert "members.identity_conflicts" in keys
    for user in (people.outsider, xa_board):
        assert "members.identity_conflicts" not in {s.key for s in work_sections(user, date(2026, 12, 1))}


def test_a_user_who_sees_the_other_file_gets_the_plain_answer(people, tree, existing):
    with pytest.raises(ValidationError) as refused:
        member_create(actor=people.province, org=tree.a1, full_name="Nguyễn Văn An", sex="male", cccd=TAKEN)
    assert _messages(refused.value) == [str(KNOWN)]
    assert not IdentityConflict.objects.exists()


def test_an_edit_is_checked_the_same_way(people, tree, existing, xa_board):
    mine = member_create(actor=xa_board, org=tree.a1, full_name="Nguyễn Văn An", sex="male")
    with pytest.raises(ValidationError) as refused:
        member_update(actor=xa_board, member=mine, changes={"cccd": TAKEN})
    assert _messages(refused.value) == [str(NEUTRAL)]
    mine.refresh_from_db()
    assert mine.cccd is None
    assert IdentityConflict.objects.count() == 1


def test_the_web_form_gives_the_neutral_answer(people, tree, existing, xa_board):
    client = Client()
    client.force_login(xa_board)
    response = client.post(
        "/members/new/",
        {"org": tree.a1.pk, "status": "official", "full_name": "Nguyễn Văn An", "sex": "male", "cccd": TAKEN},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert str(NEUTRAL) in html
    assert "đảng viên khác" not in html
    assert IdentityConflict.objects.count() == 1


def test_the_api_gives_the_neutral_answer(people, tree, existing, xa_board):
    _row, token = api_token_create(actor=xa_board, user=xa_board)
    response = Client().post(
        "/api/v1/members",
        json.dumps({"org": tree.a1.pk, "full_name": "Nguyễn Văn An", "sex": "male", "cccd": TAKEN}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["details"][0]["field"] == "cccd"
    assert body["details"][0]["message"] == str(NEUTRAL)
    assert "member" not in body["details"][0]["message_en"].lower()
    assert IdentityConflict.objects.count() == 1


def test_the_import_gives_the_neutral_answer(people, tree, existing, xa_board):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangvu.members.importer import run_import

    csv = (
        f"Họ và tên,Giới tính,Ngày sinh,Số CCCD,Trạng thái\nNguyễn Văn An,Nam,02/01/1980,{TAKEN},Chính thức\n"
    )
    report = run_import(
        actor=xa_board, org=tree.a1, upload=SimpleUploadedFile("ds.csv", csv.encode()), dry_run=True
    )
    messages = [problem.message for problem in report.problems]
    assert messages == [str(NEUTRAL)]
    assert IdentityConflict.objects.count() == 1


def test_conflicts_are_rate_limited_per_user_whatever_the_number(people, tree, existing, xa_board, settings):
    settings.DANGVU_IDENTITY_CONFLICTS_PER_DAY = 3
    for _ in range(3):
        with pytest.raises(ValidationError):
            member_create(actor=xa_board, org=tree.a1, full_name="Nguyễn Văn An", sex="male", cccd=TAKEN)
    # Now even a number nobody has is refused: a refusal only for taken numbers would be the oracle.
    with pytest.raises(ValidationError) as refused:
        member_create(actor=xa_board, org=tree.a1, full_name="Phạm Văn Bình", sex="male", cccd="001080099999")
    assert _messages(refused.value) == [str(LIMITED)]
    # Other users are not limited.
    member_create(
        actor=people.province, org=tree.a1, full_name="Phạm Văn Bình", sex="male", cccd="001080099999"
    )


def test_an_import_of_others_numbers_records_only_the_days_limit(people, tree, xa_board, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangvu.members.importer import run_import

    settings.DANGVU_IDENTITY_CONFLICTS_PER_DAY = 2
    taken = [f"0010800{i:05d}" for i in range(5)]
    for index, number in enumerate(taken):
        member_create(actor=people.admin, org=tree.b1, full_name=f"Người {index}", sex="male", cccd=number)
    rows = "\n".join(f"Người Nhập {i},Nam,02/01/1980,{n},Chính thức" for i, n in enumerate(taken))
    csv = f"Họ và tên,Giới tính,Ngày sinh,Số CCCD,Trạng thái\n{rows}\n"
    report = run_import(
        actor=xa_board, org=tree.a1, upload=SimpleUploadedFile("ds.csv", csv.encode()), dry_run=True
    )
    messages = sorted(problem.message for problem in report.problems)
    assert messages == sorted([str(NEUTRAL)] * 2 + [str(LIMITED)] * 3)
    assert IdentityConflict.objects.count() == 2
    # The next file is refused for every number, taken or not.
    again = run_import(
        actor=xa_board,
        org=tree.a1,
        upload=SimpleUploadedFile("ds.csv", "Họ và tên,Giới tính,Số CCCD\nAi Đó,Nam,001080099999\n".encode()),
        dry_run=True,
    )
    assert [problem.message for problem in again.problems] == [str(LIMITED)]
    assert IdentityConflict.objects.count() == 2
