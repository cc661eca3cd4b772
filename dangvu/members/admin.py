"""Back office for who decides: the deciding levels (per unit type, dated) and the delegations of
admission power to a đảng ủy cơ sở. Every change is audited (``AuditedModelAdmin``). Proposals are
changed only through their services (``dangvu.members.proposals``); the admin shows them read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dangvu.core.admin import AuditedModelAdmin
from dangvu.members.models import DecisionAuthority, DecisionDelegation, MemberProposal


@admin.register(DecisionAuthority)
class DecisionAuthorityAdmin(AuditedModelAdmin):
    list_display = (
        "verb",
        "org_type",
        "level",
        "body",
        "permission",
        "delegable",
        "vote_numerator",
        "vote_denominator",
        "valid_from",
        "valid_to",
        "legal_basis",
        "is_default",
    )
    list_filter = ("verb", "level", "is_default")


@admin.register(DecisionDelegation)
class DecisionDelegationAdmin(AuditedModelAdmin):
    list_display = (
        "org",
        "power",
        "decision_number",
        "decision_date",
        "granted_by",
        "valid_from",
        "valid_to",
    )
    list_filter = ("power",)
    raw_id_fields = ("org", "granted_by")
    search_fields = ("org__name", "decision_number")


@admin.register(MemberProposal)
class MemberProposalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("member", "verb", "resolution_number", "resolution_date", "deciding_body", "status")
    list_filter = ("verb", "status")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
