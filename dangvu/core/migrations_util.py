"""Helpers for migrations that only apply to PostgreSQL (extensions, trigram and pattern indexes)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def postgres_sql(forward: list[str], backward: list[str]) -> migrations.RunPython:
    """A reversible RunPython that runs ``forward``/``backward`` SQL on PostgreSQL and nothing elsewhere."""

    def run(statements: list[str]) -> Any:
        def apply(apps: Any, schema_editor: Any) -> None:
            if schema_editor.connection.vendor == "postgresql":
                for statement in statements:
                    schema_editor.execute(statement)

        return apply

    return migrations.RunPython(run(forward), run(backward))
