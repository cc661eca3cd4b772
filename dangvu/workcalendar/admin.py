"""The Django admin edits the calendar through the same services as the calendar page and the API,
so an edit here is audited and moves every open deadline too (no bare ``save()``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dangvu.workcalendar.models import CalendarDay, CalendarYear
from dangvu.workcalendar.services import calendar_day_remove, calendar_day_set, calendar_year_confirm


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("date", "kind", "note", "legal_basis", "source")
    list_filter = ("kind", "source")
    date_hierarchy = "date"
    readonly_fields = ("source",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and "date" in form.changed_data:
            # Moving a row to another date: the old date goes back to the standard week.
            calendar_day_remove(actor=request.user, day=CalendarDay.objects.get(pk=obj.pk))
        saved = calendar_day_set(
            actor=request.user, day=obj.date, kind=obj.kind, note=obj.note, legal_basis=obj.legal_basis
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        calendar_day_remove(actor=request.user, day=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("year", "provisional", "legal_basis")
    list_filter = ("provisional",)
    fields = ("year", "provisional", "legal_basis")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if obj.provisional:
            # Only confirming is a domain verb; marking provisional again is not something the
            # government does. Keep the row as it was.
            return
        saved = calendar_year_confirm(actor=request.user, year=obj.year, legal_basis=obj.legal_basis)
        obj.pk = saved.pk
