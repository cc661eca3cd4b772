"""The unit directory and the unit pickers.

* The **directory** is the one exception to scoping: unit names, types, codes and paths (no figures,
  no members, no people) are searchable by every signed-in user, because a transfer destination or a
  document's recipients can be anywhere in the country.
* Every other **picker** passes the permission of its verb and lists only the units where the user may
  do it (``visible_to(user, perm)``).

Both answer with each unit's path ("Chi bộ Công an — Đảng ủy xã Hiệp Yên — Tỉnh ủy Ninh Bình") so that
units of the same name are told apart, searched accent-insensitively on the server (60,000 units).
Every word typed must begin a word of the unit's own name (or code) or of one of its ancestors' names;
units whose own name matches come first (``ranked``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dangvu.core.text import search_terms
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


def _choices(queryset: Any, query: str, limit: int) -> list[UnitChoice]:
    return describe(ranked(queryset, query, min(limit, MAX_RESULTS)))


def ranked(queryset: Any, query: str, limit: int) -> list[Org]:
    """The units of ``queryset`` that ``query`` finds, best first: those whose own name has every
    word, by name; then those found only with their ancestors' names ("chi bo cong an hiep yen"),
    by name.

    Two queries rather than one ordered by a rank: each can walk the name index and stop at
    ``limit``, where a computed rank would sort every match first (thousands for "chi bo").
    """
    units = queryset.select_related("org_type")
    found = list(units.search(query).by_name()[:limit])
    if len(found) < limit and search_terms(query):
        # Every name match is in ``found`` (fewer than asked), so the rest are path-only matches.
        rest = units.search_in_path(query).exclude(pk__in=[unit.pk for unit in found])
        found += list(rest.by_name()[: limit - len(found)])
    return found


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
    return _choices(units, query, limit)


def pick(
    user: Any, perm: str, query: str, *, limit: int = 20, accepts_members: bool = False
) -> list[UnitChoice]:
    """The active units where ``user`` may do what ``perm`` allows, matching ``query``."""
    units = Org.objects.visible_to(user, perm).filter(status=OrgStatus.ACTIVE)
    if accepts_members:
        units = units.filter(org_type__has_members=True)
    return _choices(units, query, limit)
