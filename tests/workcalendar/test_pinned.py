"""The pinned calendar: make-up Saturdays, legal bases, provisional years, O(years) counting, and every
edit path (page, API, admin, command) moving the open deadlines of every module."""

import time
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client

from dangvu.accounts.services import api_token_create
from dangvu.audit.models import AuditEntry
from dangvu.workcalendar import calendar
from dangvu.workcalendar.calendar import (
    add_working_days,
    is_provisional,
    is_working_day,
    working_days_between,
)
from dangvu.workcalendar.models import CalendarDay, CalendarYear
from dangvu.workcalendar.services import calendar_day_set, calendar_year_confirm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # The government's make-up Saturdays are working days.
        (date(2025, 4, 25), 1, date(2025, 4, 26)),
        (date(2024, 5, 3), 1, date(2024, 5, 4)),
        (date(2019, 5, 3), 1, date(2019, 5, 4)),
        (date(2026, 8, 21), 1, date(2026, 8, 22)),
        # ... and the weekday they bridge is a day off: Fri 2/5/2025, Mon 29/4/2024, Mon 31/8/2026.
        (date(2025, 4, 29), 1, date(2025, 5, 5)),
        (date(2024, 4, 26), 1, date(2024, 5, 2)),
        (date(2026, 8, 28), 1, date(2026, 9, 3)),
        # Across the year end with a swap: 31/12/2018 off, Saturday 5/1/2019 worked.
        (date(2018, 12, 28), 1, date(2019, 1, 2)),
        (date(2019, 1, 4), 1, date(2019, 1, 5)),
        # Tết Ất Tỵ 2025 and Tết Bính Ngọ 2026 (a long count across it).
        (date(2025, 1, 24), 1, date(2025, 2, 3)),
        (date(2026, 2, 2), 30, date(2026, 3, 23)),
        # Leap days: 29/2/2024 is a Thursday (a working day); 2028 (provisional) too.
        (date(2024, 2, 28), 1, date(2024, 2, 29)),
        (date(2028, 2, 28), 1, date(2028, 2, 29)),
    ],
)
def test_worked_examples_with_make_up_saturdays(start, days, expected):
    assert add_working_days(start, days) == expected
    assert working_days_between(start, expected) == days


def test_pinned_days_carry_their_legal_basis():
    saturday = CalendarDay.objects.get(date=date(2025, 4, 26))
    assert (saturday.kind, saturday.source) == ("working_day", "package")
    assert "6150/TB-BLĐTBXH" in saturday.legal_basis
    new_year = CalendarDay.objects.get(date=date(2025, 1, 1))
    assert (new_year.kind, new_year.legal_basis) == ("holiday", "Bộ luật Lao động 2019, Điều 112")
    assert CalendarDay.objects.get(date=date(2015, 1, 1)).legal_basis == "Bộ luật Lao động 2012, Điều 115"


def test_upgrading_the_package_cannot_move_a_pinned_day(monkeypatch):
    # A future package release that forgot the 2025 swap changes nothing: the table is the truth.
    monkeypatch.setattr(calendar, "package_years", lambda years: {y: ([], True, "other") for y in years})
    calendar.bump_version()
    assert add_working_days(date(2025, 4, 25), 1) == date(2025, 4, 26)
    assert not is_working_day(date(2025, 5, 2))


def test_unannounced_years_are_provisional_and_estimated_from_the_labour_code():
    assert not is_provisional(2025)
    assert not is_provisional(2026)
    assert is_provisional(2027)
    assert is_provisional(2045)
    assert "Tạm tính" in CalendarYear.objects.get(year=2027).legal_basis
    # 2045: Labour Code holidays still apply (1/1 on a Sunday → Monday 2/1 off).
    assert not is_working_day(date(2045, 1, 2))


def test_working_days_between_is_fast_over_the_whole_supported_range():
    started = time.perf_counter()
    total = working_days_between(date(1901, 1, 1), date(2100, 12, 31))
    assert time.perf_counter() - started < 2.0  # first call reads 200 years; cached afterwards
    started = time.perf_counter()
    assert working_days_between(date(1901, 1, 1), date(2100, 12, 31)) == total
    assert time.perf_counter() - started < 0.05
    # The formula agrees with counting day by day over a few years with swaps.
    start, end = date(2023, 12, 15), date(2026, 1, 10)
    assert working_days_between(start, end) == sum(
        1 for n in range(1, (end - start).days + 1) if is_working_day(date.fromordinal(start.toordinal() + n))
    )


