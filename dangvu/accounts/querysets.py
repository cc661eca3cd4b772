"""The base of every ``visible_to(user)``: records that belong to several units and to people.

A scoped model's queryset declares its **relations**, each with the permissions it grants:

* ``ByUnit("org")`` — the record belongs to a unit; a role holding the permission in that unit (or,
  with its subtree, above it) may see or act on it. Several unit relations are usual: a transfer has
  a sending and a receiving unit, a document an issuing unit and recipient units (``ByUnit(
  "recipients")``, a many-to-many or reverse relation, is matched as ``key IN (subquery)``, never a
  join that repeats rows).
* ``ByPerson("user")`` — the record is about, or assigned to, a person (the member's own file, the
  assignee of a task, the invitees of a meeting). That person holds the relation's permissions on it
  whatever their roles.

``visible_to(user, perm)`` ORs the relations that grant ``perm`` **in SQL** (one filter; no per-row
Python, no N+1), and ``can(user, perm, obj)`` answers the same question for one object from the same
declaration (NetBox's ``restrict``, pretalx's rules; STYLE.md §4.15).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any, ClassVar, TypeVar

from django.db import models
from django.db.models import Q

from dangvu.accounts.permissions import scope_for

M = TypeVar("M", bound=models.Model)

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class ByUnit:
    """The record belongs to the unit at ``field`` ("" = the record is a unit itself). ``grants``: the
    permissions checked through this unit (None: every permission). ``where``: for a to-many
    relation, only the related rows that match it count (a member belongs to the unit their transfer
    is addressed to only while the transfer is pending)."""

    field: str
    grants: frozenset[str] | None = None
    where: Q | None = None
    # Match the unit's key against the scope's units (a subquery of ids) instead of joining the
    # units and comparing paths: for big lists served in their own index's order (``Scope.q_by_id``).
    by_id: bool = False

    def applies(self, perm: str) -> bool:
        return self.grants is None or perm in self.grants


@dataclass(frozen=True)
class ByPerson:
    """The record is about or assigned to the user at ``field`` (a path to ``accounts.User``), who
    holds ``grants`` on it whatever their roles.

    ``by_key``: look the user's few records up first and filter by primary key (for tables of
    millions of rows whose lists are served from a covering index that holds the key but not
    ``field``: a condition on ``field`` would send every row to the table)."""

    field: str
    grants: frozenset[str]
    by_key: bool = False

    def applies(self, perm: str) -> bool:
        return perm in self.grants


Relation = ByUnit | ByPerson


def _to_many(model: type[models.Model], field: str) -> tuple[type[models.Model], str, str] | None:
    """For a path that starts with a to-many relation: (the related rows' model, the lookup from them
    back to this record, the rest of the path inside them). None for a path of to-one steps."""
    first, _, rest = field.partition("__")
    try:
        relation = model._meta.get_field(first)
    except Exception:
        return None
    if relation.many_to_many:
        if getattr(relation, "remote_field", None) is not None and not relation.auto_created:
            through = relation.remote_field.through  # type: ignore[union-attr]
            source = relation.m2m_field_name()  # type: ignore[union-attr]
            target = relation.m2m_reverse_field_name()  # type: ignore[union-attr]
        else:  # the reverse side of another model's many-to-many
            through = relation.through  # type: ignore[union-attr]
            source = relation.field.m2m_reverse_field_name()  # type: ignore[union-attr]
            target = relation.field.m2m_field_name()  # type: ignore[union-attr]
        return through, source, f"{target}__{rest}" if rest else target
    if relation.one_to_many:
        related = relation.related_model
        return related, relation.field.name, rest  # type: ignore[union-attr,return-value]
    return None


def _unit_q(user: Any, perm: str, prefix: str, by_id: bool = False, through_index: bool = False) -> Q:
    """Rows whose unit (at ``prefix``, "" = the row itself) lies in the user's scope for ``perm``;
    ``by_id``: by the unit's key (``Scope.q_by_id``), for a ``prefix`` that is a relation of this model."""
    scope = scope_for(user, perm)
    if not prefix:
        return scope.q("path", "pk")
    if by_id and "__" not in prefix:
        return scope.q_by_id(prefix, through_index)
    return scope.q(f"{prefix}__path", f"{prefix}_id")


