"""PostgreSQL: the stored word vector without positions (``strip``). Nothing reads positions (no phrase
search, no ranking): without them the vector in each row is about half the size, which the newest-first
walk of a common word reads row by row (bench/bench_document_search.py). The column is recomputed and its
GIN index rebuilt (a table rewrite)."""

from django.db import migrations


def forward(apps, schema_editor):
    from dangvu.documents.fulltext import POSTGRES_CREATE, POSTGRES_DROP

    if schema_editor.connection.vendor == "postgresql":
        # ANALYZE: the new column has no statistics yet, which the planner and ``fulltext.share`` read.
        for statement in [*POSTGRES_DROP, *POSTGRES_CREATE, "ANALYZE documents_document"]:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    from dangvu.documents.fulltext import POSTGRES_CREATE_WITH_POSITIONS, POSTGRES_DROP

    if schema_editor.connection.vendor == "postgresql":
        for statement in [*POSTGRES_DROP, *POSTGRES_CREATE_WITH_POSITIONS, "ANALYZE documents_document"]:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("documents", "0008_retention_periods_seed")]

    operations = [migrations.RunPython(forward, backward)]
