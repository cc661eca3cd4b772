"""A user's role grants are kept in the shared cache between requests; every change of them takes
effect on the user's next request (dangvu.accounts.permissions._assignments).

Transactional tests: the changes commit as in production (the cache is filled outside a transaction
that changed grants, and the version is bumped again when it commits)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangvu.accounts.models import Role, RoleAssignment, User
from dangvu.accounts.permissions import has_perm
from dangvu.accounts.services import role_assign, role_revoke, role_set_permissions
from dangvu.members.services import member_create
from dangvu.orgs.services import org_move
from tests.conftest import grant, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def member(people, tree):
    return member_create(
        actor=people.admin, org=tree.a1, full_name="Trần Văn Đức", sex="male", birth_date=date(1980, 1, 2)
    )


def _grant_queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        status = client.get(path).status_code
    return status, [q["sql"] for q in captured.captured_queries if "accounts_roleassignment" in q["sql"]]


def test_the_grants_are_read_once_then_served_from_the_cache(client, people, member):
    client.force_login(people.secretary)
    status, first = _grant_queries(client, f"/members/{member.pk}/")
    assert status == 200
    assert len(first) == 1
    status, second = _grant_queries(client, f"/members/{member.pk}/")
    assert status == 200
    assert second == []


def test_a_revoked_role_takes_effect_on_the_next_request(client, people, member):
    client.force_login(people.secretary)
    assert client.get(f"/members/{member.pk}/").status_code == 200
    assert client.get(f"/members/{member.pk}/").status_code == 200  # now from the cache

    assignment = RoleAssignment.objects.get(user=people.secretary)
    role_revoke(actor=people.admin, assignment=assignment)

    assert client.get(f"/members/{member.pk}/").status_code == 404
    assert member.full_name not in client.get("/members/").content.decode()


def test_a_new_role_takes_effect_on_the_next_request(client, people, member, tree):
    client.force_login(people.nobody)
    assert client.get(f"/members/{member.pk}/").status_code == 404

    role_assign(
        actor=people.admin, user=people.nobody, role=Role.objects.get(code="ban-to-chuc"), org=tree.xa
    )

    assert client.get(f"/members/{member.pk}/").status_code == 200


def test_a_role_losing_a_permission_takes_effect_on_the_next_request(client, people, member):
    client.force_login(people.secretary)
    assert client.get(f"/members/{member.pk}/").status_code == 200

    role = Role.objects.get(code="bi-thu-chi-bo")
    role_set_permissions(
        actor=people.admin, role=role, permissions=[p for p in role.permissions if p != "members.view_file"]
    )

    assert client.get(f"/members/{member.pk}/").status_code == 403


def test_an_assignment_ended_by_a_bulk_update_takes_effect_on_the_next_request(client, people, member):
    client.force_login(people.secretary)
    assert client.get(f"/members/{member.pk}/").status_code == 200

    RoleAssignment.objects.filter(user=people.secretary).update(valid_to=date(2020, 1, 1))

    assert client.get(f"/members/{member.pk}/").status_code == 404


def test_grants_read_in_a_transaction_that_changed_them_do_not_outlive_its_rollback(client, people, member):
    secretary = people.secretary
    client.force_login(secretary)
    assert client.get(f"/members/{member.pk}/").status_code == 200

    class Undo(Exception):
        pass

    def revoke_then_undo() -> None:
        with transaction.atomic():
            RoleAssignment.objects.filter(user=secretary).update(revoked_at=timezone.now())
            fresh = User.objects.get(pk=secretary.pk)
            assert not has_perm(fresh, "members.view_file")  # the transaction sees its own change
            raise Undo

    with pytest.raises(Undo):
        revoke_then_undo()

    assert client.get(f"/members/{member.pk}/").status_code == 200  # the rollback undid it


def test_a_moved_unit_keeps_its_roles_on_the_next_request(client, people, member, tree):
    """The cached grants hold the units' tree paths: a move changes them."""
    watcher = make_user("watcher")
    grant(watcher, "ban-to-chuc", tree.a1)
    client.force_login(watcher)
    assert client.get(f"/members/{member.pk}/").status_code == 200

    org_move(
        actor=people.admin, org=tree.fresh().a1, new_parent=tree.fresh().xb, effective_on=date(2026, 1, 2)
    )

    assert client.get(f"/members/{member.pk}/").status_code == 200
