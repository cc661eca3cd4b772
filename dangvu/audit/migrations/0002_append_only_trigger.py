from django.db import migrations

from dangvu.core.migrations_util import postgres_sql

# On PostgreSQL the database itself refuses UPDATE and DELETE of audit rows (TRUNCATE, used only by test
# teardown and restores, stays possible). Tampering that bypasses this is still caught by verify_audit.
FORWARD = [
    """
    CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit entries are append-only';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()
    """,
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry",
    "DROP FUNCTION IF EXISTS audit_entry_append_only()",
]


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [postgres_sql(FORWARD, BACKWARD)]
