"""Admin base that writes every back-office change to the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dangvu.audit.services import audit_log, diff, snapshot


class AuditedModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Django admin saves and deletes run in a transaction; we add one audit entry to each."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = snapshot(type(obj)._default_manager.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        audit_log(
            actor=request.user,
            action="update" if change else "create",
            obj=obj,
            event=f"admin.{obj._meta.label_lower}.{'update' if change else 'create'}",
            changes=diff(before, snapshot(obj)),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_log(
            actor=request.user,
            action="delete",
            obj=obj,
            event=f"admin.{obj._meta.label_lower}.delete",
            changes=diff(snapshot(obj), {}),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
