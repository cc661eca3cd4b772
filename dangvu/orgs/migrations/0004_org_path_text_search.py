"""The unit picker's search: the folded names of each unit's ancestors and its own (root first), the
name index with the id (the picker's exact order), and on PostgreSQL a words index on the path text."""

from typing import Any

from django.db import migrations, models

from dangvu.core.migrations_util import postgres_sql
from dangvu.core.text import fold

STEPLEN = 4


def fill(apps: Any, schema_editor: Any) -> None:
    """Every unit's path text, parents before children (one UPDATE a unit, sent in batches)."""
    Org = apps.get_model("orgs", "Org")
    table = schema_editor.connection.ops.quote_name(Org._meta.db_table)
    texts: dict[str, str] = {}
    rows: list[tuple[str, int]] = []
    for pk, path, name in Org.objects.order_by("path").values_list("pk", "path", "name").iterator(2000):
        texts[path] = f"{texts.get(path[:-STEPLEN], '')} {fold(name)}".strip()
        rows.append((texts[path], pk))
    with schema_editor.connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(f"UPDATE {table} SET path_text = %s WHERE id = %s", rows[start : start + 5000])  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [("orgs", "0003_org_types")]

    operations = [
        migrations.AddField(
            model_name="org",
            name="path_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="org", name="org_sort_name_idx"),
        migrations.AddIndex(
            model_name="org", index=models.Index(fields=["sort_name", "id"], name="org_sort_name_id_idx")
        ),
        # The words index the picker asks (``OrgQuerySet.words_match``): each word's list of units is
        # short to intersect however common the word, where trigrams of short words ("an", "bo") match
        # nearly every row.
        postgres_sql(
            [
                "CREATE INDEX IF NOT EXISTS orgs_org_path_words ON orgs_org "
                "USING gin (array_to_tsvector(string_to_array(path_text, ' ')))"
            ],
            ["DROP INDEX IF EXISTS orgs_org_path_words"],
        ),
    ]
