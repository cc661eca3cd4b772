import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from dangvu.accounts.models import RoleAssignment, User
from dangvu.audit.services import verify_chain
from dangvu.demo.generator import build_plan, seed
from dangvu.members import rollups
from dangvu.members.models import Member, OrgMemberCount
from dangvu.orgs.models import Org


def test_plans_are_deterministic_and_shaped_like_a_province():
    first, second = build_plan(seed=5, national=False), build_plan(seed=5, national=False)
    assert [(u.name, u.code, u.path) for u in first.units] == [(u.name, u.code, u.path) for u in second.units]
    assert build_plan(seed=6, national=False).units != first.units
    communes = [u for u in first.units if u.type_code == "dang-bo-xa"]
    assert len(communes) == 20
    assert first.units[0].type_code == "dang-bo-tinh"
    assert len({u.code for u in first.units}) == len(first.units)


def test_national_plan_has_34_provinces_and_about_60000_units():
    plan = build_plan(seed=2026, national=True)
    assert sum(1 for u in plan.units if u.type_code == "dang-bo-tinh") == 34
    assert 50_000 <= len(plan.units) <= 70_000
    assert sum(1 for u in plan.units if u.type_code == "dang-bo-truc-thuoc-tw") == 6


@pytest.mark.django_db
def test_seed_demo_loads_units_members_users_and_exact_rollups(capsys, caplog):
    caplog.set_level("INFO", logger="dangvu.members.rollups")
    call_command("seed_demo", "--members", "500", "--seed", "3")
    out = capsys.readouterr().out
    # The first count after loading is not reported as a drift: an operator reading the log of a fresh
    # installation must not find an error.
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text
    assert "500 đảng viên" in out
    assert "admin" in out
    assert Member.objects.count() == 500
    root = Org.objects.get(depth=1)
    assert rollups.counts_of(root) == rollups.recount(root)
    assert set(RoleAssignment.objects.values_list("role__code", flat=True)) == {
        "quan-tri",
        "van-thu",
        "chuyen-vien",
        "lanh-dao",
        "ban-to-chuc",
        "uy-ban-kiem-tra",
        "bi-thu-chi-bo",
        "dang-vien",
    }
    assert User.objects.get(username="bithu").check_password("dangvu-demo-2026")
    # Who decides: the demo secretary's proposal waits for the commune's board, not for the secretary.
    from dangvu.members.worklists import proposals_to_decide

    assert proposals_to_decide(User.objects.get(username="bantochuc.xa")).count() == 1
    assert proposals_to_decide(User.objects.get(username="bithu")).count() == 0
    # The demo member's account opens their own file ("Hồ sơ của tôi").
    own = Member.objects.get(user__username="dangvien")
    assert (own.full_name, own.sex, own.status) == ("Ngô Thị Hạnh", "female", "official")
    # Documents on the demo: each clerk sees their own register, the draft waits for the leader.
    from django.test import Client

    from dangvu.documents.models import Document

    clerk = User.objects.get(username="vanthu.xa")
    theirs = Document.objects.visible_to(clerk)
    assert theirs.filter(number_text="312-CV/TU", sender_org__depth=1).exists()
    assert not theirs.filter(number_text="45-HD/VPTW").exists()
    client = Client()
    client.force_login(clerk)
    assert "V/v báo cáo kết quả thực hiện chuyển đổi số" in client.get("/documents/").content.decode()
    draft = Document.objects.get(subject__contains="đẩy mạnh chuyển đổi số")
    assert draft.status == "draft"
    numbers = [n for n in Member.objects.values_list("cccd", flat=True) if n]
    assert len(numbers) == len(set(numbers)) == 497  # three planted duplicate files have no CCCD
    assert verify_chain().ok
    with pytest.raises(CommandError, match="đã có đơn vị"):
        call_command("seed_demo", "--members", "10")
    call_command("seed_demo", "--if-empty")
    assert Member.objects.count() == 500


@pytest.mark.django_db
def test_same_seed_gives_the_same_members():
    seed(members=50, seed=9, national=False)
    first = list(Member.objects.order_by("pk").values_list("full_name", "birth_date", "cccd", "status"))
    Member.objects.all().delete()
    OrgMemberCount.objects.all().delete()
    Org.objects.all().delete()
    seed(members=50, seed=9, national=False)
    assert (
        list(Member.objects.order_by("pk").values_list("full_name", "birth_date", "cccd", "status")) == first
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY bulk path is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_copy_path_restores_constraints_and_indexes():
    result, _ids, _plan = seed(members=3000, seed=4, national=False, use_copy=True)
    assert result.members == Member.objects.count() == 3000
    # The name tokens, written after the load (one range of members per core), are every member's words.
    from dangvu.members.models import MemberNameToken

    expected = {
        (pk, word[:60])
        for pk, text in Member.objects.values_list("pk", "search_text")
        for word in text.split()
    }
    assert set(MemberNameToken.objects.values_list("member_id", "word")) == expected
    assert MemberNameToken.objects.count() == len(expected)
    root = Org.objects.get(depth=1)
    assert rollups.counts_of(root)["total"] == 3000
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'members_member'")
        names = {row[0] for row in cursor.fetchall()}
    assert "members_member_search_trgm" in names
    # The units were inserted without their indexes, which are back, the unique ones as constraints.
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'orgs_org'")
        org_indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'orgs_org'::regclass AND contype = 'u'"
        )
        org_uniques = {row[0] for row in cursor.fetchall()}
    assert {"orgs_org_search_trgm", "orgs_org_path_words", "org_sort_name_id_idx"} <= org_indexes
    assert {"orgs_org_path_key", "orgs_org_code_key"} <= org_uniques
    assert "member_org_status_idx" in names
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, contype, convalidated FROM pg_constraint"
            " WHERE conrelid = 'members_member'::regclass AND contype IN ('u', 'f')"
        )
        constraints = {name: (kind, valid) for name, kind, valid in cursor.fetchall()}
    # Unique constraints are back as constraints (built as indexes, then attached), keys checked.
    assert constraints["member_cccd_unique"] == ("u", True)
    assert constraints["member_file_number_unique"] == ("u", True)
    assert sum(1 for kind, valid in constraints.values() if kind == "f" and valid) == 4
    duplicate = Member.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(full_name="X", sex="male", org_id=duplicate.org_id, cccd=duplicate.cccd)
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(full_name="X", sex="male", org_id=999_999_999)


def test_copy_lines_hold_the_same_members_as_orm_rows():
    from dangvu.demo.generator import MEMBER_COLUMNS, MemberFactory

    by_orm, by_copy = MemberFactory(4), MemberFactory(4)
    for factory in (by_orm, by_copy):
        factory.set_references([1, 2, 3], [7, 8])
        factory.start_chunk(2)
    for _ in range(200):
        row = by_orm.row(11, 37)
        line = by_copy.copy_line(11, 37).rstrip("\n").split("\t")
        expected = [
            "\\N"
            if row[column] is None
            else row[column].isoformat()
            if hasattr(row[column], "isoformat")
            else str(row[column])
            for column in MEMBER_COLUMNS
        ]
        assert line == expected
