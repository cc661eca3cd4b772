from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangvu.audit.models import AuditEntry
from dangvu.members import rollups
from dangvu.members.enums import MemberStatus
from dangvu.members.models import Member
from dangvu.members.services import member_create, member_move, member_set_status
from dangvu.orgs.enums import OrgStatus
from dangvu.orgs.models import Org, OrgEvent, OrgSuccession
from dangvu.orgs.services import (
    org_create,
    org_dissolve,
    org_merge,
    org_move,
    org_rename,
    org_split,
    predecessors,
    term_add,
)
from tests.conftest import org_type

pytestmark = pytest.mark.django_db
D = date(2026, 1, 15)


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


def add_members(actor, org, n, status=MemberStatus.OFFICIAL):
    return [
        member_create(
            actor=actor, full_name=f"Nguyễn Văn Thành {org.code}{i}", sex="male", org=org, status=status
        )
        for i in range(n)
    ]


def counts(org):
    return rollups.counts_of(org)


def assert_rollups_exact():
    for org in Org.objects.all():
        assert counts(org) == rollups.recount(org), org.code


def test_subtree_queries_follow_the_tree(tree):
    assert codes(Org.objects.subtree_of(tree.root)) == ["A1", "A2", "B1", "TU", "XA", "XB"]
    assert codes(Org.objects.subtree_of(tree.xa)) == ["A1", "A2", "XA"]
    assert codes(Org.objects.subtree_of(tree.xa, include_self=False)) == ["A1", "A2"]
    assert [o.code for o in Org.objects.get_ancestors(Org.objects.get(pk=tree.a1.pk))] == ["TU", "XA"]


def test_create_refuses_duplicate_code_and_ended_parent(tree, admin_user):
    with pytest.raises(ValidationError) as error:
        org_create(
            actor=admin_user, name="Trùng mã", code="A1", org_type=org_type("chi-bo-co-so"), parent=tree.xa
        )
    assert "đã được dùng" in str(error.value)
    org_dissolve(actor=admin_user, org=tree.a2, effective_on=D, decision="01-QĐ/ĐU")
    with pytest.raises(ValidationError):
        org_create(
            actor=admin_user,
            name="Tổ đảng",
            code="T1",
            org_type=org_type("to-dang"),
            parent=Org.objects.get(pk=tree.a2.pk),
        )
    assert not Org.objects.filter(code="T1").exists()


def test_move_takes_the_subtree_and_its_member_counts(tree, admin_user):
    add_members(admin_user, tree.a1, 3)
    add_members(admin_user, tree.b1, 2, MemberStatus.PROBATIONARY)
    assert counts(tree.xa)["total"] == 3
    assert counts(tree.root)["total"] == 5

    org_move(actor=admin_user, org=tree.xb, new_parent=tree.xa, effective_on=D, decision="05-QĐ/TU")

    t = tree.fresh()
    assert codes(Org.objects.subtree_of(t.xa)) == ["A1", "A2", "B1", "XA", "XB"]
    assert t.b1.path.startswith(t.xa.path)
    assert counts(t.xa) == {"probationary": 2, "official": 3, "exempt": 0, "transferring": 0, "total": 5}
    assert counts(t.root)["total"] == 5
    assert OrgEvent.objects.filter(org=t.xb, kind="moved").count() == 1
    assert AuditEntry.objects.filter(event="orgs.move", object_id=str(t.xb.pk)).count() == 1
    assert_rollups_exact()


def test_move_into_own_subtree_is_refused_and_changes_nothing(tree, admin_user):
    before = list(Org.objects.values_list("pk", "path"))
    with pytest.raises(ValidationError):
        org_move(actor=admin_user, org=tree.xa, new_parent=tree.a1, effective_on=D)
    assert list(Org.objects.values_list("pk", "path")) == before


def test_rename_keeps_name_history(tree, admin_user):
    org_rename(actor=admin_user, org=tree.xa, name="Đảng ủy phường An Phú", abbreviation="ĐU", effective_on=D)
    org = Org.objects.get(pk=tree.xa.pk)
    assert org.name == "Đảng ủy phường An Phú"
    history = list(org.name_versions.order_by("pk").values_list("name", "valid_to"))
    assert history == [("Đảng ủy xã An Phú", D), ("Đảng ủy phường An Phú", None)]
    assert set(Org.objects.search("phuong an phu").values_list("code", flat=True)) == {"XA"}
    entry = AuditEntry.objects.get(event="orgs.rename")
    assert entry.changes["name"] == ["Đảng ủy xã An Phú", "Đảng ủy phường An Phú"]


