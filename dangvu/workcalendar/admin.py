from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dangvu.core.admin import AuditedModelAdmin
from dangvu.workcalendar.calendar import bump_version
from dangvu.workcalendar.models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedModelAdmin):
    list_display = ("date", "kind", "note")
    list_filter = ("kind",)
    date_hierarchy = "date"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        bump_version()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        bump_version()
