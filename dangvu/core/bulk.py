"""Inserting many rows at once: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

Imports write tens of thousands of members, their history rows and audit entries; Django's
``bulk_create`` spends most of that time building model instances and adapting one huge INSERT.
``insert_rows`` takes rows as plain dicts (``{attname: value}``) and streams them through
PostgreSQL's COPY, with primary keys drawn from the table's sequence beforehand so that callers can
link child rows to them, exactly as after ``bulk_create``: the hot path of an import that writes four
rows for every member it reads.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import json
import time
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection, connections, models, transaction
from django.utils import timezone

# Below this many rows the difference does not matter.
COPY_FROM_ROWS = 200


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk job.

    A bulk import allocates millions of short-lived dicts and lists, which reference counting frees
    anyway; but each allocation burst triggers a collection that walks every live object, and those
    walks cost a third of the import's time. Collection resumes (and runs once) when the block ends.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(1)


def timed_batches(items: list[Any], seconds: float, first: int = 50) -> Iterator[list[Any]]:
    """``items`` in consecutive batches sized so that the caller's work on each takes about ``seconds``.

    The time from yielding a batch to being asked for the next is the caller's work on it; the next
    batch is scaled from that rate (at most four times larger, at least one item).
    """
    start, size = 0, max(1, first)
    while start < len(items):
        batch = items[start : start + size]
        began = time.perf_counter()
        yield batch
        elapsed = max(time.perf_counter() - began, 1e-4)
        start += len(batch)
        size = max(1, min(size * 4, int(len(batch) * seconds * 0.8 / elapsed)))


class JsonText(str):
    """A JSON value already serialized: written to a JSON column as it is, not encoded again."""


def insert_rows(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Insert rows given as ``{attname: value}``; returns them completed with the model's defaults
    (timestamps ``auto_now``/``auto_now_add`` set to now) and their new primary keys, in order.

    Values must be what the model field holds (dates, ids of related rows, dicts for JSON fields, or
    ``JsonText``); no model validation or ``save()`` runs, as with ``bulk_create``.
    """
    with inserting(model, rows) as full:
        return full


@contextlib.contextmanager
def inserting(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """``insert_rows`` whose database work overlaps the ``with`` block.

    On PostgreSQL the rows are handed to a COPY whose data a writer thread sends while the block runs
    (computing what to write next, say); the COPY completes when the block ends. The connection is
    busy meanwhile: the block must not query the database. Elsewhere the rows are inserted first.
    """
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    now = timezone.now()
    defaults = {
        field.attname: now
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        else field.get_default()
        for field in meta.concrete_fields
        if field is not pk
    }
    full = [defaults | row for row in rows]
    if connection.vendor != "postgresql" or len(full) < COPY_FROM_ROWS:
        objs = [
            model(**{k: json.loads(v) if isinstance(v, JsonText) else v for k, v in row.items()})
            for row in full
        ]
        model._default_manager.bulk_create(objs, batch_size=2000)
        stamped = [name for name, value in defaults.items() if value is now]  # set again on save
        for row, obj in zip(full, objs, strict=True):
            row[pk.attname] = obj.pk
            for name in stamped:
                row[name] = getattr(obj, name)
        yield full
        return
    for row, value in zip(full, _next_ids(model, len(full)), strict=True):
        row[pk.attname] = value
    fields: list[Any] = list(meta.concrete_fields)
    names = [field.attname for field in fields]
    with _copying(model, fields, ([row[name] for name in names] for row in full), queued=True):
        yield full


def copy_rows(
    model: type[models.Model], names: list[str], rows: Iterable[list[Any]], batch_size: int = 5000
) -> None:
    """Insert rows given as lists of the values of the fields ``names`` (by field name; the primary key
    comes from its default unless named), streamed: one COPY on PostgreSQL, in constant memory however
    many rows there are (millions of statistics cells), ``bulk_create`` in batches elsewhere."""
    fields: list[Any] = [model._meta.get_field(name) for name in names]
    if connection.vendor != "postgresql":
        attnames = [field.attname for field in fields]
        pending = iter(rows)
        while batch := list(itertools.islice(pending, batch_size)):
            model._default_manager.bulk_create(
                [model(**dict(zip(attnames, values, strict=True))) for values in batch]
            )
        return
    with _copying(model, fields, rows):
        pass


def _next_ids(model: type[models.Model], count: int) -> list[int]:
    if not count:
        return []
    meta = model._meta
    assert meta.pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return [value for (value,) in cursor.fetchall()]


@contextlib.contextmanager
def _copying(
    model: type[models.Model], fields: list[Any], rows: Iterable[list[Any]], queued: bool = False
) -> Iterator[None]:
    """Write ``rows`` to a COPY, then run the block; the COPY ends (and is checked) after the block.

    Values of fields that need converting for the database (timestamps, JSON, …) are converted here;
    a value that is the very object of the row before (the same ``now`` on every row, say) reuses
    that conversion. ``queued``: a writer thread sends the data, so the server digests it while the
    block runs.
    """
    from psycopg.copy import QueuedLibpqWriter

    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    convert = [[i, field, _NOTHING, None] for i, field in enumerate(fields) if not _is_plain(field)]
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    # Errors come out as Django's (IntegrityError, …), as from any other query.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw = cursor.cursor
        with raw.copy(statement, writer=QueuedLibpqWriter(raw) if queued else None) as copy:
            for values in rows:
                for memo in convert:
                    i, field, last, prepared = memo
                    value = values[i]
                    if value is not last:
                        memo[2] = value
                        memo[3] = prepared = (
                            value
                            if isinstance(value, JsonText)
                            else field.get_db_prep_save(value, connection)
                        )
                    values[i] = prepared
                copy.write_row(values)
            yield


_NOTHING = object()


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


# --- One hot row ----------------------------------------------------------------------------------------

HOT_ROWS = 16


def insert_values(
    model: type[models.Model], rows: list[dict[str, Any]], *, returning: bool = False
) -> list[Any]:
    """Insert a few rows given as ``{attname: value}`` (every row with the same keys) in one plain
    ``INSERT``, compiled once per model and shape; returns the new primary keys with ``returning``.

    For the hot path of a single change (a member's status history row, statistics deltas, the audit
    entry), where ``Model.save()``/``bulk_create`` spent more time compiling the statement than the
    database spent running it. Fields left out get their defaults (``auto_now``/``auto_now_add``: now);
    values must be what the field holds; no validation or ``save()`` runs, as with ``bulk_create``.
    """
    if not rows:
        return []
    assert len(rows) <= HOT_ROWS, "insert_values is for a few rows: use insert_rows"
    connection = transaction.get_connection()
    meta = model._meta
    given = tuple(rows[0])
    statement, fields, missing = _insert_statement(
        model, given, len(rows), returning, connection.alias, connection.vendor
    )
    now = timezone.now()
    extra = [now if stamped else field.get_default() for field, stamped in missing]
    params: list[Any] = []
    for row in rows:
        for field, name in zip(fields, given, strict=True):
            value = row[name]
            params.append(
                value if field is None or value is None else field.get_db_prep_save(value, connection)
            )
        params.extend(
            value if value is None else field.get_db_prep_save(value, connection)
            for (field, _stamped), value in zip(missing, extra, strict=True)
        )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        if not returning:
            return []
        if connection.features.can_return_rows_from_bulk_insert:
            return [pk for (pk,) in cursor.fetchall()]
        assert len(rows) == 1
        assert meta.pk is not None
        return [connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)]


