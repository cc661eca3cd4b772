from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from dangvu.audit.models import AuditEntry
from dangvu.workcalendar.calendar import add_working_days, is_working_day, working_days_between
from dangvu.workcalendar.models import CalendarDay
from dangvu.workcalendar.services import calendar_day_remove, calendar_day_set

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Tết Bính Ngọ 2026: 16/2 (Mon) – 20/2 (Fri) off, weekends either side.
        (date(2026, 2, 13), 1, date(2026, 2, 23)),
        (date(2026, 2, 12), 2, date(2026, 2, 23)),
        # Tết Ất Tỵ 2025: 27/1 – 31/1 and Sat 1/2.
        (date(2025, 1, 24), 1, date(2025, 2, 3)),
        # 30/4 (Thu) and 1/5 (Fri) 2026.
        (date(2026, 4, 29), 1, date(2026, 5, 4)),
        # Giỗ Tổ 2026 falls on Sunday 26/4: Monday 27/4 is the day off in lieu.
        (date(2026, 4, 24), 1, date(2026, 4, 28)),
        # 2/9/2026: 31/8 (swapped day off), 1/9 and 2/9 off.
        (date(2026, 8, 28), 1, date(2026, 9, 3)),
        # Across the year end: 1/1/2026 is a holiday.
        (date(2025, 12, 31), 1, date(2026, 1, 2)),
        (date(2025, 12, 31), 0, date(2025, 12, 31)),
        # A normal week: Friday + 1 = Monday.
        (date(2026, 3, 6), 1, date(2026, 3, 9)),
        # 30 working days from Monday 2/3/2026 (no holiday in between): six weeks later.
        (date(2026, 3, 2), 30, date(2026, 4, 13)),
    ],
)
def test_add_working_days_worked_examples(start, days, expected):
    assert add_working_days(start, days) == expected
    assert working_days_between(start, expected) == days


def test_working_days_between_is_signed_and_excludes_start():
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1
    assert working_days_between(date(2026, 2, 23), date(2026, 2, 13)) == -1
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0


def test_holidays_and_weekends_are_not_working_days():
    assert not is_working_day(date(2026, 9, 2))
    assert not is_working_day(date(2026, 2, 17))
    assert not is_working_day(date(2026, 3, 7))  # Saturday
    assert is_working_day(date(2026, 3, 9))


def test_negative_day_count_is_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 1, 5), -1)


def test_compensatory_saturday_and_extra_day_off_change_open_deadlines(
    admin_user, django_capture_on_commit_callbacks
):
    # Before: Friday 20/8/2027 + 1 = Monday 23/8 (2027 is not announced yet).
    assert add_working_days(date(2027, 8, 20), 1) == date(2027, 8, 23)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_set(
            actor=admin_user, day=date(2027, 8, 21), kind=CalendarDay.Kind.WORKING_DAY, note="Làm bù"
        )
    assert add_working_days(date(2027, 8, 20), 1) == date(2027, 8, 21)

    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)
    with django_capture_on_commit_callbacks(execute=True):
        day_off = calendar_day_set(
            actor=admin_user, day=date(2026, 3, 9), kind=CalendarDay.Kind.DAY_OFF, note="Nghỉ"
        )
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 10)

    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_remove(actor=admin_user, day=day_off)
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)
    events = list(
        AuditEntry.objects.filter(object_type="workcalendar.calendarday").values_list("action", flat=True)
    )
    assert sorted(events) == ["create", "create", "delete"]


def test_calendar_change_asks_every_module_participant_with_the_changed_days(
    admin_user, django_capture_on_commit_callbacks, monkeypatch
):
    seen = []

    class Recorder:
        def recompute_deadlines(self, *, actor, first, last):
            seen.append((actor, first, last, add_working_days(date(2026, 3, 6), 1)))
            return 1

    monkeypatch.setattr("dangvu.core.modules.calendar_participants", lambda: [Recorder()])
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_set(actor=admin_user, day=date(2026, 3, 9), kind=CalendarDay.Kind.DAY_OFF)
    assert seen == [(admin_user, date(2026, 3, 9), date(2026, 3, 9), date(2026, 3, 10))]


def test_only_calendar_managers_change_the_calendar(people):
    with pytest.raises(PermissionDenied):
        calendar_day_set(actor=people.clerk, day=date(2026, 3, 9), kind=CalendarDay.Kind.DAY_OFF)
    assert not CalendarDay.objects.filter(date=date(2026, 3, 9)).exists()
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)
