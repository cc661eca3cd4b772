"""Lookups the platform adds to every model field.

``field__vn_icontains="duc"``: accent-, case- and đ-insensitive containment on any text column.
For columns that have no folded ``search_text`` copy. PostgreSQL folds with ``unaccent`` (the
extension is enabled by a migration); SQLite calls ``dangvu.core.text.fold`` registered as the SQL
function ``vn_fold`` on each new connection.

``field__any=[...]``: ``field__in`` for long lists (an import matching 100,000 CCCDs). PostgreSQL gets
one array parameter, ``= ANY(%s)``, which it parses and plans five times faster than a list of
100,000 placeholders; other databases get ``IN``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models.lookups import In, Lookup
from django.db.models.sql.compiler import SQLCompiler

from dangvu.core.text import fold


class VnIContains(Lookup):  # type: ignore[type-arg]
    lookup_name = "vn_icontains"

    def get_db_prep_lookup(self, value: Any, connection: BaseDatabaseWrapper) -> Any:
        escaped = fold(str(value)).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return "%s", [f"%{escaped}%"]

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            folded = f"lower(unaccent(replace(replace({lhs}, 'đ', 'd'), 'Đ', 'd')))"
            return f"{folded} LIKE {rhs}", [*lhs_params, *rhs_params]
        return f"vn_fold({lhs}) LIKE {rhs} ESCAPE '\\'", [*lhs_params, *rhs_params]


class AnyOf(In):  # type: ignore[type-arg]
    lookup_name = "any"

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        if not isinstance(self.rhs, list | tuple | set | frozenset):  # a subquery: plain IN
            sql, params = super().as_sql(compiler, connection)
            return sql, list(params)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(v, connection) for v in self.rhs if v is not None]
        return f"{lhs} = ANY(%s)", [*lhs_params, values]


class InArray(In):  # type: ignore[type-arg]
    """``field__in_array=<subquery>``: ``field IN (subquery)`` that PostgreSQL answers through the
    field's index, ``field = ANY(ARRAY(subquery))``: the subquery runs once and its array is an index
    condition, where ``IN`` would hash a scan of the whole table (the assignments of a province's
    1,500 units among a country's). Other databases get ``IN``."""

    lookup_name = "in_array"

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        if isinstance(self.rhs, list | tuple | set | frozenset):
            sql, params = super().as_sql(compiler, connection)
            return sql, list(params)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if not rhs.startswith("("):
            rhs = f"({rhs})"
        return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]


def _register_sqlite_function(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    # Infrastructure hook (not domain flow): teach every new SQLite connection our fold function.
    if connection.vendor == "sqlite":
        connection.connection.create_function("vn_fold", 1, fold, deterministic=True)


def register() -> None:
    models.CharField.register_lookup(VnIContains)
    models.TextField.register_lookup(VnIContains)
    models.Field.register_lookup(AnyOf)
    models.Field.register_lookup(InArray)
    connection_created.connect(_register_sqlite_function, dispatch_uid="dangvu-vn-fold")
