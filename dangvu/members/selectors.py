"""Member reads: the one path every list (web page, API, export, printout, home page) and the member
file take. The web form and the API schema only turn their input into a ``MemberFilter``; the rows,
their order, the total and the audited opening of a file are decided here once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangvu.accounts.querysets import require
from dangvu.audit.services import audit_log
from dangvu.core.text import fold
from dangvu.members import rollups
from dangvu.members.milestones import completed_years_sql, latest_start_with_years
from dangvu.members.models import Ethnicity, Member, Religion
from dangvu.members.search import TokenPlan

# Past this many rows a list's total is given as "more than N" (a lower bound) unless the roll-ups
# know it exactly: counting a province's common-name matches would cost seconds.
COUNT_CAP = 10_000


@dataclass(frozen=True)
class MemberFilter:
    """What a member list asks for. ``org``: the unit whose subtree is listed (already resolved within
    the user's scope by the caller)."""

    q: str = ""
    substring: bool = False
    org: Any = None
    status: str = ""
    sex: str = ""
    age: tuple[int, int] | None = None  # years, both ends included
    party_age: tuple[int, int] | None = None  # whole years of party age today, as statistics count
    ethnicity: str = ""
    nothing: bool = False  # the unit asked for is unknown or outside the user's scope

    @property
    def narrows_beyond_unit_by_more_than_name(self) -> bool:
        """Whether anything but the unit, the status and the name search filters the list."""
        return bool(self.sex or self.age or self.party_age or self.ethnicity)

    @property
    def narrows_beyond_unit(self) -> bool:
        """Whether anything but the unit and the status filters the list (then the roll-ups, which
        count by unit and status, cannot give its total)."""
        return bool(self.q or self.sex or self.age or self.party_age or self.ethnicity)


@dataclass(frozen=True)
class Total:
    """A list's total: ``exact``, or at least ``value`` (shown as "hơn 10.000")."""

    value: int
    exact: bool


class ReferenceList:
    """A reference list (ethnicities, religions) read once, to match many values (an import's rows)."""

    def __init__(self, model: type[Ethnicity] | type[Religion]) -> None:
        entries: list[Ethnicity | Religion] = list(model.objects.all())
        self.by_code = {entry.code: entry for entry in entries}
        self.by_name = {fold(entry.name): entry for entry in entries}

    def find(self, value: str | None) -> Any:
        """The entry whose code is ``value`` or else whose name is ``value``, accents and case ignored:
        the one matching rule of forms, filters, the API and imports. None when not found."""
        text = (value or "").strip()
        if not text:
            return None
        return self.by_code.get(text) or self.by_name.get(fold(text))


def reference(model: type[Ethnicity] | type[Religion], value: str | None) -> Any:
    """One value's entry of a reference list (``ReferenceList.find``)."""
    return ReferenceList(model).find(value)


def party_age_years_q(on: date, low: int, high: int) -> Q:
    """Members whose party age on ``on`` is ``low``–``high`` whole years, as ``milestones.party_age``
    and the statistics count it, on the derived columns: a running clock by its start (a date range),
    a stopped one by the whole years it had run."""
    running = Q(
        party_age_until__isnull=True,
        party_age_from__gt=latest_start_with_years(on, high + 1),
        party_age_from__lte=latest_start_with_years(on, low),
    )
    stopped = Q(party_age_until__isnull=False, pk__in=_stopped_within(low, high))
    return running | stopped


def _stopped_within(low: int, high: int) -> Any:
    """Keys of the (few) members whose clock stopped after ``low``–``high`` whole years."""
    return (
        Member.objects.filter(party_age_until__isnull=False)
        .annotate(_years=completed_years_sql("party_age_from", "party_age_until"))
        .filter(_years__gte=low, _years__lte=high)
        .values("pk")
    )


def members_by_identity(
    cccds: Collection[str] = (), file_numbers: Collection[str] = ()
) -> dict[tuple[str, str], Member]:
    """The one matching rule of a record to an existing member file, for one record (``member_create``,
    ``member_update`` through ``identity.check_cccd``) and for an import's rows alike: the same số định
    danh cá nhân (CCCD), or the same file number (số lý lịch). One query on the two unique indexes,
    whatever the user may see (the caller judges that with ``identity.match_refusal``, never by
    filtering, so that a number held outside the user's scope is never taken for a free one).

    Returns ``{("cccd", number) | ("file_number", number): member}`` with the member's unit loaded;
    a record matches by its CCCD first, then by its file number (``identity_match``)."""
    cccds, file_numbers = [c for c in cccds if c], [f for f in file_numbers if f]
    if not cccds and not file_numbers:
        return {}
    query = Q()
    if cccds:
        query |= Q(cccd=cccds[0]) if len(cccds) == 1 else Q(cccd__any=cccds)
    if file_numbers:
        query |= (
            Q(file_number=file_numbers[0]) if len(file_numbers) == 1 else Q(file_number__any=file_numbers)
        )
    wanted_cccd, wanted_file = set(cccds), set(file_numbers)
    found: dict[tuple[str, str], Member] = {}
    for member in Member.objects.filter(query).prefetch_related("org"):  # a join would hash every unit
        if member.cccd in wanted_cccd:
            found[("cccd", member.cccd)] = member
        if member.file_number in wanted_file:
            found[("file_number", member.file_number)] = member
    return found


def identity_match(
    found: dict[tuple[str, str], Member], cccd: str | None, file_number: str | None = None
) -> Member | None:
    """The member a record with ``cccd`` and ``file_number`` matches in ``members_by_identity``'s
    answer: by CCCD first, then by file number."""
    return found.get(("cccd", cccd or "")) or found.get(("file_number", file_number or ""))


def members(user: Any, criteria: MemberFilter) -> Any:
    """The members ``user`` may see that match ``criteria``, in Vietnamese name order."""
    if criteria.nothing:
        return Member.objects.none()
    rows: Any = (
        Member.objects.visible_subtree(user, criteria.org)
        if criteria.org is not None
        else Member.objects.visible_to(user)
    )
    if criteria.status:
        rows = rows.filter(status=criteria.status)
    if criteria.sex:
        rows = rows.filter(sex=criteria.sex)
    today = timezone.localdate()
    if criteria.age:
        low, high = criteria.age
        rows = rows.filter(
            birth_date__lte=today - relativedelta(years=low),
            birth_date__gt=today - relativedelta(years=high + 1),
        )
    if criteria.party_age:
        rows = rows.filter(party_age_years_q(today, *criteria.party_age))
    if criteria.ethnicity:
        entry = reference(Ethnicity, criteria.ethnicity)
        rows = rows.filter(ethnicity=entry) if entry is not None else rows.none()
    memo: dict[Any, Any] = {}
    rows = rows.search(criteria.q, user=user, substring=criteria.substring, memo=memo)
    # The unit comes with each row shown (a key-only page query ignores it).
    rows = rows.select_related("org").in_name_order()
    plan = token_plan(user, criteria)
    if plan is None:
        return rows
    plan.memo.update(memo)
    return rows.with_token_plan(plan)


def token_plan(user: Any, criteria: MemberFilter) -> TokenPlan | None:
    """How the name tokens can serve this list's pages and total: a name search (not digits, not a
    substring) over a whole subtree the user sees (or everything), filtered by nothing else."""
    from dangvu.accounts.permissions import scope_for
    from dangvu.core.text import search_terms

    text = criteria.q.strip()
    if not text or text.isdigit() or criteria.substring or criteria.status:
        return None
    if criteria.narrows_beyond_unit_by_more_than_name:
        return None
    terms = search_terms(text)
    if not terms:
        return None
    scope = scope_for(user, "members.view")
    if criteria.org is None:
        if scope.everywhere:
            return TokenPlan(tuple(terms), None)
        path = _only_subtree(user, scope)
        return TokenPlan(tuple(terms), path) if path is not None else None
    return TokenPlan(tuple(terms), criteria.org.path) if scope.covers_subtree(criteria.org) else None


def _only_subtree(user: Any, scope: Any) -> str | None:
    """The path of the one subtree that is everything ``user`` sees of the members, when it is: a
    single subtree in the scope, the user's own file inside it or none, and no pending transfer
    bringing in a member from outside it (``visible_to`` adds both)."""
    from dangvu.accounts.querysets import person_keys
    from dangvu.members.enums import TransferStatus
    from dangvu.members.models import Transfer

    path: str | None = scope.single_subtree()
    if path is None:
        return None
    # The own file's key is the one ``visible_to`` and the menu ask for (remembered for the request).
    own = person_keys(Member, "user", user)
    if own and Member.objects.filter(pk__in=own).exclude(org__path__startswith=path).exists():
        return None
    arriving_from_outside = Transfer.objects.filter(
        status=TransferStatus.PENDING, to_org__path__startswith=path
    ).exclude(member__org__path__startswith=path)
    return None if arriving_from_outside.exists() else path


def total(user: Any, criteria: MemberFilter, rows: Any, cap: int = COUNT_CAP) -> Total:
    """The list's total by the one rule of pages and API: exact from the roll-ups when only the unit and
    a current status filter it and the user sees the whole subtree; otherwise counted up to ``cap``
    rows, beyond which it is a lower bound."""
    if criteria.nothing:
        return Total(0, True)
    if criteria.org is not None and not criteria.narrows_beyond_unit:
        exact = rollups.subtree_count(user, criteria.org, criteria.status or None)
        if exact is not None:
            return Total(exact, True)
    plan = getattr(rows, "token_plan", None)
    if plan is not None:
        from dangvu.members.search import token_total

        found = token_total(plan, cap)
        if found is not None:
            return Total(*found)
    counted = rows.order_by().values("pk")[: cap + 1].count()
    return Total(counted, True) if counted <= cap else Total(cap, False)


def page(rows: Any, offset: int, limit: int) -> list[Member]:
    """One page of ``rows``: its keys first (answered from the covering name-order index), then those
    members with their unit."""
    keys = rows.page_keys(offset, limit)
    found = {m.pk: m for m in Member.objects.filter(pk__in=keys).select_related("org")}
    return [found[key] for key in keys if key in found]


def page_values(rows: Any, offset: int, limit: int, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """``page`` as dicts of ``fields`` only (``values()``): for the API list, which shows a few columns
    of each row and need not build a member and its unit (about 80 columns) per row."""
    keys = rows.page_keys(offset, limit)
    found = {row["id"]: row for row in Member.objects.filter(pk__in=keys).values("id", *fields)}
    return [found[key] for key in keys if key in found]


def open_file(user: Any, member_id: int) -> Member:
    """Open a member's file: visible to ``user`` (else 404), ``members.view_file`` on it (else 403), and
    the opening recorded in the audit log (the file is a secret Party document)."""
    from django.shortcuts import get_object_or_404

    member = get_object_or_404(
        Member.objects.visible_to(user).select_related("org", "ethnicity", "religion"), pk=member_id
    )
    require(user, "members.view_file", member)
    with transaction.atomic():
        audit_log(actor=user, action="view", obj=member, event="members.view_file")
    return member
