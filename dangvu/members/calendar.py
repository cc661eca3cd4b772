"""The members module's calendar participant (``core.modules.CalendarParticipant``).

Stored deadlines computed from a rule move when the working-day calendar changes: the date by which a
transferred member must present the letter (``Transfer.due_on``: n working days after the letter). The
recognition and committee clocks (``clocks.py``) are computed from their stored start dates when read,
so they follow the calendar without a write; no date a person set by hand is touched. Each move is one
audit entry.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dangvu.audit.services import audit_log
from dangvu.members.models import Transfer
from dangvu.members.models.reference import rule
from dangvu.workcalendar.calendar import add_working_days


def transfer_due_on(issued_on: date) -> date:
    """The last day to present the transfer letter (rule ``transfer_present_working_days``)."""
    return add_working_days(issued_on, int(rule("transfer_present_working_days", issued_on, default=30)))


class MemberCalendar:
    """Recompute the pending transfers' presentation deadlines after a calendar change."""

    def recompute_deadlines(self, *, actor: Any, first: date, last: date) -> int:
        moved = 0
        rows = (
            Transfer.objects.pending()
            .filter(issued_on__lte=last, due_on__gte=first - timedelta(days=1))
            .select_related("from_org")
        )
        for transfer in rows:
            new = transfer_due_on(transfer.issued_on)
            if new == transfer.due_on:
                continue
            audit_log(
                actor=actor,
                action="update",
                obj=transfer,
                org=transfer.from_org,
                event="members.deadline_recomputed",
                changes={"due_on": [transfer.due_on, new]},
            )
            Transfer.objects.filter(pk=transfer.pk).update(due_on=new)
            moved += 1
        return moved
