"""The folded names of each unit's ancestors and its own (root first), searched by the unit picker."""

from typing import Any

from django.db import migrations, models

from dangvu.core.migrations_util import postgres_sql
from dangvu.core.text import fold

STEPLEN = 4


def fill(apps: Any, schema_editor: Any) -> None:
    Org = apps.get_model("orgs", "Org")
    texts: dict[str, str] = {}
    changed = []
    for pk, path, name in Org.objects.order_by("path").values_list("pk", "path", "name").iterator(2000):
        parent = texts.get(path[:-STEPLEN], "")
        texts[path] = f"{parent} {fold(name)}".strip()
        changed.append(Org(pk=pk, path_text=texts[path]))
        if len(changed) >= 2000:
            Org.objects.bulk_update(changed, ["path_text"])
            changed = []
    Org.objects.bulk_update(changed, ["path_text"])


class Migration(migrations.Migration):
    dependencies = [("orgs", "0003_org_types")]

    operations = [
        migrations.AddField(
            model_name="org",
            name="path_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        postgres_sql(
            ["CREATE INDEX IF NOT EXISTS orgs_org_path_text_trgm ON orgs_org USING gin (path_text gin_trgm_ops)"],
            ["DROP INDEX IF EXISTS orgs_org_path_text_trgm"],
        ),
    ]
