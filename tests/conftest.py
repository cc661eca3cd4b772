"""Shared fixtures: a small party tree and the personas of the permission tests.

Tree (codes):            Personas:
  TU  Tỉnh ủy              admin       superuser
  ├─ XA  Đảng ủy xã A      province    Ban Tổ chức at TU (whole tree)
  │  ├─ A1 Chi bộ A1       clerk       Văn thư at XA (XA, A1, A2)
  │  └─ A2 Chi bộ A2       secretary   Bí thư chi bộ at A1 only
  └─ XB  Đảng ủy xã B      outsider    Ban Tổ chức at XB (XB, B1)
     └─ B1 Chi bộ B1       nobody      no role
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dangvu.accounts.models import Role, RoleAssignment, User
from dangvu.orgs.models import Org, OrgType
from dangvu.orgs.services import org_create


@dataclass
class Tree:
    root: Org
    xa: Org
    a1: Org
    a2: Org
    xb: Org
    b1: Org

    def fresh(self) -> Tree:
        return Tree(
            *(Org.objects.get(pk=o.pk) for o in (self.root, self.xa, self.a1, self.a2, self.xb, self.b1))
        )


def make_user(username: str, *, superuser: bool = False, password: str = "mat-khau-rat-manh-2026") -> User:
    return User.objects.create_user(
        username=username,
        password=password,
        full_name=username.title(),
        email=f"{username}@example.vn",
        is_superuser=superuser,
        is_staff=superuser,
    )


def grant(user: User, role_code: str, org: Org, include_subtree: bool = True) -> RoleAssignment:
    return RoleAssignment.objects.create(
        user=user,
        role=Role.objects.get(code=role_code),
        org=org,
        include_subtree=include_subtree,
        valid_from=date(2020, 1, 1),
    )


def org_type(code: str) -> OrgType:
    return OrgType.objects.get(code=code)


# Every test runs on the same day, whatever the calendar says: deadlines, ages, "overdue" and query
# plans that depend on today's date give the same answer in every run. The clock ticks from there.
TODAY = datetime(2026, 12, 1, 8, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(autouse=True)
def _frozen_today() -> Any:
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request: pytest.FixtureRequest) -> None:
    """A transactional test flushes every table, the data migrations' rows included (unit types, roles,
    rules, document types): load them again, whatever test ran before (tests/reference.py)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from tests.reference import reload_reference_data

    reload_reference_data()


@pytest.fixture(autouse=True)
def _fresh_caches() -> Any:
    """Each test starts with empty caches (the database is rolled back between tests; caches are not)."""
    from django.core.cache import cache

    from dangvu.members.models.reference import all_rules
    from dangvu.workcalendar.calendar import _exceptions_cached, _pinned_years

    cache.clear()
    _exceptions_cached.cache_clear()
    _pinned_years.cache_clear()
    all_rules.cache_clear()
    return


@pytest.fixture
def admin_user(db: Any) -> User:
    return make_user("admin", superuser=True)


@pytest.fixture
def tree(admin_user: User) -> Tree:
    root = org_create(
        actor=admin_user, name="Đảng bộ tỉnh Ninh Bình", code="TU", org_type=org_type("dang-bo-tinh")
    )
    xa = org_create(
        actor=admin_user, name="Đảng ủy xã An Phú", code="XA", org_type=org_type("dang-bo-xa"), parent=root
    )
    root.refresh_from_db()
    xb = org_create(
        actor=admin_user,
        name="Đảng ủy phường Đông Tiến",
        code="XB",
        org_type=org_type("dang-bo-xa"),
        parent=root,
    )
    xa.refresh_from_db()
    a1 = org_create(
        actor=admin_user, name="Chi bộ thôn 1", code="A1", org_type=org_type("chi-bo-co-so"), parent=xa
    )
    xa.refresh_from_db()
    a2 = org_create(
        actor=admin_user, name="Chi bộ thôn 2", code="A2", org_type=org_type("chi-bo-co-so"), parent=xa
    )
    xb.refresh_from_db()
    b1 = org_create(
        actor=admin_user, name="Chi bộ khu phố 1", code="B1", org_type=org_type("chi-bo-co-so"), parent=xb
    )
    return Tree(root, xa, a1, a2, xb, b1).fresh()


@dataclass
class Personas:
    admin: User
    province: User
    clerk: User
    secretary: User
    outsider: User
    nobody: User


@pytest.fixture
def people(tree: Tree, admin_user: User) -> Personas:
    province, clerk, secretary, outsider, nobody = (
        make_user(name) for name in ("province", "clerk", "secretary", "outsider", "nobody")
    )
    grant(province, "ban-to-chuc", tree.root)
    grant(clerk, "van-thu", tree.xa)
    grant(secretary, "bi-thu-chi-bo", tree.a1)
    grant(outsider, "ban-to-chuc", tree.xb)
    return Personas(admin_user, province, clerk, secretary, outsider, nobody)


BROWSER_TIMEOUT = 300  # seconds: the longest browser journey takes about a minute unloaded


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """A browser test that hangs (Chromium or its driver stops answering) fails after a few minutes
    instead of holding the whole run until the 20-minute timeout of pyproject.toml."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(BROWSER_TIMEOUT))
