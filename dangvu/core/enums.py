"""Choices the platform itself uses (any module may store them)."""

from django.db import models


class DatePrecision(models.TextChoices):
    """How much of a (historic) date is known: old records often have only the year."""

    DAY = "day", "Ngày/tháng/năm"
    MONTH = "month", "Tháng/năm"
    YEAR = "year", "Năm"
