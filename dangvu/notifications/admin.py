from django.contrib import admin

from dangvu.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "recipient", "level", "created_at", "read_at")
    list_filter = ("level",)
