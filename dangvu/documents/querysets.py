"""Reads of documents: a document belongs to the unit whose register holds it, to the units and the
person handling it, and to its drafter; a secret one only to those cleared for its level there."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from dangvu.accounts.permissions import scope_for
from dangvu.accounts.querysets import ByPerson, ByUnit, ScopedQuerySet
from dangvu.documents.enums import CLEARANCE, Secrecy

if TYPE_CHECKING:
    from dangvu.documents.models import Document  # noqa: F401 - named in a string below


def clearance_q(user: Any) -> Q:
    """Non-secret documents, and secret ones in the units where the user holds that level's clearance."""
    condition = Q(secrecy=Secrecy.NONE)
    for level, permission in CLEARANCE.items():
        scope = scope_for(user, permission)
        if not scope.empty:
            condition |= Q(secrecy=level) & scope.q_by_id("registry_org")
    return condition


class DocumentQuerySet(ScopedQuerySet["Document"]):
    view_permission = "documents.view"
    # Units by key (``by_id``): the list walks its newest-first index and stops after a page, with no
    # join to the unit table (bench/bench_visible_to.py).
    relations = (
        ByUnit("registry_org", by_id=True),
        ByUnit(
            "assignments__lead_org",
            frozenset({"documents.view", "documents.handle"}),
            where=Q(active=True),
            by_id=True,
        ),
        ByUnit(
            "assignments__coordinators",
            frozenset({"documents.view", "documents.handle"}),
            where=Q(active=True),
            by_id=True,
        ),
        ByPerson("assignments__lead_user", frozenset({"documents.view", "documents.handle"})),
        ByPerson("created_by", frozenset({"documents.view"})),
    )

    def visible_to(self, user: Any, perm: str | None = None) -> Any:
        """Rows the relations give the user, narrowed to the secrecy levels they are cleared for."""
        return super().visible_to(user, perm).filter(clearance_q(user))

    def incoming(self) -> DocumentQuerySet:
        return self.filter(direction="incoming")

    def outgoing(self) -> DocumentQuerySet:
        return self.filter(direction="outgoing")
