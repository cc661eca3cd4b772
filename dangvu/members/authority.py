"""Who decides: the one check of the deciding level, used by the member page's buttons, the web forms,
the API verbs (through ``dangvu.members.workflow``) and the services.

In the Party the chi bộ proposes by resolution and the competent committee decides (DOMAIN §2 step 10,
§4, addendum §8, §11): admission, recognition, xóa tên and accepting a request to leave belong to the
committee with admission power — the standing committee of the committee directly above the
grassroots organisation, or a đảng ủy cơ sở delegated that power — while the chi bộ itself decides
khiển trách and cảnh cáo of its members (Điều lệ Art. 36; QĐ 296-QĐ/TW). Which level decides each verb
is data (``DecisionAuthority``, per unit type, dated, with its legal basis) with per-unit overrides
(``DecisionDelegation``); this module resolves it for a unit and a date and answers "may this person
record the decision, and if not, why".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from dangvu.accounts.permissions import has_perm, holds_whole_tree
from dangvu.members.models.authority import (
    DecisionAuthority,
    DecisionDelegation,
    DecisionLevel,
    DecisionVerb,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from dangvu.orgs.models import Org


@dataclass(frozen=True)
class Authority:
    """Who decides ``verb`` for members of one unit on one date."""

    verb: str
    rule: DecisionAuthority
    unit: Org | None  # None: the tree has no unit at the rule's level above the member's unit
    body: str
    delegation: DecisionDelegation | None = None

    @property
    def permission(self) -> str:
        return self.rule.permission

    @property
    def by_cell(self) -> bool:
        """The chi bộ decides itself (with its own vote): no proposal goes up."""
        return self.rule.level == DecisionLevel.CELL

    @property
    def label(self) -> str:
        return f"{self.body} — {self.unit.name}" if self.unit is not None else self.body

    @property
    def legal_basis(self) -> str:
        if self.delegation is not None:
            return f"{self.delegation.decision_number} ({self.delegation.decision_date:%d/%m/%Y})"
        return self.rule.legal_basis

    @property
    def threshold(self) -> tuple[int, int, bool] | None:
        """(numerator, denominator, strict) of the chi bộ vote, or None when no share is required."""
        if self.rule.vote_numerator is None or self.rule.vote_denominator is None:
            return None
        return self.rule.vote_numerator, self.rule.vote_denominator, self.rule.vote_strict

    def vote_refusal(self, votes_for: int | None, on_roll: int | None) -> StrOrPromise | None:
        """Why the vote does not carry (None when it does). The share is of the full members **on the
        roll**, not of the votes cast (Điều lệ Art. 4: "ít nhất hai phần ba số đảng viên chính thức")."""
        share = self.threshold
        if share is None:
            return None
        numerator, denominator, strict = share
        if votes_for is None or on_roll is None:
            return _("Cần ghi kết quả biểu quyết: số tán thành và số đảng viên chính thức trong danh sách.")
        if on_roll < 1:
            return _("Số đảng viên chính thức trong danh sách phải lớn hơn 0.")
        if votes_for > on_roll:
            return _("Số tán thành không được lớn hơn số đảng viên chính thức trong danh sách.")
        carried = (
            votes_for * denominator > numerator * on_roll
            if strict
            else votes_for * denominator >= numerator * on_roll
        )
        if carried:
            return None
        needed = numerator * on_roll // denominator + 1 if strict else -(-numerator * on_roll // denominator)
        return format_lazy(
            _(
                "Nghị quyết chưa đạt: cần {needed} trên {roll} đảng viên chính thức trong danh sách "
                "tán thành ({share}, tính trên tổng số đảng viên chính thức, không phải số phiếu), "
                "mới có {votes}."
            ),
            needed=needed,
            roll=on_roll,
            share=(_("quá {n}/{d}") if strict else _("ít nhất {n}/{d}")).format(n=numerator, d=denominator),
            votes=votes_for,
        )


def chain(org: Org) -> list[Org]:
    """The unit and its ancestors, the unit first (one query, cached on the unit object)."""
    cached: list[Org] | None = org.__dict__.get("_dangvu_chain")
    if cached is None:
        from dangvu.orgs.models import Org

        rows = Org.objects.filter(path__in=org.ancestor_paths()).select_related("org_type")
        cached = sorted(rows, key=lambda unit: -len(unit.path))
        org.__dict__["_dangvu_chain"] = cached
    return cached


def _level_unit(level: str, units: list[Org]) -> Org | None:
    """The unit at ``level`` in ``units`` (the member's unit first, then its ancestors)."""
    if level == DecisionLevel.CELL:
        # The chi bộ: the highest unit of the contiguous run of units whose members meet in them
        # (a tổ đảng's chi bộ is its parent).
        cell = None
        for unit in units:
            if not unit.org_type.has_members:
                break
            cell = unit
        return cell
    grassroots = next((i for i, unit in enumerate(units) if unit.org_type.is_grassroots), None)
    if level == DecisionLevel.GRASSROOTS:
        return units[grassroots] if grassroots is not None else None
    if level == DecisionLevel.ABOVE_GRASSROOTS:
        if grassroots is None or grassroots + 1 >= len(units):
            return None
        return units[grassroots + 1]
    if level == DecisionLevel.PROVINCE:
        return next((unit for unit in units if 0 < unit.org_type.rank <= 1), None)
    return None


def _memo(org: Org, key: tuple[Any, ...], load: Any) -> Any:
    """What ``load()`` returns, kept on the unit object: a page asks for several verbs of one member
    (the buttons, the proposals) with one query per kind of row, not one per verb. Unit objects live
    for one request or one service call, so an edit of the rules is seen by the next one."""
    memo: dict[tuple[Any, ...], Any] = org.__dict__.setdefault("_dangvu_authority", {})
    if key not in memo:
        memo[key] = load()
    return memo[key]


def rule_for(verb: str, org: Org, on: date) -> DecisionAuthority | None:
    """The rule in force on ``on`` for ``verb`` and the type of ``org``: the row for the type wins over
    the row for any type; the newest version wins."""
    rows = _memo(
        org,
        ("rules", on),
        lambda: list(
            DecisionAuthority.objects.in_force(on)
            .filter(Q(org_type__isnull=True) | Q(org_type_id=org.org_type_id))
            .select_related("org_type")
        ),
    )
    candidates = [row for row in rows if row.verb == verb]
    candidates.sort(key=lambda row: (row.org_type_id is not None, row.valid_from), reverse=True)
    return candidates[0] if candidates else None


def authority_for(verb: str, org: Org, on: date | None = None) -> Authority | None:
    """Who decides ``verb`` for members of ``org`` on ``on`` (default today); None when no rule says
    (then the unit's own managers act, as before this data existed)."""
    on = on or timezone.localdate()
    rule = rule_for(verb, org, on)
    if rule is None:
        return None
    units = chain(org)
    if rule.delegable:
        ids = [unit.pk for unit in units]
        delegations = {
            d.org_id: d
            for d in _memo(
                org,
                ("delegations", on),
                lambda: list(DecisionDelegation.objects.in_force(on).filter(org_id__in=ids)),
            )
            if d.power == rule.delegable
        }
        # The nearest delegated committee above (or at) the member's unit overrides the default.
        for unit in units:
            if unit.pk in delegations:
                delegation = delegations[unit.pk]
                return Authority(verb, rule, unit, delegation.body, delegation)
    return Authority(verb, rule, _level_unit(rule.level, units), rule.body)


def decides(user: Any, authority: Authority) -> bool:
    """Whether ``user`` records decisions of ``authority`` (holds its permission in the deciding unit,
    directly or through a role above it)."""
    if authority.unit is None:
        return holds_whole_tree(user, authority.permission)
    return has_perm(user, authority.permission, authority.unit)


def verb_label(verb: str) -> StrOrPromise:
    return DecisionVerb(verb).label if verb in DecisionVerb.values else verb


def refusal(user: Any, verb: str, org: Org, on: date | None = None) -> StrOrPromise | None:
    """THE deciding-level check: None when ``user`` may record the decision of ``verb`` for members of
    ``org`` on ``on``; otherwise why not, naming who decides and what the user can do instead."""
    authority = authority_for(verb, org, on)
    if authority is None or decides(user, authority):
        return None
    if authority.unit is None:
        return format_lazy(
            _("Không xác định được cấp có thẩm quyền quyết định “{verb}” ({body}) cho đơn vị {unit}."),
            verb=verb_label(verb),
            body=authority.body,
            unit=org.name,
        )
    return format_lazy(
        _(
            "Bạn không có thẩm quyền quyết định “{verb}”: việc này do {authority} quyết định ({basis}). "
            "Chi bộ ghi nhận đề nghị (số, ngày nghị quyết và kết quả biểu quyết) để cấp có thẩm quyền "
            "quyết định."
        ),
        verb=verb_label(verb),
        authority=authority.label,
        basis=authority.legal_basis,
    )


def require_decider(user: Any, verb: str, org: Org, on: date | None = None) -> Authority | None:
    """Raise PermissionDenied (HTTP 403) with the reason unless ``user`` decides ``verb`` for ``org``."""
    reason = refusal(user, verb, org, on)
    if reason is not None:
        raise PermissionDenied(reason)
    return authority_for(verb, org, on)


def discipline_verb(form: str) -> str:
    return f"discipline:{form}"


def decides_any_discipline(user: Any, org: Org) -> bool:
    """For the "discipline" button: the user records at least one form for members of ``org``."""
    from dangvu.members.enums import DisciplineForm

    return any(refusal(user, discipline_verb(form), org) is None for form in DisciplineForm.values)


def full_members_on_roll(org: Org) -> int:
    """The chi bộ's full members on the roll today (its own and its tổ đảng's official members)."""
    from dangvu.members.enums import MemberStatus
    from dangvu.members.models import Member

    cell = _level_unit(DecisionLevel.CELL, chain(org)) or org
    return Member.objects.in_subtree(cell).filter(status=MemberStatus.OFFICIAL).count()
