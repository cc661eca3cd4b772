from django.db import migrations, models

from dangvu.core.migrations_util import postgres_sql

# Links are append-only at the database level too. TRUNCATE is stopped by privileges, not by a trigger:
# the application's role is granted only SELECT and INSERT (see `dangvu audit_roles`), while the owner
# (migrations, restores, test teardown) may still empty the tables.
FORWARD = [
    """
    CREATE TRIGGER audit_chainlink_append_only BEFORE UPDATE OR DELETE ON audit_auditchainlink
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()
    """,
]
BACKWARD = ["DROP TRIGGER IF EXISTS audit_chainlink_append_only ON audit_auditchainlink"]


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_audit_keyed_chain_data")]

    operations = [
        migrations.RemoveIndex(model_name="auditentry", name="audit_object_idx"),
        migrations.RemoveIndex(model_name="auditentry", name="audit_action_idx"),
        migrations.AlterModelOptions(
            name="auditentry",
            options={
                "ordering": ["-id"],
                "verbose_name": "bản ghi nhật ký",
                "verbose_name_plural": "nhật ký hệ thống",
            },
        ),
        migrations.RemoveField(model_name="auditentry", name="seq"),
        migrations.RemoveField(model_name="auditentry", name="prev_hash"),
        migrations.RemoveField(model_name="auditentry", name="entry_hash"),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["object_type", "object_id", "id"], name="audit_entry_object_idx"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["action", "id"], name="audit_entry_action_idx"),
        ),
        migrations.DeleteModel(name="AuditChainHead"),
        postgres_sql(FORWARD, BACKWARD),
    ]
