"""Model fields shared by every module."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


class CodeField(models.CharField):  # type: ignore[type-arg]
    """A code or machine key compared byte by byte: the C collation on PostgreSQL.

    Under a language collation PostgreSQL compares text through the C library's ``strcoll`` and
    without abbreviated keys; codes (CCCD, file and card numbers, the digit strings of sort keys) gain
    nothing from that and sort the same either way. Bytewise, their indexes build a third faster (the
    national seed rebuilds them over 6 million members) and a ``LIKE 'prefix%'`` can use them.
    """

    def db_parameters(self, connection: BaseDatabaseWrapper) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
