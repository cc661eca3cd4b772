"""The member name tokens (``MemberNameToken``): one row per word of a member's folded name, kept in name
order by the index ``member_token_order_idx``. PostgreSQL fills them from the member rows and keeps them
current with a trigger on ``members_member`` (insert, delete, and updates that change the folded name,
the sort key or the unit): derived data like an index, written whatever path changes a member (services,
imports, bulk loads, raw SQL). SQLite has no trigger and no rows: its search reads the members directly.
"""

import django.db.models.deletion

import dangvu.core.fields
from django.db import migrations, models

# The national seed loads members with the trigger off and fills the tokens at once with the same SQL
# (``dangvu.members.search.NAME_POSTINGS_FILL_SQL``).
FILL_SQL = """
INSERT INTO members_membernametoken (member_id, word, sort_key, org_id)
SELECT m.id, t.word, m.sort_key, m.org_id
FROM members_member m,
LATERAL (SELECT DISTINCT left(w, 60) AS word FROM unnest(string_to_array(m.search_text, ' ')) AS w WHERE w <> '') t
"""

TRIGGER_SQL = [
    """
    CREATE OR REPLACE FUNCTION members_name_tokens_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            DELETE FROM members_membernametoken WHERE member_id = OLD.id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            INSERT INTO members_membernametoken (member_id, word, sort_key, org_id)
            SELECT DISTINCT NEW.id, left(w, 60), NEW.sort_key, NEW.org_id
            FROM unnest(string_to_array(NEW.search_text, ' ')) AS w WHERE w <> '';
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER members_name_tokens_insert_delete AFTER INSERT OR DELETE ON members_member
    FOR EACH ROW EXECUTE FUNCTION members_name_tokens_sync()
    """,
    """
    CREATE TRIGGER members_name_tokens_update AFTER UPDATE OF search_text, sort_key, org_id ON members_member
    FOR EACH ROW WHEN (
        OLD.search_text IS DISTINCT FROM NEW.search_text
        OR OLD.sort_key IS DISTINCT FROM NEW.sort_key
        OR OLD.org_id IS DISTINCT FROM NEW.org_id
    ) EXECUTE FUNCTION members_name_tokens_sync()
    """,
]
DROP_TRIGGER_SQL = [
    "DROP TRIGGER IF EXISTS members_name_tokens_update ON members_member",
    "DROP TRIGGER IF EXISTS members_name_tokens_insert_delete ON members_member",
    "DROP FUNCTION IF EXISTS members_name_tokens_sync()",
]


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Filled before the name-order index exists (the schema editor creates it at the end of the
    # migration): one index build rather than 20 million index insertions at national scale.
    for statement in [*TRIGGER_SQL, FILL_SQL]:
        schema_editor.execute(statement)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in DROP_TRIGGER_SQL:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0021_merge_partyage"),
        ("orgs", "0003_org_types"),
    ]

    operations = [
        migrations.CreateModel(
            name="MemberNameToken",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "member", "word", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("word", dangvu.core.fields.CodeField(max_length=60)),
                ("sort_key", dangvu.core.fields.CodeField(max_length=400)),
                (
                    "member",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="name_tokens",
                        to="members.member",
                    ),
                ),
                (
                    "org",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="orgs.org",
                    ),
                ),
            ],
            options={
                "verbose_name": "từ trong họ tên đảng viên",
                "verbose_name_plural": "từ trong họ tên đảng viên",
                "indexes": [
                    models.Index(
                        fields=["word", "sort_key", "member"], include=("org",), name="member_token_order_idx"
                    )
                ],
            },
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
