"""Fragments of the number and the subject (dangvu.documents.fulltext): the subject's folded words in
``subject_key``, filled for the documents already there, and on PostgreSQL trigram indexes on it and on
the normalised number (``number_key``), which serve ``LIKE '%…%'``. Only these two: a trigram index on
the bodies and OCR texts would be several times the text (bench/bench_document_search.py)."""

from django.db import migrations, models

from dangvu.core.migrations_util import postgres_sql

TRIGRAM_INDEXES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS documents_document_number_trgm ON documents_document"
    " USING gin (number_key gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS documents_document_subject_trgm ON documents_document"
    " USING gin (subject_key gin_trgm_ops)",
]
DROP_TRIGRAM_INDEXES = [
    "DROP INDEX IF EXISTS documents_document_subject_trgm",
    "DROP INDEX IF EXISTS documents_document_number_trgm",
]


def sqlite_fulltext(apps, schema_editor):
    """SQLite adds (and removes) a NOT NULL column by copying the table into a new one, which drops the
    full-text triggers (migration 0004): create them again and rebuild the FTS5 index."""
    from dangvu.documents.fulltext import create_schema

    if schema_editor.connection.vendor == "sqlite":
        create_schema(schema_editor)


def fill_subject_key(apps, schema_editor):
    from dangvu.documents.fulltext import words_only

    Document = apps.get_model("documents", "Document")
    batch = []
    for document in Document.objects.only("pk", "subject").iterator(chunk_size=2000):
        document.subject_key = words_only(document.subject)[:1000]
        batch.append(document)
        if len(batch) == 2000:
            Document.objects.bulk_update(batch, ["subject_key"])
            batch = []
    Document.objects.bulk_update(batch, ["subject_key"])
    sqlite_fulltext(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("documents", "0009_search_vector_without_positions")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, sqlite_fulltext),  # after the column's removal
        migrations.AddField(
            model_name="document",
            name="subject_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=1000),
        ),
        migrations.RunPython(fill_subject_key, migrations.RunPython.noop),
        postgres_sql(TRIGRAM_INDEXES, DROP_TRIGRAM_INDEXES),
    ]
