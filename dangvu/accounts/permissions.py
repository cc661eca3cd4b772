"""The one permission mechanism: roles give permissions in a unit subtree.

Two halves, one source of truth (the user's active ``RoleAssignment`` rows):

* list scoping — ``scope_q(user, perm, ...)`` is the filter every ``visible_to(user)`` applies;
* point checks — ``has_perm(user, perm, org)`` / ``require_perm`` for "may this user do X here?".

A unit is inside a scope when its tree path starts with the path of a unit the user holds the
permission in (with ``include_subtree``), or is exactly such a unit (without it). Superusers hold
every permission everywhere. Modules declare their permission codes in their description
(``dangvu.core.modules.Permission``); roles (data) list codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from dangvu.core.modules import permissions as declared_permissions

if TYPE_CHECKING:
    from dangvu.orgs.models import Org


def permission_labels() -> dict[str, str]:
    """Every permission code the installed modules declare, with its label (in the active language)."""
    return {code: str(permission.label) for code, permission in declared_permissions().items()}


@dataclass(frozen=True)
class Scope:
    """Where a user holds one permission."""

    everywhere: bool = False
    subtree_paths: tuple[str, ...] = ()
    exact_org_ids: tuple[int, ...] = ()
    org_ids: tuple[int, ...] = field(default=(), compare=False)

    @property
    def empty(self) -> bool:
        return not (self.everywhere or self.subtree_paths or self.exact_org_ids)

    def contains(self, org: Org) -> bool:
        if self.everywhere:
            return True
        return org.pk in self.exact_org_ids or any(org.path.startswith(p) for p in self.subtree_paths)

    def covers_subtree(self, org: Org) -> bool:
        """Whether the user may see ``org`` and everything under it."""
        return self.covers_path(org.path)

    def covers_path(self, path: str) -> bool:
        """``covers_subtree`` for the unit at ``path``."""
        return self.everywhere or any(path.startswith(p) for p in self.subtree_paths)

    def single_subtree(self) -> str | None:
        """The path of the one subtree this scope is, when it is exactly one (no unit without its
        subtree, not everywhere)."""
        if self.everywhere or self.exact_org_ids:
            return None
        paths = _minimal_paths(self.subtree_paths)
        return paths[0] if len(paths) == 1 else None

    def q(self, path_field: str, id_field: str) -> Q:
        if self.everywhere:
            return Q()
        if self.empty:
            return Q(pk__in=[])
        condition = Q(**{f"{id_field}__in": list(self.exact_org_ids)}) if self.exact_org_ids else Q(pk__in=[])
        for path in _minimal_paths(self.subtree_paths):
            condition |= Q(**{f"{path_field}__startswith": path})
        return condition

    def q_by_id(self, relation: str, through_index: bool = False) -> Q:
        """``q`` on the key of a record's unit (``relation``: a foreign key or many-to-many to units),
        without joining the units: the scope's subtrees become
        one subquery of unit ids, which the planner computes once and probes per row (hashed). A big
        list can then walk the index of its own order and stop after a page, where the join would
        read the whole unit table first."""
        if self.everywhere:
            return Q()
        if self.empty:
            return Q(pk__in=[])
        from dangvu.orgs.models import Org

        condition = Q(**{f"{relation}__in": list(self.exact_org_ids)}) if self.exact_org_ids else Q(pk__in=[])
        paths = _minimal_paths(self.subtree_paths)
        if paths:
            units = Q(path__startswith=paths[0])
            for path in paths[1:]:
                units |= Q(path__startswith=path)
            # ``through_index``: rows are fetched by the relation's index (``InArray``), for the
            # subquery of a to-many relation; a list filtered row by row probes a hashed set instead.
            lookup = f"{relation}__pk__in_array" if through_index else f"{relation}__in"
            condition |= Q(**{lookup: Org.objects.filter(units).values("pk")})
        return condition


def _minimal_paths(paths: tuple[str, ...]) -> list[str]:
    """Drop paths already covered by a shorter one (a unit inside another scoped unit)."""
    result: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return result


# The shared cache's version of every user's grants (``dangvu.core.versions``): bumped by every change of
# a role assignment, of a role's permissions and of a unit's place in the tree (``grants_changed``).
GRANTS_VERSION_KEY = "dangvu:grants:version"
GRANTS_SECONDS = 24 * 3600

Grant = tuple[frozenset[str], str, int, bool]


def _bump_grants_version() -> None:
    from dangvu.core.versions import bump_version

    bump_version(GRANTS_VERSION_KEY)


def grants_changed() -> None:
    """Every process reads the users' role grants from the database again on their next request: at
    once, and again when the caller's transaction commits (a request that read the old rows in between
    must not keep them under the new version)."""
    from django.db import transaction

    _bump_grants_version()
    transaction.on_commit(_bump_grants_version)


def _grants_change_pending() -> bool:
    """Whether this transaction changed grants and has not committed yet: what it reads of them must
    neither come from nor go to the shared cache (a rollback would leave its rows there as current)."""
    from django.db import connection

    return connection.in_atomic_block and any(
        entry[1] is _bump_grants_version for entry in connection.run_on_commit
    )


def _grants_from_database(user: Any) -> list[Grant]:
    from dangvu.accounts.models import RoleAssignment

    rows = (
        RoleAssignment.objects.active()
        .filter(user_id=user.pk)
        .values_list("role__permissions", "org__path", "org_id", "include_subtree")
    )
    return [(frozenset(perms or []), path, org_id, subtree) for perms, path, org_id, subtree in rows]


def _assignments(user: Any) -> list[Grant]:
    """The user's active role grants: remembered on the user object for the request, and in the
    shared cache between requests under the grants version and today's date (assignments start and
    end on dates), so that a page does not ask the database who the user is allowed to be."""
    grants = getattr(user, "_dangvu_assignments", None)
    if grants is None:
        from django.core.cache import cache
        from django.utils import timezone

        from dangvu.core.versions import current_version

        # The account's creation time tells a user from an earlier one with the same key (a test
        # database rolled back, a benchmark database seeded again beside the same cache).
        joined = getattr(user, "date_joined", None)
        key = f"dangvu:grants:{user.pk}:{joined.timestamp() if joined else ''}"
        stamp = (current_version(GRANTS_VERSION_KEY), timezone.localdate().isoformat())
        pending = _grants_change_pending()
        found = None if pending else cache.get(key)
        if found is not None and found[0] == stamp:
            grants = found[1]
        else:
            grants = _grants_from_database(user)
            if not pending:
                cache.set(key, (stamp, grants), timeout=GRANTS_SECONDS)
        user._dangvu_assignments = grants
    return grants


def clear_cache(user: Any) -> None:
    """Forget the cached assignments of this user object (after a role change in the same request)."""
    for attribute in ("_dangvu_assignments", "_dangvu_scopes", "_dangvu_person_keys"):
        if hasattr(user, attribute):
            delattr(user, attribute)


def scope_for(user: Any, perm: str) -> Scope:
    """Where ``user`` holds ``perm``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everywhere=True)
    scopes: dict[str, Scope] = getattr(user, "_dangvu_scopes", None) or {}
    if perm not in scopes:
        subtree: list[str] = []
        exact: list[int] = []
        ids: list[int] = []
        for perms, path, org_id, include_subtree in _assignments(user):
            if perm in perms:
                ids.append(org_id)
                if include_subtree:
                    subtree.append(path)
                else:
                    exact.append(org_id)
        scopes[perm] = Scope(subtree_paths=tuple(subtree), exact_org_ids=tuple(exact), org_ids=tuple(ids))
        user._dangvu_scopes = scopes
    return scopes[perm]


