"""Statistics cells by month of birth and of a running party-age clock's start (issue #12): the units
that keep cells answer the age and party-age bands of any report day from them, counting from the rows
only the days of the month the report day cuts.

The deltas carry the two months from now on; the units that keep cells get their month cells counted
here from the member rows (the nightly recount counts them too). A delta pending from before this
migration has no months and changes no month cell: the rows counted here already hold its change."""

from django.db import migrations, models
from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

CURRENT_STATUSES = ("probationary", "official", "exempt", "transferring")
MONTHS = {
    "birth_month": ("birth_date", Q(status__in=CURRENT_STATUSES)),
    "party_age_month": ("party_age_from", Q(status__in=CURRENT_STATUSES, party_age_until__isnull=True)),
}
FOLD_LOCK = 0x726F6C6C7570  # dangvu.members.rollups._LOCK_ID: no fold while the cells are written


def count_month_cells(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    OrgMemberCount = apps.get_model("members", "OrgMemberCount")
    OrgMemberStat = apps.get_model("members", "OrgMemberStat")
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FOLD_LOCK])
    now = timezone.now()
    kept = OrgMemberCount.objects.filter(cells_computed_at__isnull=False).values_list("org_id", "org__path")
    for org_id, path in kept:
        cells = []
        for dimension, (field, condition) in MONTHS.items():
            rows = (
                Member.objects.filter(condition, org__path__startswith=path, **{f"{field}__isnull": False})
                .annotate(_y=ExtractYear(field), _m=ExtractMonth(field))
                .values("_y", "_m")
                .annotate(n=Count("pk"))
                .order_by()
            )
            cells += [
                OrgMemberStat(
                    org_id=org_id,
                    dimension=dimension,
                    key=f"{row['_y']:04d}-{row['_m']:02d}",
                    n=row["n"],
                    computed_at=now,
                )
                for row in rows
            ]
        OrgMemberStat.objects.filter(org_id=org_id, dimension__in=MONTHS).delete()
        OrgMemberStat.objects.bulk_create(cells, batch_size=2000)


def drop_month_cells(apps, schema_editor):
    apps.get_model("members", "OrgMemberStat").objects.filter(dimension__in=MONTHS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0031_name_token_area"),
    ]

    operations = [
        migrations.AddField(
            model_name="memberstatdelta",
            name="birth_month",
            field=models.CharField(blank=True, db_default="", default="", max_length=7),
        ),
        migrations.AddField(
            model_name="memberstatdelta",
            name="party_age_month",
            field=models.CharField(blank=True, db_default="", default="", max_length=7),
        ),
        migrations.RunPython(count_month_cells, drop_month_cells),
    ]
