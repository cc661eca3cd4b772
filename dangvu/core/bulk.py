"""Inserting many rows at once: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

Imports write tens of thousands of members, their history rows and audit entries; Django's
``bulk_create`` spends most of that time building and adapting one huge INSERT. ``copy_insert``
streams the same rows through PostgreSQL's COPY, with primary keys drawn from the table's sequence
beforehand so that callers can link child rows to them, exactly as after ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

# Below this many rows the difference does not matter.
COPY_FROM_ROWS = 200


def copy_insert(objs: Sequence[models.Model], *, batch_size: int = 2000) -> None:
    """Insert ``objs`` (all of one model, primary keys unset or set); sets their primary keys."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql" or len(objs) < COPY_FROM_ROWS:
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    missing = [obj for obj in objs if obj.pk is None]
    with connection.cursor() as cursor:
        if missing:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(missing)],
            )
            for obj, (value,) in zip(missing, cursor.fetchall(), strict=True):
                obj.pk = value
        fields: list[Any] = list(meta.concrete_fields)
        # Plain values go to psycopg as they are; only fields that transform on save (JSON, timestamps
        # set on creation, …) go through Django's conversion.
        plain = [_is_plain(field) for field in fields]
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        with cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
        ) as copy:
            for obj in objs:
                copy.write_row(
                    [
                        getattr(obj, field.attname)
                        if is_plain
                        else field.get_db_prep_save(field.pre_save(obj, True), connection)
                        for field, is_plain in zip(fields, plain, strict=True)
                    ]
                )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.AutoField,
    models.BigAutoField,
)


def _is_plain(field: Any) -> bool:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return False
    return isinstance(field, _PLAIN) or type(field) is models.DateField
