"""The chi bộ proposes, the competent committee decides: one service per verb of a proposal.

A role below the deciding level (the chi bộ secretary) records the chi bộ's resolution — its number,
date and, where a threshold applies, the vote counted against the full members on the roll — instead
of the final verb (``proposal_create``). The deciding level sees it in its worklist ("Việc của tôi")
and turns it into its decision (``proposal_decide``: the member verb of the registry, fired with the
decision's number, date and signer) or returns it with a reason (``proposal_return``). Each writes one
audit entry; the decision writes the verb's own entries too. The procedures module will turn
proposals into cases; until then a proposal is this record.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dangvu.accounts.permissions import require_perm
from dangvu.audit.services import audit_created, audit_log
from dangvu.members.authority import (
    Authority,
    authority_for,
    full_members_on_roll,
    require_decider,
    verb_label,
)
from dangvu.members.models import Member, MemberProposal, ProposalStatus
from dangvu.members.models.authority import DecisionVerb
from dangvu.members.services import lock
from dangvu.members.workflow import LIFECYCLE

# The member verb (registry transition) a proposal turns into, and the input that takes the decision date.
TRANSITION_OF: dict[str, str] = {
    DecisionVerb.READMIT: "readmit",
    DecisionVerb.RECOGNIZE: "recognize",
    DecisionVerb.END_PROBATION: "end-probation",
    DecisionVerb.REMOVE: "remove",
    DecisionVerb.LEAVE: "leave",
    DecisionVerb.BADGE: "badge",
    DecisionVerb.DISMISSAL: "discipline",
    DecisionVerb.EXPULSION: "discipline",
}
DATE_INPUT: dict[str, str] = {
    "readmit": "admitted_on",
    "recognize": "decided_on",
    "end-probation": "on",
    "remove": "on",
    "leave": "on",
    "badge": "awarded_on",
    "discipline": "decided_on",
}
# Inputs the decision supplies; the proposal carries the others (reason, milestone, …).
DECISION_INPUTS = frozenset(
    {"decision", "signer", "authority", "votes_for", "votes_against", "members_on_roll"}
)


def detail_inputs(verb: str) -> list[Any]:
    """The inputs of ``verb``'s transition that the chi bộ's proposal states (not the decision's)."""
    name = TRANSITION_OF[verb]
    transition = LIFECYCLE.by_name[name]
    skip = DECISION_INPUTS | {DATE_INPUT[name]} | ({"form"} if name == "discipline" else set())
    return [i for i in transition.inputs if i.name not in skip]


def proposable(user: Any, member: Member) -> list[str]:
    """The verbs ``user`` may propose for ``member`` now: they manage the member, the verb goes to a
    level above the chi bộ that they do not hold, and the member's status allows it."""
    from dangvu.accounts.querysets import can
    from dangvu.members.authority import decides

    if not can(user, "members.manage", member):
        return []
    verbs = []
    for verb, name in TRANSITION_OF.items():
        authority = authority_for(verb, member.org)
        if authority is None or authority.by_cell or authority.unit is None or decides(user, authority):
            continue
        if LIFECYCLE.state_allows(LIFECYCLE.by_name[name], member):
            verbs.append(str(verb))
    return verbs


def _deciding(verb: str, member: Member, on: date) -> Authority:
    authority = authority_for(verb, member.org, on) if verb in DecisionVerb.values else None
    if authority is not None and authority.by_cell:
        raise ValidationError(
            {
                "verb": f"“{verb_label(verb)}” do chi bộ quyết định: ghi nhận quyết định của chi bộ, không lập đề nghị."
            }
        )
    if verb not in TRANSITION_OF:
        raise ValidationError({"verb": "Nghiệp vụ này không lập đề nghị trên hồ sơ đảng viên."})
    if authority is None:
        raise ValidationError(
            {"verb": f"Chưa có quy định về cấp quyết định “{verb_label(verb)}” vào ngày này."}
        )
    if authority.unit is None:
        raise ValidationError(
            {"verb": f"Không xác định được đơn vị có thẩm quyền quyết định “{verb_label(verb)}”."}
        )
    return authority


def _clean_details(verb: str, details: dict[str, Any]) -> dict[str, Any]:
    allowed = {i.name: i for i in detail_inputs(verb)}
    unknown = sorted(set(details) - set(allowed))
    if unknown:
        raise ValidationError({"details": f"Không dùng các trường: {', '.join(unknown)}."})
    cleaned: dict[str, Any] = {}
    for name, spec in allowed.items():
        value = details.get(name, spec.default)
        if spec.required and value in (None, ""):
            raise ValidationError({name: f"Cần “{spec.label}”."})
        if spec.kind == "date" and isinstance(value, str) and value:
            try:
                value = date.fromisoformat(value)
            except ValueError as error:
                raise ValidationError({name: "Ngày không hợp lệ (định dạng YYYY-MM-DD)."}) from error
        if isinstance(value, date):
            value = value.isoformat()
        cleaned[name] = value
    return cleaned


@transaction.atomic
def proposal_create(
    *,
    actor: Any,
    member: Member,
    verb: str,
    resolution_number: str,
    resolution_date: date,
    votes_for: int | None = None,
    votes_against: int | None = None,
    members_on_roll: int | None = None,
    details: dict[str, Any] | None = None,
) -> MemberProposal:
    """Record the chi bộ's resolution proposing ``verb`` for ``member`` to the deciding level.

    Refuses (Vietnamese reason) a verb the chi bộ decides itself or whose deciding level cannot be
    found, a verb the member's status does not allow, a resolution in the future or without number,
    a vote that does not carry (e.g. admission: at least 2/3 of the chi bộ's full members **on the
    roll**, not of the votes cast; the roll defaults to the chi bộ's official members in the
    database), and a second open proposal of the same verb. One audit entry.
    """
    member = lock(member)
    require_perm(actor, "members.manage", member.org)
    if resolution_date > timezone.localdate():
        raise ValidationError({"resolution_date": "Ngày nghị quyết không được ở tương lai."})
    if not resolution_number.strip():
        raise ValidationError({"resolution_number": "Cần số nghị quyết của chi bộ."})
    authority = _deciding(verb, member, resolution_date)
    LIFECYCLE.ensure_state(member, TRANSITION_OF[verb])
    cleaned = _clean_details(verb, details or {})
    if authority.threshold is not None or votes_for is not None:
        if members_on_roll is None:
            members_on_roll = full_members_on_roll(member.org)
        if (votes_for or 0) + (votes_against or 0) > members_on_roll:
            raise ValidationError(
                {"votes_against": "Tổng số phiếu không được lớn hơn số đảng viên chính thức trong danh sách."}
            )
        if (refused := authority.vote_refusal(votes_for, members_on_roll)) is not None:
            raise ValidationError({"votes_for": refused})
    assert authority.unit is not None  # _deciding refuses a rule without a unit
    try:
        with transaction.atomic():
            proposal = MemberProposal.objects.create(
                member=member,
                verb=verb,
                details=cleaned,
                org=member.org,
                deciding_org=authority.unit,
                deciding_body=authority.label[:200],
                resolution_number=resolution_number.strip(),
                resolution_date=resolution_date,
                votes_for=votes_for,
                votes_against=votes_against,
                members_on_roll=members_on_roll,
                proposed_by=actor,
            )
    except IntegrityError as error:
        raise ValidationError(
            f"Đã có đề nghị “{verb_label(verb)}” cho đảng viên này đang chờ quyết định."
        ) from error
    audit_created(actor=actor, obj=proposal, event="members.propose", org=member.org)
    return proposal


def _locked(proposal: MemberProposal) -> MemberProposal:
    locked = (
        MemberProposal.objects.select_for_update(of=("self",))
        .select_related("member", "member__org", "member__org__org_type", "deciding_org")
        .get(pk=proposal.pk)
    )
    if locked.status != ProposalStatus.PROPOSED:
        raise ValidationError(f"Đề nghị này đã được xử lý ({locked.get_status_display()}).")
    return locked


@transaction.atomic
def proposal_decide(
    *, actor: Any, proposal: MemberProposal, decision_number: str, decided_on: date, signer: str = ""
) -> MemberProposal:
    """The deciding level turns the proposal into its decision: the member verb is performed (through
    the registry, with all its checks and audit) with the decision's number, date and signer, and the
    proposal is marked decided. Refuses a user below the deciding level (403 with the reason), a
    decision before the resolution, and everything the verb itself refuses (nothing is written)."""
    proposal = _locked(proposal)
    member = proposal.member
    require_decider(actor, proposal.verb, member.org, decided_on)
    if not decision_number.strip():
        raise ValidationError({"decision_number": "Cần số quyết định."})
    if decided_on < proposal.resolution_date:
        raise ValidationError({"decided_on": "Ngày quyết định không được trước ngày nghị quyết của chi bộ."})
    name = TRANSITION_OF[proposal.verb]
    values: dict[str, Any] = {
        **proposal.details,
        DATE_INPUT[name]: decided_on,
        "decision": decision_number.strip(),
        "signer": signer.strip(),
    }
    if name == "discipline":
        values |= {"form": proposal.verb.split(":", 1)[1], "authority": proposal.deciding_body}
    for spec in LIFECYCLE.by_name[name].inputs:  # dates kept as text in the proposal
        if spec.kind == "date" and isinstance(values.get(spec.name), str):
            values[spec.name] = date.fromisoformat(values[spec.name])
    LIFECYCLE.fire(name, actor=actor, obj=member, values=values)
    proposal.status = ProposalStatus.DECIDED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_number = decision_number.strip()
    proposal.decision_date = decided_on
    proposal.signer = signer.strip()
    proposal.save(
        update_fields=["status", "decided_by", "decided_at", "decision_number", "decision_date", "signer"]
    )
    audit_log(
        actor=actor,
        action="update",
        obj=proposal,
        org=proposal.deciding_org,
        event="members.proposal_decide",
        changes={"status": [ProposalStatus.PROPOSED, ProposalStatus.DECIDED]},
        data={"decision": proposal.decision_number, "decided_on": decided_on.isoformat(), "signer": signer},
    )
    return proposal


@transaction.atomic
def proposal_return(*, actor: Any, proposal: MemberProposal, reason: str) -> MemberProposal:
    """The deciding level returns the proposal to the chi bộ with a reason (nothing else changes)."""
    proposal = _locked(proposal)
    require_decider(actor, proposal.verb, proposal.member.org)
    if not reason.strip():
        raise ValidationError({"reason": "Cần ghi rõ lý do trả lại."})
    proposal.status = ProposalStatus.RETURNED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.return_reason = reason.strip()[:500]
    proposal.save(update_fields=["status", "decided_by", "decided_at", "return_reason"])
    audit_log(
        actor=actor,
        action="update",
        obj=proposal,
        org=proposal.deciding_org,
        event="members.proposal_return",
        changes={"status": [ProposalStatus.PROPOSED, ProposalStatus.RETURNED]},
        data={"reason": proposal.return_reason},
    )
    return proposal
