"""The unit directory and the unit pickers.

* The **directory** is the one exception to scoping: unit names, types, codes and paths (no figures,
  no members, no people) are searchable by every signed-in user, because a transfer destination or a
  document's recipients can be anywhere in the country.
* Every other **picker** passes the permission of its verb and lists only the units where the user may
  do it (``visible_to(user, perm)``).

Both answer with each unit's path ("Chi bộ Công an — Đảng ủy xã Hiệp Yên — Tỉnh ủy Ninh Bình") so that
units of the same name are told apart, searched accent-insensitively on the server (60,000 units).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dangvu.orgs.enums import OrgStatus
from dangvu.orgs.models import Org

MAX_RESULTS = 50


@dataclass(frozen=True)
class UnitChoice:
    id: int
    code: str
    name: str
    type: str
    path: str  # the unit's name followed by its ancestors', nearest first
    status: str
    accepts_members: bool


def _choices(queryset: Any, limit: int) -> list[UnitChoice]:
    return describe(list(queryset.select_related("org_type").by_name()[: min(limit, MAX_RESULTS)]))


def describe(units: list[Org]) -> list[UnitChoice]:
    """``units`` (with their ``org_type``) with their paths, in the order given (one more query)."""
    ancestor_paths = {p for unit in units for p in unit.ancestor_paths()[:-1]}
    names = dict(Org.objects.filter(path__in=ancestor_paths).values_list("path", "name").order_by())
    return [
        UnitChoice(
            id=unit.pk,
            code=unit.code,
            name=unit.name,
            type=unit.org_type.name,
            path=" — ".join(
                [unit.name, *(names[p] for p in reversed(unit.ancestor_paths()[:-1]) if p in names)]
            ),
            status=unit.status,
            accepts_members=unit.org_type.has_members,
        )
        for unit in units
    ]


def directory(query: str, *, limit: int = 20, include_ended: bool = False) -> list[UnitChoice]:
    """Any unit in the country by name, short name, code or abbreviation (names and paths only)."""
    units = Org.objects.all()
    if not include_ended:
        units = units.filter(status=OrgStatus.ACTIVE)
    return _choices(units.search(query), limit)


def pick(
    user: Any, perm: str, query: str, *, limit: int = 20, accepts_members: bool = False
) -> list[UnitChoice]:
    """The active units where ``user`` may do what ``perm`` allows, matching ``query``."""
    units = Org.objects.visible_to(user, perm).filter(status=OrgStatus.ACTIVE)
    if accepts_members:
        units = units.filter(org_type__has_members=True)
    return _choices(units.search(query), limit)
