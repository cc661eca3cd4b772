"""Handling deadlines of incoming documents, for the daily reminder job (``dangvu.notifications``).

* Due soon (the deadline within ``SOON_WORKING_DAYS`` working days, or today): the handlers are
  reminded — the lead person, or where the lead is a unit, its people who handle documents.
* Overdue (the deadline passed, the document not done): the handlers are reminded again, and the
  leader who gave the instruction (bút phê) is told — the escalation.

Each reminder is sent once per deadline (a deadline moved by a new assignment reminds again). A secret
document's reminder names only its register number, and goes in the application, never by e-mail: the
Internet carries only non-secret documents (QĐ 337-QĐ/TW).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from dangvu.core.modules import Reminder
from dangvu.documents.enums import IncomingStatus

SOON_WORKING_DAYS = 2


def _handlers(assignment: Any) -> list[Any]:
    if assignment.lead_user_id is not None:
        return [assignment.lead_user]
    from dangvu.accounts.models import RoleAssignment

    return sorted(
        {
            a.user
            for a in RoleAssignment.objects.active()
            .filter(org=assignment.lead_org)
            .select_related("user", "role")
            if "documents.handle" in (a.role.permissions or [])
        },
        key=lambda user: user.pk,
    )


def _what(document: Any) -> str:
    number = f"số đến {document.incoming_number}" if document.incoming_number else "không số"
    if document.secrecy:
        return f"Văn bản đến {number}"
    return f"Văn bản đến {number}: {document.subject[:120]}"


def handling_reminders(today: date) -> list[Reminder]:
    """The reminders due on ``today`` (see the module docstring)."""
    from dangvu.documents.models import Assignment
    from dangvu.workcalendar.calendar import add_working_days

    horizon = add_working_days(today, SOON_WORKING_DAYS)
    assignments = (
        Assignment.objects.filter(
            active=True,
            document__status__in=[IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS],
            document__deadline__isnull=False,
            document__deadline__lte=horizon,
        )
        .select_related("document", "lead_user", "lead_org", "assigned_by")
        .order_by("document__deadline", "document_id")
    )
    reminders = []
    for assignment in assignments:
        document = assignment.document
        deadline = document.deadline
        if deadline is None:  # filtered out above; for the type checker
            continue
        url = reverse("documents:detail", args=[document.pk])
        secret = bool(document.secrecy)
        if deadline >= today:
            reminders.append(
                Reminder(
                    key=f"documents.soon:{document.pk}:{deadline}",
                    recipients=_handlers(assignment),
                    title=f"Sắp đến hạn xử lý ({deadline:%d/%m/%Y}) — {_what(document)}",
                    url=url,
                    email=not secret,
                )
            )
            continue
        reminders.append(
            Reminder(
                key=f"documents.overdue:{document.pk}:{deadline}",
                recipients=_handlers(assignment),
                title=f"Quá hạn xử lý từ {deadline:%d/%m/%Y} — {_what(document)}",
                url=url,
                email=not secret,
            )
        )
        if assignment.assigned_by is not None:
            reminders.append(
                Reminder(
                    key=f"documents.escalated:{document.pk}:{deadline}",
                    recipients=[assignment.assigned_by],
                    title=f"Văn bản giao xử lý đã quá hạn ({deadline:%d/%m/%Y}) — {_what(document)}",
                    url=url,
                    email=not secret,
                )
            )
    return reminders
