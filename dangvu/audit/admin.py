from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dangvu.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "id",
        "created_at",
        "actor_repr",
        "action",
        "event",
        "object_type",
        "object_id",
        "object_repr",
    )
    list_filter = ("action", "channel")
    search_fields = ("actor_repr", "object_repr", "event", "object_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
