"""The calendar's write verbs. Every path that edits the calendar (the calendar page, the API, the
Django admin, the ``calendar_seed`` command) goes through these, so every change is audited and every
open deadline computed from a rule follows it in every module (``core.modules`` calendar
participants), as a job after commit."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from dangvu.accounts.permissions import WHOLE_TREE, require_perm
from dangvu.audit.services import audit_log, diff, snapshot
from dangvu.workcalendar import calendar
from dangvu.workcalendar.models import CalendarDay, CalendarYear
from dangvu.workcalendar.seed import FIRST_YEAR, LAST_YEAR, seed_years


def _after_change(actor: Any, first: date, last: date) -> None:
    """After commit: every process sees the new calendar, then the modules move their deadlines."""

    def run() -> None:
        calendar.bump_version()
        from dangvu.workcalendar.tasks import recompute_deadlines_task

        recompute_deadlines_task(getattr(actor, "pk", None), first.isoformat(), last.isoformat())

    transaction.on_commit(run)


def _check_range(day: date) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(
            {
                "date": _("Lịch chỉ hỗ trợ các năm từ %(first)d đến %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            }
        )


@transaction.atomic
def calendar_day_set(
    *, actor: Any, day: date, kind: str, note: str = "", legal_basis: str = ""
) -> CalendarDay:
    """Declare ``day`` a public holiday, an extra day off or a make-up working day (the government's
    announcement as ``legal_basis``). Side effects: audit; after commit, the calendar version is bumped
    and every module's open rule-computed deadlines are recomputed by a job."""
    require_perm(actor, "calendar.manage", WHOLE_TREE)
    if kind not in CalendarDay.Kind.values:
        raise ValidationError({"kind": _("Loại ngày không hợp lệ.")})
    _check_range(day)
    existing = CalendarDay.objects.select_for_update().filter(date=day).first()
    before = snapshot(existing) if existing else {}
    entry, _created = CalendarDay.objects.update_or_create(
        date=day,
        defaults={
            "kind": kind,
            "note": note.strip(),
            "legal_basis": legal_basis.strip(),
            "source": CalendarDay.Source.ADMIN,
        },
    )
    audit_log(
        actor=actor,
        action="update" if existing else "create",
        obj=entry,
        event="calendar.set",
        changes=diff(before, snapshot(entry)),
    )
    _after_change(actor, day, day)
    return entry


@transaction.atomic
def calendar_day_remove(*, actor: Any, day: CalendarDay) -> None:
    """Remove a day from the table (it becomes what the standard week says). Side effects: as
    ``calendar_day_set``."""
    require_perm(actor, "calendar.manage", WHOLE_TREE)
    audit_log(actor=actor, action="delete", obj=day, event="calendar.remove", changes=diff(snapshot(day), {}))
    on = day.date
    day.delete()
    _after_change(actor, on, on)


@transaction.atomic
def calendar_year_confirm(*, actor: Any, year: int, legal_basis: str) -> CalendarYear:
    """Record that the government has announced ``year``'s days off and make-up days (entered as
    days beforehand): the year stops being provisional. A year not pinned yet is pinned first from the
    package. Side effects: audit; after commit, deadlines in the year are recomputed."""
    require_perm(actor, "calendar.manage", WHOLE_TREE)
    _check_range(date(year, 1, 1))
    if not legal_basis.strip():
        raise ValidationError({"legal_basis": _("Cần ghi căn cứ: số, ngày thông báo của Chính phủ.")})
    from django.apps import apps

    seed_years(apps, [year])
    entry = CalendarYear.objects.select_for_update().get(year=year)
    before = snapshot(entry)
    entry.provisional = False
    entry.legal_basis = legal_basis.strip()
    entry.save(update_fields=["provisional", "legal_basis", "updated_at"])
    audit_log(
        actor=actor,
        action="update",
        obj=entry,
        event="calendar.year_confirm",
        changes=diff(before, snapshot(entry)),
    )
    _after_change(actor, date(year, 1, 1), date(year, 12, 31))
    return entry
