"""Records that belong to several units and to people: ``visible_to`` ORs the declared relations in
SQL, ``can`` answers from the same declaration, writes name their unit, exact-unit roles see exactly
their unit, and the unit directory is open to every signed-in user (names and paths only)."""

import ast
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dangvu.accounts.querysets import can
from dangvu.audit.models import AuditEntry
from dangvu.members import lifecycle
from dangvu.members.models import Member, Transfer
from dangvu.members.services import member_create
from dangvu.orgs.models import Org
from dangvu.orgs.services import org_create
from tests.conftest import grant, make_user, org_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def transfer(tree, people):
    """Đức, of chi bộ A1, is on his way to chi bộ B1 (another commune)."""
    duc = member_create(
        actor=people.admin, org=tree.a1, full_name="Trần Văn Đức", sex="male", birth_date=date(1980, 1, 2)
    )
    return lifecycle.member_transfer_out(
        actor=people.admin, member=duc, kind="official", to_org=tree.b1, issued_on=date(2026, 11, 20)
    )


def test_a_transfer_belongs_to_both_units_and_its_member(people, transfer):
    # Sending side (A1's secretary) and receiving side (XB's board) both see it; the clerk of XA sees
    # no member data at all; a person with no role sees it once it is about them.
    assert list(Transfer.objects.visible_to(people.secretary)) == [transfer]
    assert list(Transfer.objects.visible_to(people.outsider)) == [transfer]
    assert list(Transfer.objects.visible_to(people.clerk)) == []
    assert list(Transfer.objects.visible_to(people.nobody)) == []
    member = transfer.member
    member.user = people.nobody
    member.save(update_fields=["user"])
    people.nobody.refresh_from_db()
    assert list(Transfer.objects.visible_to(people.nobody)) == [transfer]
    for persona in ("secretary", "outsider", "clerk", "nobody", "province"):
        user = getattr(people, persona)
        assert (
            can(user, "members.view", transfer)
            == Transfer.objects.visible_to(user).filter(pk=transfer.pk).exists()
        )
    assert not can(people.nobody, "members.manage", transfer)  # their own record, read-only


def test_a_member_sees_their_own_file_read_only(people, tree):
    me = make_user("dangvien")
    member = member_create(actor=people.admin, org=tree.a2, full_name="Đỗ Thị Lan", sex="female")
    Member.objects.filter(pk=member.pk).update(user=me)
    assert list(Member.objects.visible_to(me).values_list("full_name", flat=True)) == ["Đỗ Thị Lan"]
    assert list(Member.objects.visible_to(me, "members.manage")) == []
    client = Client()
    client.force_login(me)
    assert client.get(f"/members/{member.pk}/").status_code == 200
    assert client.get(f"/members/{member.pk}/edit/").status_code == 403
    assert client.get("/api/v1/members").json()["results"][0]["full_name"] == "Đỗ Thị Lan"


def test_visible_to_is_one_query_however_many_relations(people, transfer):
    with CaptureQueriesContext(connection) as queries:
        rows = list(Transfer.objects.visible_to(people.secretary).select_related("member"))
    assert len(rows) == 1
    # One query for the role assignments (cached on the user), one for the rows.
    assert len(queries) <= 2
    sql = queries[-1]["sql"].upper()
    assert " OR " in sql


def test_a_write_names_its_unit_a_commune_board_cannot_create_a_root_unit(people):
    before = (Org.objects.count(), AuditEntry.objects.count())
    with pytest.raises(PermissionDenied):
        org_create(actor=people.outsider, name="Đảng bộ mới", code="NEW", org_type=org_type("dang-bo-tinh"))
    assert (Org.objects.count(), AuditEntry.objects.count()) == before
    root = org_create(actor=people.admin, name="Đảng bộ mới", code="NEW", org_type=org_type("dang-bo-tinh"))
    assert root.depth == 1


