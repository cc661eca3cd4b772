from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_fewer_indexes")]

    operations = [
        migrations.CreateModel(
            name="AuditChainLink",
            fields=[
                (
                    "seq",
                    models.BigIntegerField(
                        primary_key=True, serialize=False, verbose_name="số thứ tự trong chuỗi"
                    ),
                ),
                ("entry_id", models.BigIntegerField(unique=True)),
                ("mac", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "mắt xích nhật ký"},
        ),
        migrations.AddField(
            model_name="auditentry",
            name="mac",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        # Nullable and defaulted, so that the old columns can come back (reversing 0006) before 0005's
        # reverse fills them in again.
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.BigIntegerField(null=True, unique=True, verbose_name="số thứ tự"),
        ),
        migrations.AlterField(
            model_name="auditentry", name="prev_hash", field=models.CharField(default="", max_length=64)
        ),
        migrations.AlterField(
            model_name="auditentry", name="entry_hash", field=models.CharField(default="", max_length=64)
        ),
    ]
