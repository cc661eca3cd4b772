"""Reference data: who decides each member verb, per regulation period (DOMAIN §2 step 10, §4, addendum
§8, §11, §16). Editable by an administrator (Django admin, "Thẩm quyền quyết định"); rows marked
``is_default`` are unconfirmed defaults ([U] in DOMAIN.md) to check against the original texts."""

from datetime import date

from django.db import migrations

# The regulation implementing the Charter in force on each period (DOMAIN §0, §16).
PERIODS = [
    (date(2021, 7, 30), date(2025, 1, 19), "Quy định 24-QĐ/TW (30/7/2021)"),
    (date(2025, 1, 20), date(2025, 6, 30), "Quy định 232-QĐ/TW (20/1/2025)"),
    (date(2025, 7, 1), None, "Quy định 294-QĐ/TW (26/5/2025)"),
]
# The inspection and discipline regulation in force (DOMAIN §0).
DISCIPLINE_PERIODS = [
    (date(2021, 7, 28), date(2025, 5, 29), "Quy định 22-QĐ/TW (28/7/2021)"),
    (date(2025, 5, 30), None, "Quy định 296-QĐ/TW (30/5/2025)"),
]
# The guide in force for badges (HD 01-HD/TW 2021 §18 → HD 06-HD/TW 2025).
BADGE_PERIODS = [
    (date(2021, 9, 28), date(2025, 6, 8), "Hướng dẫn 01-HD/TW (28/9/2021) mục 18"),
    (date(2025, 6, 9), None, "Hướng dẫn 06-HD/TW (9/6/2025)"),
]

TWO_THIRDS = (2, 3, False)
MORE_THAN_HALF = (1, 2, True)
NO_VOTE = (None, None, False)

# verb, level, body, permission, delegable power, vote, periods, article, unconfirmed
RULES = [
    ("admit", "above_grassroots", "Ban Thường vụ", "members.decide", "admission", TWO_THIRDS, PERIODS,
     "Điều lệ Đảng Điều 4", False),
    ("readmit", "above_grassroots", "Ban Thường vụ", "members.decide", "admission", TWO_THIRDS, PERIODS,
     "Điều lệ Đảng Điều 4", False),
    ("recognize", "above_grassroots", "Ban Thường vụ", "members.decide", "admission", TWO_THIRDS, PERIODS,
     "Điều lệ Đảng Điều 5", False),
    ("end-probation", "above_grassroots", "Ban Thường vụ", "members.decide", "admission", TWO_THIRDS,
     PERIODS, "Điều lệ Đảng Điều 5", False),
    ("remove", "above_grassroots", "Ban Thường vụ", "members.decide", "admission", NO_VOTE, PERIODS,
     "Điều lệ Đảng Điều 8", False),
    ("leave", "above_grassroots", "Ban Thường vụ", "members.decide", "admission", NO_VOTE, PERIODS,
     "Điều lệ Đảng Điều 8", False),
    # [U] DOMAIN addendum §8: the provincial standing committee decides badges (no delegation seen).
    ("badge", "province", "Ban Thường vụ Tỉnh ủy", "members.decide", "", NO_VOTE, BADGE_PERIODS,
     "", True),
    # The chi bộ decides khiển trách and cảnh cáo of its members by its own vote (Điều lệ Art. 36).
    ("discipline:khien-trach", "cell", "Chi bộ", "members.manage", "", MORE_THAN_HALF, DISCIPLINE_PERIODS,
     "Điều lệ Đảng Điều 36, 39", False),
    ("discipline:canh-cao", "cell", "Chi bộ", "members.manage", "", MORE_THAN_HALF, DISCIPLINE_PERIODS,
     "Điều lệ Đảng Điều 36, 39", False),
    # [U] cách chức depends on who manages the post; khai trừ: the committee above the grassroots
    # organisation, or a đảng ủy cơ sở with admission power (Điều lệ Art. 36.2).
    ("discipline:cach-chuc", "grassroots", "Đảng ủy cơ sở", "members.decide", "", NO_VOTE,
     DISCIPLINE_PERIODS, "Điều lệ Đảng Điều 36", True),
    ("discipline:khai-tru", "above_grassroots", "Ban Thường vụ", "members.decide", "admission", NO_VOTE,
     DISCIPLINE_PERIODS, "Điều lệ Đảng Điều 36", True),
]


def forward(apps, schema_editor):
    DecisionAuthority = apps.get_model("members", "DecisionAuthority")
    for verb, level, body, permission, delegable, vote, periods, article, unconfirmed in RULES:
        numerator, denominator, strict = vote
        for valid_from, valid_to, regulation in periods:
            DecisionAuthority.objects.update_or_create(
                verb=verb,
                org_type=None,
                valid_from=valid_from,
                defaults={
                    "valid_to": valid_to,
                    "level": level,
                    "body": body,
                    "permission": permission,
                    "delegable": delegable,
                    "vote_numerator": numerator,
                    "vote_denominator": denominator,
                    "vote_strict": strict,
                    "legal_basis": f"{article}; {regulation}" if article else regulation,
                    "is_default": unconfirmed,
                },
            )


def backward(apps, schema_editor):
    apps.get_model("members", "DecisionAuthority").objects.filter(org_type=None).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0017_decides_authority_proposals")]
    operations = [migrations.RunPython(forward, backward)]
