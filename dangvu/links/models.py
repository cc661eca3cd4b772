from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Link(models.Model):
    """Two records of any modules that belong together (a document and a case, a case and a member).

    Records are named by ``app_label.model`` and primary key, so modules never reach into each other's
    tables to find what is related. A link reads both ways.
    """

    source_type = models.CharField(max_length=80)
    source_id = models.CharField(max_length=64)
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64)
    kind = models.CharField(_("quan hệ"), max_length=40, default="related")
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("liên kết")
        verbose_name_plural = pgettext_lazy("plural", "liên kết")
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "target_type", "target_id", "kind"], name="link_unique"
            )
        ]
        indexes = [
            models.Index(fields=["source_type", "source_id"], name="link_source_idx"),
            models.Index(fields=["target_type", "target_id"], name="link_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source_type}:{self.source_id} → {self.target_type}:{self.target_id} ({self.kind})"
