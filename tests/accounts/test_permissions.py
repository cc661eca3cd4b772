"""The permission matrix: roles × units × actions, one mechanism for lists and point checks."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dangvu.accounts.models import RoleAssignment
from dangvu.accounts.permissions import has_perm, require_perm, scope_for
from dangvu.accounts.services import role_assign, role_revoke
from dangvu.members.models import Member
from dangvu.members.services import member_create
from dangvu.orgs.models import Org
from tests.conftest import grant, make_user

pytestmark = pytest.mark.django_db

UNITS = ["TU", "XA", "A1", "A2", "XB", "B1"]

# Which units each persona sees (orgs.view) — the list half of the mechanism.
VISIBLE = {
    "admin": set(UNITS),
    "province": set(UNITS),
    "clerk": {"XA", "A1", "A2"},
    "secretary": {"A1"},
    "outsider": {"XB", "B1"},
    "nobody": set(),
}

# Where each persona may act, per permission — the point-check half.
MATRIX = {
    ("province", "orgs.manage"): set(UNITS),
    ("province", "members.manage"): set(UNITS),
    ("clerk", "orgs.manage"): set(),
    ("clerk", "members.view"): set(),
    ("secretary", "members.manage"): {"A1"},
    ("secretary", "members.view_file"): {"A1"},
    ("secretary", "orgs.manage"): set(),
    ("outsider", "orgs.manage"): {"XB", "B1"},
    ("outsider", "users.manage"): set(),
    ("nobody", "orgs.view"): set(),
    ("admin", "users.manage"): set(UNITS),
}


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_list_scoping_matches_point_checks(people, persona):
    user = getattr(people, persona)
    visible = set(Org.objects.visible_to(user).values_list("code", flat=True))
    assert visible == VISIBLE[persona]
    for org in Org.objects.all():
        assert has_perm(user, "orgs.view", org) == (org.code in visible)


@pytest.mark.parametrize(("persona", "perm"), sorted(MATRIX))
def test_permission_matrix(people, persona, perm):
    user = getattr(people, persona)
    allowed = {org.code for org in Org.objects.all() if has_perm(user, perm, org)}
    assert allowed == MATRIX[(persona, perm)]
    assert set(Org.objects.visible_to(user, perm).values_list("code", flat=True)) == MATRIX[(persona, perm)]


def test_denied_member_creation_writes_nothing(tree, people):
    before_members, before_audit = Member.objects.count(), _audit_count()
    with pytest.raises(PermissionDenied):
        member_create(actor=people.secretary, full_name="Lê Văn Tám", sex="male", org=tree.a2)
    with pytest.raises(PermissionDenied):
        member_create(actor=people.outsider, full_name="Lê Văn Tám", sex="male", org=tree.a1)
    assert (Member.objects.count(), _audit_count()) == (before_members, before_audit)
    member_create(actor=people.secretary, full_name="Lê Văn Tám", sex="male", org=tree.a1)
    assert Member.objects.count() == before_members + 1


def _audit_count():
    from dangvu.audit.models import AuditEntry

    return AuditEntry.objects.count()


def test_subtree_flag_limits_scope_to_the_unit_itself(tree):
    user = make_user("exact")
    grant(user, "ban-to-chuc", tree.xa, include_subtree=False)
    assert set(Org.objects.visible_to(user).values_list("code", flat=True)) == {"XA"}
    assert has_perm(user, "orgs.manage", tree.xa)
    assert not has_perm(user, "orgs.manage", tree.a1)


def test_expired_and_future_assignments_give_nothing(tree):
    user = make_user("temp")
    today = timezone.localdate()
    RoleAssignment.objects.create(
        user=user,
        role_id=grant(make_user("x"), "ban-to-chuc", tree.xa).role_id,
        org=tree.xa,
        valid_from=today - timedelta(days=30),
        valid_to=today - timedelta(days=1),
    )
    RoleAssignment.objects.create(
        user=user,
        role_id=RoleAssignment.objects.first().role_id,
        org=tree.xb,
        valid_from=today + timedelta(days=1),
    )
    assert scope_for(user, "orgs.view").empty
    assert not Org.objects.visible_to(user).exists()


def test_inactive_user_has_no_permissions(people, tree):
    people.province.is_active = False
    people.province.save()
    assert not has_perm(people.province, "orgs.view", tree.root)
    assert not Org.objects.visible_to(people.province).exists()


def test_role_assign_and_revoke_are_audited_and_take_effect(tree, people):
    from dangvu.accounts.models import Role
    from dangvu.audit.models import AuditEntry

    user = make_user("newcomer")
    assert not has_perm(user, "orgs.view", tree.a2)
    with pytest.raises(PermissionDenied):
        role_assign(actor=people.clerk, user=user, role=Role.objects.get(code="van-thu"), org=tree.a2)
    assignment = role_assign(
        actor=people.admin, user=user, role=Role.objects.get(code="van-thu"), org=tree.a2
    )
    assert has_perm(user, "orgs.view", tree.a2)
    role_revoke(actor=people.admin, assignment=assignment)
    # Permissions are cached per user object (one request); the next request loads the user afresh.
    user = type(user).objects.get(pk=user.pk)
    assert not has_perm(user, "orgs.view", tree.a2)
    assert list(
        AuditEntry.objects.filter(object_type="accounts.roleassignment")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["create", "update"]


def test_require_perm_message_is_vietnamese(people, tree):
    with pytest.raises(PermissionDenied, match="Bạn không có quyền"):
        require_perm(people.nobody, "orgs.manage", tree.root)