def test_merge_moves_children_and_members_and_keeps_the_old_unit_findable(tree, admin_user):
    old_members = add_members(admin_user, tree.b1, 2)
    add_members(admin_user, tree.a1, 1)
    org_merge(actor=admin_user, sources=[tree.xb], target=tree.xa, effective_on=D, decision="12-QĐ/TU")

    t = tree.fresh()
    assert t.xb.status == OrgStatus.MERGED
    assert t.xb.ended_on == D
    assert t.b1.path.startswith(t.xa.path)
    assert counts(t.xa)["total"] == 3
    assert counts(t.xb)["total"] == 0
    assert counts(t.root)["total"] == 3
    assert [p.code for p in predecessors(t.xa)] == ["XB"]
    assert OrgSuccession.objects.filter(predecessor=t.xb, successor=t.xa).exists()
    assert all(Member.objects.get(pk=m.pk).org_id == t.b1.pk for m in old_members)
    assert_rollups_exact()


def test_merge_moves_direct_members_of_the_source(tree, admin_user):
    add_members(admin_user, tree.a2, 2)
    org_merge(actor=admin_user, sources=[tree.a2], target=tree.a1, effective_on=D)
    t = tree.fresh()
    assert Member.objects.filter(org=t.a1).count() == 2
    assert Member.objects.filter(org=t.a2).count() == 0
    assert counts(t.a1)["total"] == 2
    assert counts(t.xa)["total"] == 2
    assert_rollups_exact()


def test_split_creates_units_and_distributes_members(tree, admin_user):
    members = add_members(admin_user, tree.a1, 3)
    new = org_split(
        actor=admin_user,
        source=tree.a1,
        effective_on=D,
        decision="20-QĐ/ĐU",
        parts=[
            {"name": "Chi bộ thôn 1A", "code": "A1A", "members": [members[0].pk]},
            {"name": "Chi bộ thôn 1B", "code": "A1B", "members": [members[1].pk, members[2].pk]},
        ],
    )
    t = tree.fresh()
    assert t.a1.status == OrgStatus.SPLIT
    assert [o.code for o in new] == ["A1A", "A1B"]
    assert all(o.path.startswith(t.xa.path) and o.depth == t.a1.depth for o in new)
    assert Member.objects.filter(org=new[0]).count() == 1
    assert Member.objects.filter(org=new[1]).count() == 2
    assert sorted(p.code for p in predecessors(new[1])) == ["A1"]
    assert counts(t.xa)["total"] == 3
    assert_rollups_exact()


def test_dissolve_requires_an_empty_unit(tree, admin_user):
    add_members(admin_user, tree.a2, 1)
    with pytest.raises(ValidationError, match="còn 1 đảng viên đang sinh hoạt"):
        org_dissolve(actor=admin_user, org=tree.a2, effective_on=D)
    with pytest.raises(ValidationError, match="trực thuộc"):
        org_dissolve(actor=admin_user, org=tree.xb, effective_on=D)
    assert Org.objects.get(pk=tree.a2.pk).status == OrgStatus.ACTIVE


def test_terms_have_ordered_dates(tree, admin_user):
    term_add(
        actor=admin_user,
        org=tree.root,
        name="2020–2025",
        starts_on=date(2020, 10, 1),
        ends_on=date(2025, 9, 30),
    )
    with pytest.raises(ValidationError):
        term_add(
            actor=admin_user, org=tree.root, name="sai", starts_on=date(2025, 10, 1), ends_on=date(2025, 9, 1)
        )
    assert tree.root.terms.count() == 1


def test_structural_changes_need_orgs_manage_in_both_places(tree, people):
    before = list(Org.objects.values_list("pk", "path", "status", "name"))
    # The outsider manages XB only: may not move XB under XA (no right at the destination).
    with pytest.raises(PermissionDenied):
        org_move(actor=people.outsider, org=tree.b1, new_parent=tree.xa, effective_on=D)
    with pytest.raises(PermissionDenied):
        org_rename(actor=people.clerk, org=tree.a1, name="X", effective_on=D)
    with pytest.raises(PermissionDenied):
        org_merge(actor=people.outsider, sources=[tree.xb], target=tree.xa, effective_on=D)
    assert list(Org.objects.values_list("pk", "path", "status", "name")) == before


def test_member_moves_and_status_changes_keep_rollups_exact(tree, admin_user):
    members = add_members(admin_user, tree.a1, 4) + add_members(
        admin_user, tree.b1, 2, MemberStatus.PROBATIONARY
    )
    member_move(actor=admin_user, member=members[0], to_org=tree.b1)
    member_set_status(actor=admin_user, member=members[1], status=MemberStatus.DECEASED)
    member_set_status(actor=admin_user, member=members[4], status=MemberStatus.OFFICIAL)
    t = tree.fresh()
    assert counts(t.xa) == {"probationary": 0, "official": 2, "exempt": 0, "transferring": 0, "total": 2}
    assert counts(t.xb) == {"probationary": 1, "official": 2, "exempt": 0, "transferring": 0, "total": 3}
    assert counts(t.root)["total"] == 5
    assert_rollups_exact()
    rollups.rebuild()
    assert counts(t.root)["total"] == 5
