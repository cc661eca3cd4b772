"""The calendar's forms take dates typed dd/mm/yyyy (the product's date input, never type=date)."""

from __future__ import annotations

import pytest

from dangvu.workcalendar.models import CalendarDay

pytestmark = pytest.mark.django_db


def test_calendar_dates_are_typed_dd_mm_yyyy_and_an_impossible_day_changes_nothing(client, people):
    client.force_login(people.admin)
    page = client.get("/calendar/", {"start": "13/02/2026", "days": "1"}).content.decode()
    assert 'type="date"' not in page
    assert 'data-datepicker="day"' in page
    assert "23/02/2026" in page
    before = list(CalendarDay.objects.order_by("date").values_list("date", "kind"))  # the pinned holidays
    refused = client.post("/calendar/days/add/", {"date": "31/02/2026", "kind": "day_off"}, follow=True)
    assert "Ngày không tồn tại." in refused.content.decode()
    assert list(CalendarDay.objects.order_by("date").values_list("date", "kind")) == before
    client.post("/calendar/days/add/", {"date": "09/03/2026", "kind": "day_off", "note": "Nghỉ bù"})
    assert CalendarDay.objects.get(date__year=2026, date__month=3, date__day=9).kind == "day_off"