def scope_q(user: Any, perm: str, path_field: str = "org__path", id_field: str = "org_id") -> Q:
    """The filter that keeps rows whose unit lies in the user's scope for ``perm``."""
    return scope_for(user, perm).q(path_field, id_field)


class _WholeTree:
    """``require_perm(user, perm, WHOLE_TREE)``: a write that concerns every unit (a new root unit, the
    national working-day calendar, roles shared by all units)."""

    def __repr__(self) -> str:
        return "WHOLE_TREE"


WHOLE_TREE = _WholeTree()


def holds_whole_tree(user: Any, perm: str) -> bool:
    """Whether ``user`` holds ``perm`` in every unit of the tree (superusers; or with subtree roles at
    every root unit)."""
    scope = scope_for(user, perm)
    if scope.everywhere:
        return True
    if not scope.subtree_paths:
        return False
    from dangvu.orgs.models import Org

    roots = Org.objects.filter(depth=1).values_list("path", flat=True)
    return all(any(root.startswith(p) for p in scope.subtree_paths) for root in roots)


def has_perm(user: Any, perm: str, org: Org | None = None) -> bool:
    """Does ``user`` hold ``perm`` in ``org``? Without a unit: anywhere at all — for menus and for
    deciding whether to show a page; never for a write, which names the unit it acts in."""
    scope = scope_for(user, perm)
    if org is None:
        return not scope.empty
    return scope.contains(org)


def permission_denied(perm: str) -> PermissionDenied:
    """The 403 for lacking ``perm``, naming the permission in the reader's language."""
    declared = declared_permissions().get(perm)
    return PermissionDenied(
        format_lazy(
            _("Bạn không có quyền thực hiện thao tác này ({permission})."),
            permission=declared.label if declared else perm,
        )
    )


def require_perm(user: Any, perm: str, org: Org | _WholeTree) -> None:
    """Raise PermissionDenied (HTTP 403) unless ``user`` holds ``perm`` in ``org`` (``WHOLE_TREE``: in
    every unit). Every write names the unit it acts in."""
    allowed = holds_whole_tree(user, perm) if isinstance(org, _WholeTree) else has_perm(user, perm, org)
    if not allowed:
        raise permission_denied(perm)


def require_perm_somewhere(user: Any, perm: str) -> None:
    """For a page that offers an action (a form, a menu): 403 unless ``user`` holds ``perm`` in some
    unit. The write itself checks the unit with ``require_perm``."""
    if not has_perm(user, perm):
        raise permission_denied(perm)


def user_permissions(user: Any) -> set[str]:
    """Every permission code the user holds somewhere."""
    if user.is_superuser:
        return set(declared_permissions())
    return (
        set().union(*(perms for perms, _path, _org, _subtree in _assignments(user)))
        if user.is_authenticated
        else set()
    )