@functools.lru_cache(maxsize=256)
def _insert_statement(
    model: type[models.Model], given: tuple[str, ...], count: int, returning: bool, alias: str, vendor: str
) -> tuple[str, list[Any], list[tuple[Any, bool]]]:
    """The ``INSERT`` of ``count`` rows of ``model`` with the ``given`` attributes and the defaults of
    the others; the given fields (None: a plain value the driver takes as it is) and the missing ones
    (field, whether it is a timestamp set to now)."""
    meta = model._meta
    by_name = {field.attname: field for field in meta.concrete_fields}
    fields = [
        None if _is_plain(by_name[name]) and type(by_name[name]) is not models.DateField else by_name[name]
        for name in given
    ]
    missing = [
        (field, bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)))
        for field in meta.concrete_fields
        if field.attname not in given and field is not meta.pk
    ]
    quote = connections[alias].ops.quote_name
    columns = [by_name[name].column for name in given] + [field.column for field, _stamped in missing]
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    names = ", ".join(quote(c) for c in columns)
    statement = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES {', '.join([row] * count)}"  # noqa: S608
    if returning and connections[alias].features.can_return_rows_from_bulk_insert:
        assert meta.pk is not None
        statement += f" RETURNING {quote(meta.pk.column)}"
    return statement, fields, missing


def update_values(model: type[models.Model], values: dict[str, Any], where: dict[str, Any]) -> int:
    """``UPDATE`` the rows of ``model`` whose attributes equal ``where`` (None: IS NULL) to ``values``
    (``{attname: value}``), by a statement compiled once per shape; returns the rows changed. The
    hot-path counterpart of ``insert_values``: no ``save()``, signals or ``auto_now``."""
    connection = transaction.get_connection()
    nulls = tuple(name for name, value in where.items() if value is None)
    statement, set_fields, where_fields = _update_statement(
        model, tuple(values), tuple(where), nulls, connection.alias
    )
    params = [
        value if field is None or value is None else field.get_db_prep_save(value, connection)
        for field, value in zip(set_fields, values.values(), strict=True)
    ]
    params += [
        value if field is None else field.get_db_prep_value(value, connection)
        for field, value in zip(where_fields, (v for v in where.values() if v is not None), strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return int(cursor.rowcount)


@functools.lru_cache(maxsize=256)
def _update_statement(
    model: type[models.Model],
    names: tuple[str, ...],
    keys: tuple[str, ...],
    nulls: tuple[str, ...],
    alias: str,
) -> tuple[str, list[Any], list[Any]]:
    meta = model._meta
    by_name = {field.attname: field for field in meta.concrete_fields}
    quote = connections[alias].ops.quote_name

    def adapted(name: str) -> Any:
        field = by_name[name]
        return None if _is_plain(field) and type(field) is not models.DateField else field

    sets = ", ".join(f"{quote(by_name[name].column)} = %s" for name in names)
    conditions = " AND ".join(
        f"{quote(by_name[name].column)} IS NULL" if name in nulls else f"{quote(by_name[name].column)} = %s"
        for name in keys
    )
    statement = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {conditions}"  # noqa: S608 (quoted names)
    return statement, [adapted(name) for name in names], [adapted(name) for name in keys if name not in nulls]
