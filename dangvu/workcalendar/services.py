from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from dangvu.accounts.permissions import WHOLE_TREE, require_perm
from dangvu.audit.services import audit_log, diff, snapshot
from dangvu.workcalendar import calendar
from dangvu.workcalendar.models import CalendarDay


def _after_change() -> None:
    calendar.bump_version()
    from dangvu.workcalendar.tasks import recompute_deadlines_task

    recompute_deadlines_task()


@transaction.atomic
def calendar_day_set(*, actor: Any, day: date, kind: str, note: str = "") -> CalendarDay:
    """Declare ``day`` an extra day off or a compensatory working day. Side effects: audit; after commit,
    the calendar version is bumped and open deadlines are recomputed by a job."""
    require_perm(actor, "calendar.manage", WHOLE_TREE)
    if kind not in CalendarDay.Kind.values:
        raise ValidationError({"kind": _("Loại ngày không hợp lệ.")})
    existing = CalendarDay.objects.select_for_update().filter(date=day).first()
    before = snapshot(existing) if existing else {}
    entry, _created = CalendarDay.objects.update_or_create(
        date=day, defaults={"kind": kind, "note": note.strip()}
    )
    audit_log(
        actor=actor,
        action="update" if existing else "create",
        obj=entry,
        event="calendar.set",
        changes=diff(before, snapshot(entry)),
    )
    transaction.on_commit(_after_change)
    return entry


@transaction.atomic
def calendar_day_remove(*, actor: Any, day: CalendarDay) -> None:
    require_perm(actor, "calendar.manage", WHOLE_TREE)
    audit_log(actor=actor, action="delete", obj=day, event="calendar.remove", changes=diff(snapshot(day), {}))
    day.delete()
    transaction.on_commit(_after_change)
