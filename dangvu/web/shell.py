"""What the shell gathers from the modules' descriptions for one user: work, key figures, search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dangvu.accounts.permissions import has_perm
from dangvu.core.modules import Figure, SearchHit, SearchSource, WorkSection, modules

# First items each work section shows on the home page.
HOME_ITEMS = 5


def work_sections(user: Any, today: date, limit: int = HOME_ITEMS) -> list[WorkSection]:
    """Every worklist the user has a part in, those with something overdue first, then the rest with
    something to do, then the empty ones (so the user sees that nothing is waiting)."""
    sources = sorted((s for m in modules() for s in m.work), key=lambda s: (s.order, s.key))
    sections = [
        section
        for source in sources
        if has_perm(user, source.permission) and (section := source.collect(user, today, limit)) is not None
    ]
    return sorted(sections, key=lambda s: (s.overdue == 0, s.count == 0))


def figures(user: Any, today: date) -> list[Figure]:
    sources = sorted((s for m in modules() for s in m.counters), key=lambda s: (s.order, s.key))
    return [figure for s in sources if has_perm(user, s.permission) for figure in s.collect(user, today)]


def search_sources(user: Any) -> list[SearchSource]:
    sources = sorted((s for m in modules() for s in m.search), key=lambda s: (s.order, s.key))
    return [s for s in sources if has_perm(user, s.permission)]


@dataclass(frozen=True)
class SearchGroup:
    key: str
    title: str
    hits: list[SearchHit]


def search(user: Any, query: str, limit: int = 10) -> list[SearchGroup]:
    return [
        SearchGroup(source.key, str(source.title), list(source.search(user, query, limit)))
        for source in search_sources(user)
    ]
