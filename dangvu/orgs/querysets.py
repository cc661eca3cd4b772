"""Reads of the organization tree."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.models import F
from treebeard.mp_tree import MP_NodeManager, MP_NodeQuerySet

from dangvu.accounts.querysets import ByUnit, ScopedQuerySet
from dangvu.core.search import WordsMatch, filter_search, prefixes_query, word_prefix
from dangvu.core.text import search_terms
from dangvu.orgs.enums import OrgStatus

if TYPE_CHECKING:
    from dangvu.orgs.models import Org


class OrgQuerySet(MP_NodeQuerySet, ScopedQuerySet["Org"]):
    view_permission = "orgs.view"
    relations = (ByUnit(""),)  # a unit belongs to itself

    def active(self) -> OrgQuerySet:
        return self.filter(status=OrgStatus.ACTIVE)

    def subtree_of(self, org: Org, include_self: bool = True) -> OrgQuerySet:
        """Every unit below ``org`` (one indexed range scan on the materialized path)."""
        queryset = self.filter(path__startswith=org.path)
        return queryset if include_self else queryset.exclude(pk=org.pk)

    def search(self, query: str | None) -> OrgQuerySet:
        """Units whose own name, short name, code or abbreviation has every word of ``query``."""
        return filter_search(self, query)  # type: ignore[return-value]

    def search_in_path(self, query: str | None) -> OrgQuerySet:
        """Units where every word of ``query`` starts a word of the unit's name or of one of its
        ancestors' names: "chi bo cong an hiep yen" finds "Chi bộ Công an" of "Đảng ủy xã Hiệp Yên"."""
        queryset = self
        for term in search_terms(query or ""):
            queryset = queryset.filter(word_prefix("path_text", term))
        return queryset

    def words_match(self, field: str, query: str | None) -> OrgQuerySet:
        """PostgreSQL: the match of ``search_in_path`` (``field="path_text"``) through the column's
        words index (migration 0004), which intersects each word's short list of units however
        common the word ("an", "bo" are in most names)."""
        return self.filter(WordsMatch(F(field), prefixes_query(search_terms(query or ""))))

    def on_postgresql(self) -> bool:
        return connections[self.db].vendor == "postgresql"

    def in_tree_order(self) -> OrgQuerySet:
        return self.order_by("path")

    def by_name(self) -> OrgQuerySet:
        return self.order_by("sort_name", "pk")

    def with_type(self) -> OrgQuerySet:
        return self.select_related("org_type")


class OrgManager(MP_NodeManager.from_queryset(OrgQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> OrgQuerySet:
        # Tree order (by path) by default, as treebeard expects.
        return OrgQuerySet(self.model, using=self._db).order_by("path")


def search_units(user: Any, query: str, limit: int) -> list[Any]:
    """Quick search of the units the user may see (a ``SearchSource`` of the orgs module)."""
    from dangvu.core.modules import SearchHit
    from dangvu.orgs.models import Org

    units = Org.objects.visible_to(user).search(query).with_type().by_name()[:limit]
    return [SearchHit(title=o.name, url=o.get_absolute_url(), subtitle=o.org_type.name) for o in units]
