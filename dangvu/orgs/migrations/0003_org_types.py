"""Reference data: the types of party organisation after the 2025 reform (DOMAIN §1). Editable in the admin."""

from django.db import migrations

TYPES = [
    # code, name, English, default abbreviation, rank, grassroots, has members, dashboard level
    ("trung-uong", "Trung ương", "Central Committee", "TW", 0, False, False, False),
    ("dang-bo-tinh", "Đảng bộ tỉnh, thành phố", "Provincial party organisation", "TU", 1, False, False, True),
    ("dang-bo-truc-thuoc-tw", "Đảng bộ trực thuộc Trung ương", "Party organisation under the Centre", "ĐU", 1, False, False, True),
    ("dang-uy-truc-thuoc-tinh", "Đảng ủy trực thuộc tỉnh ủy", "Party committee under the province", "ĐU", 2, False, False, True),
    ("dang-bo-xa", "Đảng bộ xã, phường, đặc khu", "Commune/ward party organisation", "ĐU", 2, False, False, True),
    ("dang-bo-co-so", "Đảng bộ cơ sở", "Grassroots party organisation", "ĐU", 3, True, False, False),
    ("chi-bo-co-so", "Chi bộ cơ sở", "Grassroots party cell", "CB", 3, True, True, False),
    ("dang-uy-bo-phan", "Đảng ủy bộ phận", "Intermediate party committee", "ĐU", 4, False, False, False),
    ("chi-bo-truc-thuoc", "Chi bộ trực thuộc", "Party cell", "CB", 5, False, True, False),
    ("to-dang", "Tổ đảng", "Party group", "TĐ", 6, False, True, False),
]


def forward(apps, schema_editor):
    OrgType = apps.get_model("orgs", "OrgType")
    for code, name, name_en, abbreviation, rank, grassroots, has_members, dashboard in TYPES:
        OrgType.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "name_en": name_en, "default_abbreviation": abbreviation, "rank": rank,
                "is_grassroots": grassroots, "has_members": has_members, "is_dashboard_level": dashboard,
            },
        )


def backward(apps, schema_editor):
    apps.get_model("orgs", "OrgType").objects.filter(code__in=[row[0] for row in TYPES], orgs__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_postgres_search")]
    operations = [migrations.RunPython(forward, backward)]
