"""The member name tokens learn their area (issue 12): the path of the member's unit's ancestor just below
the root, its province in the national tree (``MemberNameToken.area``), and an index of each word's
postings per area in name order (``member_token_area_idx``). A search within a province then reads that
province's postings of a word directly instead of walking the country's and filtering them by unit.

PostgreSQL keeps the area with two triggers: the member trigger of migration 0022 writes it with the
tokens (a member created, renamed or moved to a unit of another province), and a statement trigger on
the units rewrites it for the members of units whose area changed (a unit moved with its subtree
under another province, as a merger of provinces does: one UPDATE per moving statement).

The existing tokens (about 18 million in the national database) are rebuilt with their areas into a
new table by one INSERT … SELECT, its primary key and two name-order indexes built after the rows, and
the new table takes the old one's place: cheaper than updating every row in place (each update a new
row version and new index entries: measured at minutes per half million tokens). Searches read the old
tokens meanwhile; member writes wait for the rebuild (their trigger writes tokens), about as long as
the national seed's token phase (2 minutes for 1 million members on the shared 2-core machine at load
10). A VACUUM follows, out of the transaction. SQLite has no tokens: it only gets the column and the
index.
"""

import dangvu.core.fields
from django.db import migrations, models, transaction

# The area of a unit: its path cut to the depth just below the root (2 steps of 4 characters, as
# ``dangvu.members.search.AREA_LENGTH``).
AREA_LENGTH = 8

MEMBER_TRIGGER_FUNCTION = f"""
CREATE OR REPLACE FUNCTION members_name_tokens_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM members_membernametoken WHERE member_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO members_membernametoken (member_id, word, sort_key, org_id, area)
        SELECT DISTINCT NEW.id, left(w, 60), NEW.sort_key, NEW.org_id,
            (SELECT left(o.path, {AREA_LENGTH}) FROM orgs_org o WHERE o.id = NEW.org_id)
        FROM unnest(string_to_array(NEW.search_text, ' ')) AS w WHERE w <> '';
    END IF;
    RETURN NULL;
END $$
"""
# Migration 0022's function, restored when going back.
OLD_MEMBER_TRIGGER_FUNCTION = """
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
"""
# Units whose area changed in one UPDATE statement (treebeard moves a subtree with one): their members'
# tokens, found through the members' unit index and the tokens' primary key.
UNIT_TRIGGER_SQL = [
    f"""
    CREATE OR REPLACE FUNCTION members_name_tokens_area_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE members_membernametoken t SET area = left(n.path, {AREA_LENGTH})
        FROM moved_old o JOIN moved_new n ON n.id = o.id, members_member m
        WHERE left(o.path, {AREA_LENGTH}) IS DISTINCT FROM left(n.path, {AREA_LENGTH})
            AND m.org_id = n.id AND t.member_id = m.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER members_name_tokens_area AFTER UPDATE ON orgs_org
    REFERENCING OLD TABLE AS moved_old NEW TABLE AS moved_new
    FOR EACH STATEMENT EXECUTE FUNCTION members_name_tokens_area_sync()
    """,
]
DROP_UNIT_TRIGGER_SQL = [
    "DROP TRIGGER IF EXISTS members_name_tokens_area ON orgs_org",
    "DROP FUNCTION IF EXISTS members_name_tokens_area_sync()",
]
# The tokens rebuilt with their areas into a new table (one INSERT … SELECT, indexes built after it),
# which then takes the old one's place.
REBUILD_SQL = [
    # Searches go on reading the old tokens; member writes (whose trigger writes tokens) wait.
    "LOCK TABLE members_membernametoken IN EXCLUSIVE MODE",
    """
    CREATE TABLE members_membernametoken_rebuilt (
        word varchar(60) COLLATE "C" NOT NULL,
        sort_key varchar(400) COLLATE "C" NOT NULL,
        member_id bigint NOT NULL,
        org_id bigint NOT NULL,
        area varchar(255) COLLATE "C" NOT NULL
    )
    """,
    f"""
    INSERT INTO members_membernametoken_rebuilt (word, sort_key, member_id, org_id, area)
    SELECT t.word, t.sort_key, t.member_id, t.org_id, left(o.path, {AREA_LENGTH})
    FROM members_membernametoken t JOIN orgs_org o ON o.id = t.org_id
    ORDER BY t.member_id, t.word
    """,
    "SET LOCAL maintenance_work_mem = '1GB'",
    "ALTER TABLE members_membernametoken_rebuilt ADD CONSTRAINT members_membernametoken_rebuilt_pkey"
    " PRIMARY KEY (member_id, word)",
    "CREATE INDEX member_token_order_rebuilt ON members_membernametoken_rebuilt"
    " (word, sort_key, member_id) INCLUDE (org_id)",
    "CREATE INDEX member_token_area_rebuilt ON members_membernametoken_rebuilt"
    " (word, area, sort_key, member_id) INCLUDE (org_id)",
    # The swap: readers wait from here to the commit only.
    "DROP TABLE members_membernametoken",
    "ALTER TABLE members_membernametoken_rebuilt RENAME TO members_membernametoken",
    "ALTER TABLE members_membernametoken RENAME CONSTRAINT members_membernametoken_rebuilt_pkey"
    " TO members_membernametoken_pkey",
    "ALTER INDEX member_token_order_rebuilt RENAME TO member_token_order_idx",
    "ALTER INDEX member_token_area_rebuilt RENAME TO member_token_area_idx",
    "ANALYZE members_membernametoken",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    connection = schema_editor.connection
    with transaction.atomic(using=connection.alias):
        for statement in [*REBUILD_SQL, MEMBER_TRIGGER_FUNCTION, *DROP_UNIT_TRIGGER_SQL, *UNIT_TRIGGER_SQL]:
            schema_editor.execute(statement)
    if not connection.in_atomic_block:
        # All-visible pages, so that the searches' index-only scans read no table pages (outside the
        # rebuild's transaction: VACUUM cannot run in one).
        schema_editor.execute("VACUUM (ANALYZE) members_membernametoken")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in [*DROP_UNIT_TRIGGER_SQL, OLD_MEMBER_TRIGGER_FUNCTION]:
        schema_editor.execute(statement)
    # The column's index goes with it.
    schema_editor.execute("ALTER TABLE members_membernametoken DROP COLUMN area")


class _NotOnPostgreSQL:
    """A schema operation done on SQLite only (PostgreSQL's is in ``forwards`` / ``backwards``)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class AddField(_NotOnPostgreSQL, migrations.AddField):
    pass


class AddIndex(_NotOnPostgreSQL, migrations.AddIndex):
    pass


AREA_INDEX = models.Index(
    fields=["word", "area", "sort_key", "member"], include=["org"], name="member_token_area_idx"
)


class Migration(migrations.Migration):
    atomic = False  # the rebuild is one transaction of its own, the VACUUM after it none

    dependencies = [
        ("members", "0030_rehabilitation_authority_readmission_age_rule"),
        ("orgs", "0003_org_types"),
    ]

    operations = [
        AddField(
            model_name="membernametoken",
            name="area",
            field=dangvu.core.fields.CodeField(default="", editable=False, max_length=255),
        ),
        AddIndex(model_name="membernametoken", index=AREA_INDEX),
        migrations.RunPython(forwards, backwards),
    ]
