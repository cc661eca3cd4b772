"""Full-text search (dangvu.documents.fulltext): ``search_text`` holds folded words only, indexed by an
FTS5 table with triggers on SQLite and a GIN index on its ``simple`` tsvector on PostgreSQL."""

import re

from django.db import migrations

from dangvu.core.text import fold

_WORD = re.compile(r"[a-z0-9]+")


def forward(apps, schema_editor):
    from dangvu.documents.fulltext import create_schema

    Document = apps.get_model("documents", "Document")
    for document in Document.objects.only("pk", "number_text", "subject", "sender_name", "body", "ocr_text").iterator():
        text = " ".join(filter(None, [document.number_text, document.subject, document.sender_name, document.body, document.ocr_text]))
        Document.objects.filter(pk=document.pk).update(search_text=" ".join(_WORD.findall(fold(text)))[:200_000])
    create_schema(schema_editor)


def backward(apps, schema_editor):
    from dangvu.documents.fulltext import drop_schema

    drop_schema(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("documents", "0003_document_ocr_proposals")]

    operations = [migrations.RunPython(forward, backward)]
