from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CalendarDay(models.Model):
    """One day that is not what the standard week says: a public holiday, an extra day off, or a
    working day at a weekend (the government's make-up Saturday, "làm bù").

    The product's own reference table: the days of the years in ``CalendarYear`` were copied from the
    ``holidays`` package once (``source="package"``, each with its legal basis) and then belong to us,
    so upgrading the package never moves a deadline. Administrators add, change and remove days
    (``source="admin"``) through ``services.calendar_day_set`` / ``calendar_day_remove``.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Ngày nghỉ lễ, Tết")
        DAY_OFF = "day_off", _("Ngày nghỉ")
        WORKING_DAY = "working_day", _("Ngày làm việc (làm bù)")

    class Source(models.TextChoices):
        PACKAGE = "package", _("Dữ liệu nạp sẵn")
        ADMIN = "admin", _("Quản trị viên nhập")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.ADMIN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ngày nghỉ / làm bù")
        verbose_name_plural = pgettext_lazy("plural", "ngày nghỉ / làm bù")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.get_kind_display()}"

    @property
    def is_day_off(self) -> bool:
        return self.kind != self.Kind.WORKING_DAY


class CalendarYear(models.Model):
    """A year whose days are pinned in ``CalendarDay``. ``provisional``: the government has not
    announced the year's days off and make-up days yet, so they were estimated from the Labour Code
    (Art. 112); an administrator confirms the year when the announcement comes. A year without a row
    is computed from the ``holidays`` package at run time and is always provisional."""

    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    provisional = models.BooleanField(_("tạm tính (chưa có thông báo)"), default=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("năm lịch làm việc")
        verbose_name_plural = pgettext_lazy("plural", "năm lịch làm việc")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)
