"""Choices the platform itself uses (any module may store them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    """How much of a (historic) date is known: old records often have only the year."""

    DAY = "day", _("Ngày/tháng/năm")
    MONTH = "month", _("Tháng/năm")
    YEAR = "year", _("Năm")