def _anywhere_checks(path: Path) -> list[int]:
    """Lines of ``path`` that ask a permission without a unit: ``has_perm(user, perm)`` with no unit
    or ``require_perm_somewhere``."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name == "require_perm_somewhere" or (
            name == "has_perm" and len(node.args) + len(node.keywords) < 3
        ):
            lines.append(node.lineno)
    return lines


def test_anywhere_checks_serve_pages_and_menus_only():
    """Services, selectors, rules and workflows name the unit they act in; only what decides whether
    to show a page, a menu entry or a button (views, the API's page gates, the shell) asks "anywhere"."""
    root = Path(__file__).resolve().parents[2] / "dangvu"
    shown = {"nav.py", "shell.py", "context_processors.py", "permissions.py"}
    offending = [
        f"{path.relative_to(root)}:{line}"
        for path in root.rglob("*.py")
        if "migrations" not in path.parts
        and "templatetags" not in path.parts
        and path.name not in shown
        and not path.name.endswith("views.py")
        and not path.name.startswith("api")
        for line in _anywhere_checks(path)
    ]
    assert offending == []


@pytest.fixture
def exact_board(tree):
    """A Ban Tổ chức role held at Đảng ủy xã A alone (without its chi bộ)."""
    user = make_user("exactxa")
    grant(user, "ban-to-chuc", tree.xa, include_subtree=False)
    grant(user, "chuyen-vien", tree.xa, include_subtree=False)
    return user


def test_an_exact_unit_role_sees_exactly_that_unit(tree, people, exact_board):
    member_create(actor=people.admin, org=tree.a1, full_name="Trần Văn Đức", sex="male")
    client = Client()
    client.force_login(exact_board)
    page = client.get(tree.xa.get_absolute_url()).content.decode()
    assert "Chi bộ thôn 1" not in page  # no children's names
    assert client.get(f"/orgs/{tree.xa.pk}/children/").content.decode().count("Chi bộ thôn") == 0
    detail = client.get(f"/api/v1/orgs/{tree.xa.pk}").json()
    assert (detail["children"], detail["child_count"]) == ([], 0)
    listed = client.get("/api/v1/orgs").json()["results"]
    assert [(o["code"], o["child_count"]) for o in listed] == [("XA", 0)]
    stats = client.get(f"/api/v1/orgs/{tree.xa.pk}/member-stats").json()
    assert stats["total"] == 0  # A1's member is below the unit: not theirs to count
    assert stats["by_status"]["total"] == 0
    panel = client.get("/members/stats/charts/", {"org": "XA"}).content.decode()
    assert "<strong>0</strong>" in panel
    client.force_login(people.province)
    assert client.get(f"/api/v1/orgs/{tree.xa.pk}/member-stats").json()["total"] == 1


def test_the_unit_directory_is_open_to_everyone_names_and_paths_only(tree, people):
    org_create(
        actor=people.admin,
        name="Chi bộ Công an",
        code="CA-XA",
        org_type=org_type("chi-bo-co-so"),
        parent=Org.objects.get(pk=tree.xa.pk),
    )
    org_create(
        actor=people.admin,
        name="Chi bộ Công an",
        code="CA-XB",
        org_type=org_type("chi-bo-co-so"),
        parent=Org.objects.get(pk=tree.xb.pk),
    )
    client = Client()
    client.force_login(people.nobody)
    found = client.get("/api/v1/orgs/directory", {"q": "chi bo cong an"}).json()
    assert sorted(unit["path"] for unit in found) == [
        "Chi bộ Công an — Đảng ủy phường Đông Tiến — Đảng bộ tỉnh Ninh Bình",
        "Chi bộ Công an — Đảng ủy xã An Phú — Đảng bộ tỉnh Ninh Bình",
    ]
    assert set(found[0]) == {"id", "code", "name", "type", "path", "status", "accepts_members"}
    assert Client().get("/api/v1/orgs/directory", {"q": "cong an"}).status_code == 401


def test_a_picker_lists_only_the_units_where_the_verb_is_allowed(tree, people):
    client = Client()
    client.force_login(people.clerk)  # văn thư at XA: may see, may not manage members
    assert client.get("/api/v1/orgs/picker", {"perm": "members.manage"}).json() == []
    client.force_login(people.province)
    codes = [
        u["code"]
        for u in client.get(
            "/api/v1/orgs/picker", {"perm": "members.manage", "accepts_members": "true"}
        ).json()
    ]
    assert sorted(codes) == ["A1", "A2", "B1"]
    client.force_login(people.secretary)
    assert [u["code"] for u in client.get("/api/v1/orgs/picker", {"perm": "members.manage"}).json()] == ["A1"]
