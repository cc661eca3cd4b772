"""Back office for the member rules: who decides (the deciding levels per unit type, dated), the
delegations of admission power to a đảng ủy cơ sở, and the rule values (``MemberRule``: time limits,
age limits, badge waits, transfer categories, re-admission), each with its legal basis and dates and
the "chưa xác nhận" flag of an unconfirmed default. Every change is audited (``AuditedModelAdmin``).
Proposals are changed only through their services (``dangvu.members.proposals``); the admin shows them
read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dangvu.core.admin import AuditedModelAdmin
from dangvu.members.models import DecisionAuthority, DecisionDelegation, MemberProposal, MemberRule


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
        "confirmation",
    )
    list_filter = ("verb", "level", "is_default")

    @admin.display(description=_("xác nhận"), ordering="is_default")
    def confirmation(self, obj: DecisionAuthority) -> str:
        return str(_("Chưa xác nhận") if obj.is_default else _("Đã xác nhận"))


@admin.register(MemberRule)
class MemberRuleAdmin(AuditedModelAdmin):
    """A correction is a new version (a row from a new date) or an edit of the row with its source;
    clearing ``is_default`` records that the value was checked against the text."""

    list_display = (
        "key",
        "value",
        "effective_from",
        "effective_to",
        "legal_basis",
        "confirmation",
        "description",
    )
    list_filter = ("is_default", "key")
    search_fields = ("key", "legal_basis", "description")

    @admin.display(description=_("xác nhận"), ordering="is_default")
    def confirmation(self, obj: MemberRule) -> str:
        return str(_("Chưa xác nhận") if obj.is_default else _("Đã xác nhận"))


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