def relation_q(model: type[models.Model], relation: Relation, user: Any, perm: str) -> Q:
    """The SQL condition of one relation for ``user`` and ``perm``."""
    many = _to_many(model, relation.field) if relation.field else None
    if isinstance(relation, ByUnit):
        if many is None:
            return _unit_q(user, perm, relation.field, relation.by_id)
        related, back, rest = many
        inner = _unit_q(user, perm, rest, relation.by_id, through_index=True)
        if inner == NOTHING:
            return NOTHING
        # "key IN (the keys of related rows in scope)": the planner computes the set once and probes
        # it per row (a hashed subplan), where a correlated EXISTS would probe an index per row of a
        # list of millions. No join, so no repeated rows.
        rows = related._default_manager.filter(inner)
        if relation.where is not None:
            rows = rows.filter(relation.where)
        return Q(pk__in=rows.values(back))
    if user is None or not user.is_authenticated:
        return NOTHING
    if relation.by_key:
        keys = person_keys(model, relation.field, user)
        return Q(pk__in=keys) if keys else NOTHING
    if many is None:
        return Q(**{f"{relation.field}_id" if "__" not in relation.field else relation.field: user.pk})
    related, back, rest = many
    target = f"{rest}_id" if rest and "__" not in rest else rest
    return Q(pk__in=related._default_manager.filter(**{target: user.pk}).values(back))


def person_keys(model: type[models.Model], field: str, user: Any) -> list[Any]:
    """The keys of ``model``'s rows that belong to ``user`` through ``field`` (up to 100; remembered on
    the user object for the request, which the page's lists and its menu both ask)."""
    cache: dict[tuple[str, str], list[Any]] = user.__dict__.setdefault("_dangvu_person_keys", {})
    key = (model._meta.label_lower, field)
    if key not in cache:
        cache[key] = list(
            model._default_manager.filter(**{field: user.pk}).values_list("pk", flat=True)[:100]
        )
    return cache[key]


class ScopedQuerySet(models.QuerySet[M]):
    """A queryset whose rows belong to units and people. Subclasses set ``view_permission`` and
    ``relations`` (default: one unit relation through ``org``)."""

    view_permission: ClassVar[str] = ""
    relations: ClassVar[tuple[Relation, ...]] = (ByUnit("org"),)

    def scope_q(self, user: Any, perm: str | None = None) -> Q:
        """The condition ``visible_to`` applies (for composing it into other queries)."""
        perm = perm or self.view_permission
        conditions = [
            relation_q(self.model, relation, user, perm)
            for relation in self.relations
            if relation.applies(perm)
        ]
        if any(condition == Q() for condition in conditions):
            return Q()
        conditions = [c for c in conditions if c != NOTHING]
        return reduce(or_, conditions) if conditions else NOTHING

    def visible_to(self, user: Any, perm: str | None = None) -> Any:
        """Rows the user may see (or, with ``perm``, act on): the one read every view and endpoint starts from."""
        return self.filter(self.scope_q(user, perm))


def _follow(obj: Any, path: str) -> Any:
    for step in path.split("__") if path else ():
        obj = getattr(obj, step, None)
        if obj is None:
            return None
    return obj


def can(user: Any, perm: str, obj: models.Model) -> bool:
    """Does ``user`` hold ``perm`` on ``obj``? From the same relations as ``visible_to``: to-one
    relations are answered from the object, to-many ones by the same SQL on this one row."""
    from dangvu.accounts.permissions import has_perm

    manager = type(obj)._default_manager
    relations: tuple[Relation, ...] = getattr(manager.get_queryset(), "relations", ())
    for relation in relations:
        if not relation.applies(perm):
            continue
        if relation.field and _to_many(type(obj), relation.field) is not None:
            condition = relation_q(type(obj), relation, user, perm)
            if condition != NOTHING and manager.filter(condition, pk=obj.pk).exists():
                return True
            continue
        target = _follow(obj, relation.field) if relation.field else obj
        if target is None:
            continue
        if isinstance(relation, ByUnit):
            if has_perm(user, perm, target):  # type: ignore[arg-type]  # the unit the relation names
                return True
        elif user is not None and user.is_authenticated and getattr(target, "pk", None) == user.pk:
            return True
    return False


def require(user: Any, perm: str, obj: models.Model) -> None:
    """Raise PermissionDenied (HTTP 403) unless ``can(user, perm, obj)``."""
    if not can(user, perm, obj):
        from dangvu.accounts.permissions import permission_denied

        raise permission_denied(perm)
