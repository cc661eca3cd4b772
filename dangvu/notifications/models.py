from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: object) -> NotificationQuerySet:
        """A user sees only their own notifications."""
        return self.filter(recipient_id=getattr(user, "pk", None))

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message to one user, shown in the app and optionally sent by e-mail."""

    class Level(models.TextChoices):
        INFO = "info", _("Thông tin")
        REMINDER = "reminder", _("Nhắc việc")
        WARNING = "warning", _("Cảnh báo")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("loại"), max_length=60, blank=True)
    level = models.CharField(_("mức"), max_length=10, choices=Level.choices, default=Level.INFO)
    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"), blank=True)
    url = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = pgettext_lazy("plural", "thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title
