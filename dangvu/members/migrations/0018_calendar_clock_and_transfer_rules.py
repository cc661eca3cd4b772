"""The rules of the admission/recognition clocks and of temporary transfer categories, one row per
regulation in force (QĐ 29-QĐ/TW 2016 → QĐ 24-QĐ/TW 2021 → QĐ 232-QĐ/TW 2025 → QĐ 294-QĐ/TW from
1/7/2025; the figures are the same in all four, DOMAIN §2 step 10–11 and §3, addendum §10)."""

from datetime import date

from django.db import migrations

PERIODS = [
    (date(2016, 7, 25), date(2021, 7, 29), "QĐ 29-QĐ/TW (25/7/2016)"),
    (date(2021, 7, 30), date(2025, 1, 19), "QĐ 24-QĐ/TW (30/7/2021)"),
    (date(2025, 1, 20), date(2025, 6, 30), "QĐ 232-QĐ/TW (20/1/2025)"),
    (date(2025, 7, 1), None, "QĐ 294-QĐ/TW (26/5/2025)"),
]
WORK = {"min_months": 3, "max_months": 12, "max_inclusive": False}
RULES = [
    # key, value, section, unconfirmed default?, description
    ("recognition_decision_working_days", 30, "§4.3.1", False,
     "Cấp có thẩm quyền quyết định công nhận chính thức trong 30 ngày làm việc kể từ ngày chi bộ có nghị quyết"),
    ("decision_extension_max_working_days", 30, "§4.3.1", False,
     "Thời hạn của cấp có thẩm quyền (kết nạp, công nhận chính thức) được gia hạn một lần, tối đa 30 ngày làm việc"),
    ("temporary_transfer_work", WORK, "§6.3.2 (chuyển sinh hoạt tạm thời)", False,
     "Đi công tác, làm việc ở nơi khác: từ 3 tháng đến dưới 1 năm"),
    ("temporary_transfer_residence", WORK, "§6.3.2 (chuyển sinh hoạt tạm thời)", False,
     "Cư trú ở nơi khác: từ 3 tháng đến dưới 1 năm"),
    ("temporary_transfer_study", {"min_months": 3, "max_months": 24, "max_inclusive": True},
     "§6.3.2 (chuyển sinh hoạt tạm thời)", False, "Học tập tập trung: từ 3 tháng đến 2 năm"),
    ("temporary_transfer_special", {"min_months": 1, "max_months": 24, "max_inclusive": True},
     "§6.3.2 (trường hợp đặc biệt do cấp ủy quy định)", True,
     "Trường hợp đặc biệt: theo quy định của cấp ủy (giá trị mặc định, cần xác nhận)"),
]


def forward(apps, schema_editor):
    rule = apps.get_model("members", "MemberRule")
    for key, value, section, default, description in RULES:
        for start, end, regulation in PERIODS:
            rule.objects.update_or_create(
                key=key,
                effective_from=start,
                defaults={
                    "value": value,
                    "effective_to": end,
                    "legal_basis": f"{regulation} {section}",
                    "is_default": default,
                    "description": description,
                },
            )


def backward(apps, schema_editor):
    apps.get_model("members", "MemberRule").objects.filter(key__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0017_calendar_clocks_and_transfer_category")]

    operations = [migrations.RunPython(forward, backward)]
