"""Document reads: the one path the register pages, the API, the exports and the home page take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from dangvu.documents.enums import IncomingStatus
from dangvu.documents.models import Document
from dangvu.documents.search import search_documents


@dataclass(frozen=True)
class DocumentFilter:
    q: str = ""
    direction: str = ""
    status: str = ""
    doc_type: str = ""
    secrecy: str | None = ""
    org: Any = None
    date_from: date | None = None
    date_to: date | None = None
    overdue: bool = False
    mine: bool = False


def documents(user: Any, criteria: DocumentFilter) -> Any:
    """The documents ``user`` may see that match ``criteria``, newest first."""
    rows = Document.objects.visible_to(user)
    if criteria.org is not None:
        rows = rows.filter(registry_org__path__startswith=criteria.org.path)
    if criteria.direction:
        rows = rows.filter(direction=criteria.direction)
    if criteria.status:
        rows = rows.filter(status=criteria.status)
    if criteria.doc_type:
        rows = rows.filter(doc_type__abbreviation=criteria.doc_type)
    if criteria.secrecy:
        rows = rows.filter(secrecy=criteria.secrecy)
    if criteria.date_from:
        rows = rows.filter(Q(received_on__gte=criteria.date_from) | Q(issued_on__gte=criteria.date_from))
    if criteria.date_to:
        rows = rows.filter(Q(received_on__lte=criteria.date_to) | Q(issued_on__lte=criteria.date_to))
    if criteria.overdue:
        rows = rows.filter(
            status__in=[IncomingStatus.REGISTERED, IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS],
            deadline__lt=timezone.localdate(),
        )
    if criteria.mine:
        rows = rows.filter(assignments__active=True, assignments__lead_user=user).distinct()
    return search_documents(user, criteria.q, rows).order_by("-created_at", "-pk")


def own_unit(units: Any) -> Any:
    """The user's own unit among ``units`` (the units they may act in) when those form one subtree (a
    clerk's commune and its cells): the unit a form starts with. None when the scope is wider."""
    top = units.order_by("path").first()
    if top is None or units.exclude(path__startswith=top.path).exists():
        return None
    return top


# A list is counted exactly up to this many rows; past it, the page says "more than" (counting a
# million visible documents costs far more than showing the first page).
COUNT_CAP = 10_000


@dataclass(frozen=True)
class Total:
    value: int
    exact: bool  # ``value`` is the exact count (True) or a lower bound (False)


def total(rows: Any) -> Total:
    """The count of ``rows``: exact up to ``COUNT_CAP``, otherwise ``COUNT_CAP`` as a lower bound."""
    counted = rows.order_by().values("pk")[: COUNT_CAP + 1].count()
    return Total(counted, True) if counted <= COUNT_CAP else Total(COUNT_CAP, False)


def pending_signature(user: Any, document: Any, session: Any) -> Any:
    """The user's own signing session (``PendingSignature``) for ``document`` that has not expired, or None."""
    from django.utils import timezone

    from dangvu.documents.services import _signing_purpose
    from dangvu.signing.models import PendingSignature

    return PendingSignature.objects.filter(
        pk=session, created_by=user, purpose=_signing_purpose(document), expires_at__gt=timezone.now()
    ).first()
