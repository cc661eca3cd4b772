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
# Up to this many matches, read their names through the words index and sort them (PostgreSQL).
SORT_MATCHES_UP_TO = 5_000


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
    """The units of ``queryset`` that ``query`` finds, best first: those whose own name (or code) has
    every word, by name; then those found only with their ancestors' names ("chi bo cong an hiep
    yen"), by name.

    Two queries rather than one ordered by a computed rank, which would sort every match ("chi bo"
    has thousands); the second runs only when the first found fewer than ``limit``.
    """
    units = queryset.select_related("org_type")
    found = _by_name(units, "search_text", query, limit)
    if len(found) < limit and search_terms(query):
        # Every name match is in ``found`` (fewer than asked), so the rest are path-only matches.
        rest = units.exclude(pk__in=[unit.pk for unit in found])
        found += _by_name(rest, "path_text", query, limit - len(found))
    return found


def _by_name(units: Any, field: str, query: str, limit: int) -> list[Org]:
    """The first ``limit`` units, by name, whose ``field`` has a word starting with each query word.

    Own names: walking the name index with ``LIKE`` finds the first ones soon (or the planner takes
    the trigram index for rare words). Paths: every unit of a commune has its name in its path, so
    for words found in paths only ("chi bo cong an hiep yen") the planner, which cannot tell how
    words go together, would walk the name index through most of the country. On PostgreSQL the
    words index is asked for the matches' names instead, up to ``SORT_MATCHES_UP_TO`` of them, which
    are sorted here; beyond that ("viet nam" is in every path) the matches are dense in name order
    and the walk finds the first ones soon. SQLite (the embedded default) walks.
    """
    if not search_terms(query):
        return list(units.by_name()[:limit])
    if field == "path_text" and units.on_postgresql():
        keys = list(
            units.words_match(field, query)
            .order_by()
            .values_list("sort_name", "pk")[: SORT_MATCHES_UP_TO + 1]
        )
        if len(keys) <= SORT_MATCHES_UP_TO:
            first = [pk for _name, pk in sorted(keys)[:limit]]
            chosen = units.order_by().in_bulk(first)
            return [chosen[pk] for pk in first]
    like = units.search(query) if field == "search_text" else units.search_in_path(query)
    return list(like.by_name()[:limit])


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
