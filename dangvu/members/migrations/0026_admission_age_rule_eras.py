"""The admission age limits (18 to 60, counted in months on the day the chi bộ considers the case; over
60 with the approval of the committee directly under the Centre) for the regulations in force before
1/7/2025: QĐ 29-QĐ/TW (2016), QĐ 24-QĐ/TW (2021), QĐ 232-QĐ/TW (2025). The row of QĐ 294 (from
1/7/2025) exists since 0004. A re-admission is judged by the row of its own date (DOMAIN §2, §16)."""

from datetime import date

from django.db import migrations

PERIODS = [
    (date(2016, 7, 25), date(2021, 7, 29), "QĐ 29-QĐ/TW (25/7/2016)"),
    (date(2021, 7, 30), date(2025, 1, 19), "QĐ 24-QĐ/TW (30/7/2021)"),
    (date(2025, 1, 20), date(2025, 6, 30), "QĐ 232-QĐ/TW (20/1/2025)"),
]
RULES = [
    ("admission_age_min_years", 18, "Tuổi tối thiểu khi chi bộ xét kết nạp (tính theo tháng)"),
    (
        "admission_age_max_years",
        60,
        "Trên 60 tuổi (tính theo tháng) do cấp ủy trực thuộc Trung ương xem xét, quyết định",
    ),
]


def forward(apps, schema_editor):
    rule = apps.get_model("members", "MemberRule")
    for key, value, description in RULES:
        for start, end, regulation in PERIODS:
            rule.objects.update_or_create(
                key=key,
                effective_from=start,
                defaults={
                    "value": value,
                    "effective_to": end,
                    "legal_basis": f"Điều lệ Đảng, Điều 1; {regulation}",
                    "is_default": False,
                    "description": description,
                },
            )


def backward(apps, schema_editor):
    apps.get_model("members", "MemberRule").objects.filter(
        key__in=[key for key, _value, _description in RULES],
        effective_from__in=[start for start, _end, _regulation in PERIODS],
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0025_member_recognition_decided_on")]

    operations = [migrations.RunPython(forward, backward)]
