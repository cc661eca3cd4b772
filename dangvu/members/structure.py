"""What happens to members when the organisation tree changes (the members module's structure
participant, see ``dangvu.core.modules.StructureParticipant``).

Members follow their unit: a merge moves them to the receiving unit, a split gives them to the new
units as the split says, a moved unit takes its subtree's counts from the old ancestor chain to the new
one. Transfers on their way into a merged unit (and temporary transfers still running there) go to its
successor; a unit that still has members, or such transfers into it, cannot be dissolved (the refusal
lists them).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from dangvu.audit.services import audit_log
from dangvu.members import rollups
from dangvu.members.enums import TransferStatus
from dangvu.members.models import Member, Transfer
from dangvu.members.services import members_move, members_move_all

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class MemberStructure:
    def unit_created(self, *, actor: Any, org: Any) -> None:
        rollups.ensure_rows([org])

    def unit_moved(self, *, actor: Any, org: Any, old_parent: Any, new_parent: Any) -> None:
        rollups.shift_subtree(moved=org, old_parent=old_parent, new_parent=new_parent)

    def units_merged(self, *, actor: Any, source: Any, target: Any, on: date) -> None:
        members_move_all(actor=actor, from_org=source, to_org=target)
        for transfer in Transfer.objects.into(on).filter(to_org=source).select_related("member"):
            transfer.to_org = target
            transfer.save(update_fields=["to_org"])
            audit_log(
                actor=actor,
                action="update",
                obj=transfer,
                org=target,
                event="members.transfer_redirected",
                changes={"to_org": [source.pk, target.pk]},
                data={"member": transfer.member_id, "reason": "merge"},
            )
        # A member now in the very unit they were transferring into has nowhere to go: the transfer ends.
        from dangvu.members.lifecycle import transfer_cancel

        for transfer in Transfer.objects.into(on).filter(to_org=target, member__org=target):
            if transfer.status == TransferStatus.PENDING:
                transfer_cancel(
                    actor=actor,
                    transfer=transfer,
                    reason=str(_("Hợp nhất: nơi đi và nơi đến là một đơn vị.")),
                )

    def unit_split(
        self, *, actor: Any, source: Any, parts: Sequence[tuple[Any, dict[str, Any]]], on: date
    ) -> None:
        remaining = set(Member.objects.filter(org=source).values_list("pk", flat=True))
        for new_org, part in parts:
            chosen = [pk for pk in part.get("members", []) if pk in remaining]
            members_move(actor=actor, member_ids=chosen, to_org=new_org)
            remaining -= set(chosen)
        if parts:
            members_move(actor=actor, member_ids=sorted(remaining), to_org=parts[0][0])

    def dissolve_blockers(self, org: Any) -> Sequence[StrOrPromise]:
        reasons: list[StrOrPromise] = []
        current = Member.objects.filter(org=org).current().count()
        if current:
            reasons.append(
                format_lazy(
                    _(
                        "Đơn vị còn {count} đảng viên đang sinh hoạt; hãy chuyển sinh hoạt cho họ trước khi giải thể."
                    ),
                    count=current,
                )
            )
        into = Transfer.objects.into(timezone.localdate()).filter(to_org=org)
        incoming = list(into.select_related("member").order_by("pk")[:20])
        if incoming:
            names = ", ".join(t.member.full_name for t in incoming)
            more = into.count() - len(incoming) if len(incoming) == 20 else 0
            if more:
                names = f"{names} (+{more})"
            reasons.append(
                format_lazy(
                    _(
                        "Có đảng viên đang chuyển sinh hoạt đến hoặc sinh hoạt tạm thời tại đơn vị này: {names}."
                    ),
                    names=names,
                )
            )
        return reasons

    def unit_dissolved(self, *, actor: Any, org: Any, on: date) -> None:
        return None
