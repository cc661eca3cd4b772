"""Reference data (issue #10):

* who records a rehabilitation (minh oan, phục hồi đảng tịch) is its own ``DecisionAuthority`` row
  instead of borrowing the ``remove`` row: the committee above the grassroots organisation (the level
  that decides endings, whose decision the annulment undoes), from 18/8/2023 under QĐ 117-QĐ/TW (on
  apology and restoring the rights of those wrongly disciplined: DOMAIN §11) and before it under the
  Charter and QĐ 22-QĐ/TW (the level resolving the complaint annuls the decision). Unconfirmed
  ([U]: the texts retrieved do not name the level), so ``is_default``;
* whether a re-admission is judged by the admission age limits (18–60, over 60 with approval) is an
  inference (a re-admission goes through the admission procedure and conditions: Charter Art. 4,
  QĐ 29/24/232/294 on re-admission): the rule ``readmission_age_limits`` (true), marked
  ``is_default`` so that an administrator confirms or turns it off.
"""

from datetime import date

from django.db import migrations

REHABILITATION = [
    (
        date(2021, 7, 30),
        date(2023, 8, 17),
        "Điều lệ Đảng; Quy định 22-QĐ/TW (28/7/2021) (cấp giải quyết khiếu nại kỷ luật hủy quyết định sai)",
    ),
    (
        date(2023, 8, 18),
        None,
        "Quy định 117-QĐ/TW (18/8/2023) về xin lỗi và phục hồi quyền lợi cho người bị xử lý oan, sai",
    ),
]
READMISSION_AGE = [
    (date(2016, 7, 25), date(2021, 7, 29), "QĐ 29-QĐ/TW (25/7/2016)"),
    (date(2021, 7, 30), date(2025, 1, 19), "QĐ 24-QĐ/TW (30/7/2021)"),
    (date(2025, 1, 20), date(2025, 6, 30), "QĐ 232-QĐ/TW (20/1/2025)"),
    (date(2025, 7, 1), None, "QĐ 294-QĐ/TW (26/5/2025)"),
]
READMISSION_AGE_KEY = "readmission_age_limits"


def forward(apps, schema_editor):
    authority = apps.get_model("members", "DecisionAuthority")
    for valid_from, valid_to, basis in REHABILITATION:
        authority.objects.update_or_create(
            verb="rehabilitate",
            org_type=None,
            valid_from=valid_from,
            defaults={
                "valid_to": valid_to,
                "level": "above_grassroots",
                "body": "Ban Thường vụ",
                "permission": "members.decide",
                "delegable": "",
                "vote_numerator": None,
                "vote_denominator": None,
                "vote_strict": False,
                "legal_basis": basis,
                "is_default": True,
            },
        )
    rule = apps.get_model("members", "MemberRule")
    for start, end, regulation in READMISSION_AGE:
        rule.objects.update_or_create(
            key=READMISSION_AGE_KEY,
            effective_from=start,
            defaults={
                "value": True,
                "effective_to": end,
                "legal_basis": f"Suy ra từ Điều lệ Đảng Điều 4 và {regulation} (kết nạp lại theo thủ tục, "
                "điều kiện kết nạp)",
                "is_default": True,
                "description": "Kết nạp lại xét điều kiện tuổi như kết nạp (18–60 tuổi, tính theo tháng; "
                "trên 60 cần cấp có thẩm quyền đồng ý): suy ra, chưa xác nhận",
            },
        )


def backward(apps, schema_editor):
    apps.get_model("members", "DecisionAuthority").objects.filter(verb="rehabilitate", org_type=None).delete()
    apps.get_model("members", "MemberRule").objects.filter(key=READMISSION_AGE_KEY).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0029_rehabilitation_verb")]
    operations = [migrations.RunPython(forward, backward)]
