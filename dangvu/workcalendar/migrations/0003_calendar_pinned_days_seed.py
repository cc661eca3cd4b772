"""Pin 1901–2100 (every year the package's lunar calendar covers) from the holidays package into the product's own table (see workcalendar/seed.py)."""

from django.db import migrations


def forward(apps, schema_editor):
    from dangvu.workcalendar.seed import SEED_FIRST_YEAR, SEED_LAST_YEAR, seed_years

    seed_years(apps, range(SEED_FIRST_YEAR, SEED_LAST_YEAR + 1))


def backward(apps, schema_editor):
    apps.get_model("workcalendar", "CalendarDay").objects.filter(source="package").delete()
    apps.get_model("workcalendar", "CalendarYear").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0002_calendar_pinned_days_schema")]

    operations = [migrations.RunPython(forward, backward)]
