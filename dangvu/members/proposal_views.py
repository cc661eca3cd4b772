"""Pages of "who decides": the chi bộ's proposal form, the deciding level's decide and return forms, the
list of proposals, and the read-only table of deciding levels for the organisation board. Every write
goes through ``dangvu.members.proposals``; every check through ``dangvu.members.authority``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangvu.accounts.permissions import require_perm, require_perm_somewhere
from dangvu.core.forms import VNDateField
from dangvu.core.http import AuthenticatedHttpRequest
from dangvu.core.workflows import form_field
from dangvu.members import proposals as services
from dangvu.members.authority import authority_for, full_members_on_roll, refusal
from dangvu.members.enums import DisciplineForm
from dangvu.members.models import (
    DecisionAuthority,
    DecisionDelegation,
    Member,
    MemberProposal,
    MemberRule,
    ProposalStatus,
)
from dangvu.members.models.authority import DecisionVerb
from dangvu.members.worklists import proposals_to_decide


def _attach(form: forms.BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ProposalForm(forms.Form):
    resolution_number = forms.CharField(label=_("Số nghị quyết của chi bộ"), max_length=100)
    resolution_date = VNDateField(label=_("Ngày nghị quyết"))
    votes_for = forms.IntegerField(label=_("Số đảng viên tán thành"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("Số không tán thành"), min_value=0, required=False)
    members_on_roll = forms.IntegerField(
        label=_("Số đảng viên chính thức trong danh sách"),
        min_value=1,
        required=False,
        help_text=_("Tỷ lệ biểu quyết tính trên số này (không phải trên số phiếu)."),
    )


def _proposal_form(verb: str) -> type[forms.Form]:
    fields = {spec.name: form_field(spec) for spec in services.detail_inputs(verb)}
    return type("ProposalDetailsForm", (ProposalForm,), fields)


@login_required
def propose(request: AuthenticatedHttpRequest, pk: int, verb: str) -> HttpResponse:
    """The chi bộ's resolution proposing ``verb`` for a member to the deciding level."""
    member = get_object_or_404(Member.objects.visible_to(request.user).select_related("org__org_type"), pk=pk)
    if verb not in services.TRANSITION_OF:
        raise Http404("Không có nghiệp vụ này.")
    require_perm(request.user, "members.manage", member.org)
    form_class = _proposal_form(verb)
    authority = authority_for(verb, member.org)
    initial = {"members_on_roll": full_members_on_roll(member.org)}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        base = {name: data.pop(name) for name in list(ProposalForm.base_fields)}
        try:
            services.proposal_create(actor=request.user, member=member, verb=verb, details=data, **base)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Đã ghi nhận đề nghị của chi bộ."))
            return redirect(member.get_absolute_url() + "#proposals")
    title = _("Đề nghị: %(verb)s") % {"verb": DecisionVerb(verb).label}
    return render(
        request,
        "members/proposal_form.html",
        {"form": form, "title": f"{title} — {member.full_name}", "member": member, "authority": authority},
    )


class DecideForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=100)
    decided_on = VNDateField(label=_("Ngày quyết định"))
    signer = forms.CharField(label=_("Người ký quyết định"), max_length=150, required=False)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do trả lại"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


def _open_proposal(request: AuthenticatedHttpRequest, pk: int) -> MemberProposal:
    proposal = get_object_or_404(
        MemberProposal.objects.visible_to(request.user).select_related("member__org__org_type"), pk=pk
    )
    if (reason := refusal(request.user, proposal.verb, proposal.member.org)) is not None:
        raise PermissionDenied(reason)
    return proposal


@login_required
def proposal_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _open_proposal(request, pk)
    form = DecideForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_decide(actor=request.user, proposal=proposal, **form.cleaned_data)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Đã ghi nhận quyết định."))
            return redirect(proposal.get_absolute_url())
    return _proposal_page(request, proposal, form, _("Quyết định theo đề nghị"))


@login_required
def proposal_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _open_proposal(request, pk)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_return(
                actor=request.user, proposal=proposal, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Đã trả lại đề nghị cho chi bộ."))
            return redirect(proposal.get_absolute_url())
    return _proposal_page(request, proposal, form, _("Trả lại đề nghị"))


def _proposal_page(
    request: AuthenticatedHttpRequest, proposal: MemberProposal, form: forms.Form, title: Any
) -> HttpResponse:
    return render(
        request,
        "members/proposal_form.html",
        {
            "form": form,
            "title": f"{title}: {proposal.get_verb_display()} — {proposal.member.full_name}",
            "member": proposal.member,
            "proposal": proposal,
        },
    )


@login_required
def proposal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Proposals the user sees; "to decide" first: those waiting for a unit where they decide."""
    require_perm_somewhere(request.user, "members.view")
    waiting = list(proposals_to_decide(request.user).order_by("resolution_date", "pk")[:200])
    seen = (
        MemberProposal.objects.visible_to(request.user)
        .select_related("member", "member__org", "proposed_by")
        .order_by("-proposed_at", "-pk")[:200]
    )
    return render(request, "members/proposals.html", {"waiting": waiting, "proposals": seen})


@login_required
def authority_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Read-only: who decides each verb, by period, and the delegations of admission power in force."""
    require_perm_somewhere(request.user, "members.view")
    today = timezone.localdate()
    rules = DecisionAuthority.objects.select_related("org_type").order_by("verb", "org_type", "-valid_from")
    delegations = DecisionDelegation.objects.select_related("org", "granted_by").order_by(
        "org__path", "-valid_from"
    )
    # The rule values not confirmed against the texts (``is_default``), for the administrator to check.
    unconfirmed = list(MemberRule.objects.filter(is_default=True).order_by("key", "-effective_from"))
    for rule in unconfirmed:
        rule.value_shown = _rule_value(rule.value)  # type: ignore[attr-defined]
    return render(
        request,
        "members/authority.html",
        {
            "rules": rules,
            "delegations": delegations,
            "unconfirmed": unconfirmed,
            "today": today,
            "statuses": ProposalStatus,
        },
    )


def _rule_value(value: Any) -> str:
    """A rule's value as people read it: "Khiển trách: 6 · Cảnh cáo: 9", "Áp dụng"/"Không áp dụng", a list joined.

    A mapping's keys that name a discipline form read as its label, in the regulation's order (lightest
    first); other keys follow in alphabetical order. The stored order is no guide: PostgreSQL's jsonb keeps
    keys sorted by length."""
    if isinstance(value, bool):
        return str(_("Áp dụng") if value else _("Không áp dụng"))
    if isinstance(value, dict):
        forms_in_order = list(DisciplineForm.values)
        labels = dict(DisciplineForm.choices)

        def order(key: str) -> tuple[int, str]:
            return (forms_in_order.index(key), "") if key in labels else (len(forms_in_order), key)

        return " · ".join(
            f"{labels.get(key, key)}: {_rule_value(value[key])}" for key in sorted(value, key=order)
        )
    if isinstance(value, list | tuple):
        return ", ".join(_rule_value(item) for item in value)
    return str(value)
