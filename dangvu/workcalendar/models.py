from __future__ import annotations

from django.db import models


class CalendarDay(models.Model):
    """An exception to the standard week and the public holidays, added by an administrator.

    ``day_off``: an extra day off (e.g. a bridge day decided by the Government).
    ``working_day``: a compensatory working day (usually a Saturday), or a holiday worked.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", "Ngày nghỉ"
        WORKING_DAY = "working_day", "Ngày làm việc (làm bù)"

    date = models.DateField("ngày", unique=True)
    kind = models.CharField("loại", max_length=12, choices=Kind.choices)
    note = models.CharField("ghi chú / căn cứ", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ngày nghỉ / làm bù"
        verbose_name_plural = "ngày nghỉ / làm bù"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.get_kind_display()}"