def test_confirming_a_year_ends_provisional(admin_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        calendar_year_confirm(actor=admin_user, year=2027, legal_basis="Thông báo 1/TB-BNV ngày 1/11/2026")
    assert not is_provisional(2027)
    assert AuditEntry.objects.filter(event="calendar.year_confirm").count() == 1


def api(user):
    _row, token = api_token_create(actor=user, user=user)
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_api_answers_make_up_saturdays_and_says_provisional(people):
    client, auth = api(people.clerk)
    answer = client.get("/api/v1/calendar/add-working-days", {"start": "2025-04-25", "days": 1}, **auth)
    assert answer.json() == {"date": "2025-04-26", "provisional": False}
    answer = client.get("/api/v1/calendar/add-working-days", {"start": "2024-05-03", "days": 1}, **auth)
    assert answer.json() == {"date": "2024-05-04", "provisional": False}
    answer = client.get(
        "/api/v1/calendar/working-days-between", {"start": "2027-12-30", "end": "2028-01-03"}, **auth
    )
    # 1/1/2028 is a Saturday: Monday 3/1 is the day off in lieu (Labour Code Art. 112.3).
    assert answer.json() == {"working_days": 1, "provisional": True}
    year = client.get("/api/v1/calendar/years/2025", **auth).json()
    assert year["provisional"] is False
    assert {
        k: v
        for k, v in next(d for d in year["days"] if d["date"] == "2025-04-26").items()
        if k in ("date", "kind")
    } == {"date": "2025-04-26", "kind": "working_day"}
    assert client.get("/api/v1/calendar/years/2027", **auth).json()["provisional"] is True


def test_api_bounds_the_range_with_a_clear_422(people):
    client, auth = api(people.clerk)
    started = time.perf_counter()
    answer = client.get(
        "/api/v1/calendar/working-days-between", {"start": "0001-01-01", "end": "9999-12-31"}, **auth
    )
    assert time.perf_counter() - started < 0.5
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "date_out_of_range"
    assert "01/01/1901" in answer.json()["error"]["message"]
    answer = client.get("/api/v1/calendar/add-working-days", {"start": "9999-12-31", "days": 5}, **auth)
    assert answer.status_code == 422
    answer = client.get(
        "/api/v1/calendar/working-days-between", {"start": "1901-01-01", "end": "2100-12-31"}, **auth
    )
    assert answer.status_code == 200


def test_api_edits_the_calendar_and_only_managers_may(people, django_capture_on_commit_callbacks):
    client, auth = api(people.clerk)
    refused = client.put(
        "/api/v1/calendar/days/2027-03-08", {"kind": "day_off"}, content_type="application/json", **auth
    )
    assert refused.status_code == 403
    assert not CalendarDay.objects.filter(date=date(2027, 3, 8)).exists()
    client, auth = api(people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.put(
            "/api/v1/calendar/days/2027-03-08",
            {"kind": "day_off", "legal_basis": "Thông báo 2/TB-BNV"},
            content_type="application/json",
            **auth,
        )
    assert answer.status_code == 200
    assert answer.json()["source"] == "admin"
    assert add_working_days(date(2027, 3, 5), 1) == date(2027, 3, 9)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete("/api/v1/calendar/days/2027-03-08", **auth).status_code == 204
    assert add_working_days(date(2027, 3, 5), 1) == date(2027, 3, 8)


def test_admin_edits_go_through_the_service_and_move_deadlines(
    admin_user, django_capture_on_commit_callbacks, monkeypatch
):
    seen = []

    class Recorder:
        def recompute_deadlines(self, *, actor, first, last):
            seen.append((first, last))
            return 0

    monkeypatch.setattr("dangvu.core.modules.calendar_participants", lambda: [Recorder()])
    client = Client()
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/workcalendar/calendarday/add/",
            {"date": "2027-08-21", "kind": "working_day", "note": "Làm bù", "legal_basis": "TB 3/TB-BNV"},
        )
    assert response.status_code == 302
    assert seen == [(date(2027, 8, 21), date(2027, 8, 21))]
    assert add_working_days(date(2027, 8, 20), 1) == date(2027, 8, 21)
    row = CalendarDay.objects.get(date=date(2027, 8, 21))
    assert (row.source, row.legal_basis) == ("admin", "TB 3/TB-BNV")
    assert AuditEntry.objects.filter(event="calendar.set", object_id=str(row.pk)).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/workcalendar/calendarday/{row.pk}/delete/", {"post": "yes"})
    assert not CalendarDay.objects.filter(date=date(2027, 8, 21)).exists()
    assert seen[-1] == (date(2027, 8, 21), date(2027, 8, 21))
    assert add_working_days(date(2027, 8, 20), 1) == date(2027, 8, 23)


def test_calendar_page_says_provisional(people, client):
    client.force_login(people.clerk)
    assert 'data-testid="provisional"' in client.get("/calendar/", {"year": 2027}).content.decode()
    html = client.get("/calendar/", {"year": 2025}).content.decode()
    assert 'data-testid="provisional"' not in html
    assert "26/04/2025" in html
    assert "6150/TB-BLĐTBXH" in html


def test_a_year_missing_from_the_table_is_computed_from_the_package_and_provisional():
    CalendarDay.objects.filter(date__year=2045).delete()
    CalendarYear.objects.filter(year=2045).delete()
    calendar.bump_version()
    assert is_provisional(2045)
    assert not is_working_day(date(2045, 1, 2))  # 1/1/2045 is a Sunday: Monday off in lieu


def test_seed_command_rereads_a_year_and_keeps_the_administrators_days(admin_user):
    CalendarDay.objects.filter(date__year=2040, source="package").delete()
    CalendarYear.objects.filter(year=2040).delete()
    CalendarDay.objects.create(date=date(2040, 3, 5), kind="day_off", source="admin", note="Nghỉ thêm")
    call_command("calendar_seed", "--year", "2040")
    assert CalendarYear.objects.get(year=2040).provisional
    assert CalendarDay.objects.filter(date__year=2040, source="package").count() >= 11
    call_command("calendar_seed", "--year", "2040", "--replace")
    assert CalendarDay.objects.get(date=date(2040, 3, 5)).source == "admin"
    assert not is_working_day(date(2040, 3, 5))


def test_a_day_off_moves_rule_deadlines_in_every_module_but_not_dates_set_by_hand(
    tree, admin_user, django_capture_on_commit_callbacks
):
    from dangvu.documents.models import Document
    from dangvu.documents.services import default_deadline, document_register_incoming

    common = {"actor": admin_user, "org": tree.xa, "doc_type": "CV", "sender_name": "Tỉnh ủy"}
    ruled = document_register_incoming(subject="Theo quy tắc", received_on=date(2026, 11, 30), **common)
    by_hand = document_register_incoming(
        subject="Hạn tự đặt", received_on=date(2026, 11, 30), deadline=date(2026, 12, 10), **common
    )
    before = ruled.deadline
    assert before == default_deadline(date(2026, 11, 30), "")
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_set(actor=admin_user, day=date(2026, 12, 2), kind=CalendarDay.Kind.DAY_OFF)
    assert Document.objects.get(pk=ruled.pk).deadline == add_working_days(before, 1)
    assert Document.objects.get(pk=by_hand.pk).deadline == date(2026, 12, 10)
    moved = AuditEntry.objects.get(event="documents.deadline_recomputed", object_id=str(ruled.pk))
    assert moved.changes == {"deadline": [before.isoformat(), add_working_days(before, 1).isoformat()]}


@pytest.mark.parametrize(
    ("start", "days", "expected", "provisional"),
    [
        # Make-up Saturdays answer as working days, and the weekday they bridge as a day off.
        ("2025-04-25", 1, "2025-04-26", False),
        ("2024-05-03", 1, "2024-05-04", False),
        ("2019-05-03", 1, "2019-05-04", False),
        ("2026-08-21", 1, "2026-08-22", False),
        ("2025-04-29", 1, "2025-05-05", False),
        ("2024-04-26", 1, "2024-05-02", False),
        # Across year ends: 27/12/2014 worked, 31/12/2018 off with 5/1/2019 worked, 1/1/2027.
        ("2014-12-26", 1, "2014-12-27", False),
        ("2018-12-28", 1, "2019-01-02", False),
        ("2019-01-04", 1, "2019-01-05", False),
        ("2026-12-31", 1, "2027-01-04", True),
        # Across Tết: Ất Tỵ 2025 (25/1–2/2 off) and Bính Ngọ 2026 (14/2–22/2 off).
        ("2025-01-24", 1, "2025-02-03", False),
        ("2026-02-13", 1, "2026-02-23", False),
        # Leap days: 29/2/2024 (Thursday) and 29/2/2028 (Tuesday, provisional year).
        ("2024-02-28", 1, "2024-02-29", False),
        ("2028-02-28", 1, "2028-02-29", True),
    ],
)
def test_api_answers_the_make_up_saturday_tet_year_end_and_leap_day_cases(
    people, start, days, expected, provisional
):
    client, auth = api(people.clerk)
    answer = client.get("/api/v1/calendar/add-working-days", {"start": start, "days": days}, **auth)
    assert answer.json() == {"date": expected, "provisional": provisional}
    between = client.get("/api/v1/calendar/working-days-between", {"start": start, "end": expected}, **auth)
    assert between.json() == {"working_days": days, "provisional": provisional}


def test_api_year_lists_each_make_up_saturday_with_its_legal_basis(people):
    client, auth = api(people.clerk)
    for year, saturday in ((2019, "2019-05-04"), (2024, "2024-05-04"), (2025, "2025-04-26")):
        days = client.get(f"/api/v1/calendar/years/{year}", **auth).json()["days"]
        (row,) = [d for d in days if d["date"] == saturday]
        assert row["kind"] == "working_day"
        assert row["legal_basis"]
