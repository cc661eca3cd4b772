from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CalendarDay(models.Model):
    """An exception to the standard week and the public holidays, added by an administrator.

    ``day_off``: an extra day off (e.g. a bridge day decided by the Government).
    ``working_day``: a compensatory working day (usually a Saturday), or a holiday worked.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ")
        WORKING_DAY = "working_day", _("Ngày làm việc (làm bù)")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    note = models.CharField(_("ghi chú / căn cứ"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ngày nghỉ / làm bù")
        verbose_name_plural = pgettext_lazy("plural", "ngày nghỉ / làm bù")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.get_kind_display()}"
