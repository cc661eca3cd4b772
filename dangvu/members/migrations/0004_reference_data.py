"""Reference data: ethnic groups (54), religions, and the member rules with their legal basis (DOMAIN §2–§4)."""

from datetime import date

from django.db import migrations

ETHNICITIES = [
    "Kinh", "Tày", "Thái", "Hoa", "Khơ-me", "Mường", "Nùng", "HMông", "Dao", "Gia-rai", "Ngái", "Ê-đê", "Ba-na",
    "Xơ-đăng", "Sán Chay", "Cơ-ho", "Chăm", "Sán Dìu", "Hrê", "Mnông", "Ra-glai", "Xtiêng", "Bru-Vân Kiều", "Thổ",
    "Giáy", "Cơ-tu", "Giẻ-Triêng", "Mạ", "Khơ-mú", "Co", "Tà-ôi", "Chơ-ro", "Kháng", "Xinh-mun", "Hà Nhì", "Chu-ru",
    "Lào", "La Chí", "La Ha", "Phù Lá", "La Hủ", "Lự", "Lô Lô", "Chứt", "Mảng", "Pà Thẻn", "Cờ Lao", "Cống", "Bố Y",
    "Si La", "Pu Péo", "Brâu", "Ơ Đu", "Rơ-măm",
]

RELIGIONS = [
    ("khong", "Không"), ("phat-giao", "Phật giáo"), ("cong-giao", "Công giáo"), ("tin-lanh", "Tin lành"),
    ("cao-dai", "Cao Đài"), ("hoa-hao", "Phật giáo Hòa Hảo"), ("hoi-giao", "Hồi giáo"), ("bahai", "Baha'i"),
    ("tinh-do-cu-si", "Tịnh độ Cư sĩ Phật hội Việt Nam"), ("phuc-lam", "Cơ đốc Phục lâm"),
    ("tu-an-hieu-nghia", "Phật giáo Tứ Ân Hiếu Nghĩa"), ("minh-su", "Minh Sư đạo"), ("minh-ly", "Minh Lý đạo"),
    ("ba-la-mon", "Bà-la-môn giáo"), ("mac-mon", "Mặc môn"), ("hieu-nghia-ta-lon", "Phật giáo Hiếu Nghĩa Tà Lơn"),
    ("buu-son-ky-huong", "Bửu Sơn Kỳ Hương"), ("khac", "Khác"),
]

CHARTER = "Điều lệ Đảng; QĐ 294-QĐ/TW (26/5/2025)"
FROM = date(2025, 7, 1)
RULES = [
    # key, value, legal basis, unconfirmed default?, description
    ("probation_months", 12, CHARTER, False, "Thời gian dự bị, tính từ ngày lễ kết nạp"),
    ("recognition_working_days", 30, "QĐ 294-QĐ/TW §5 (như QĐ 24 §5)", False,
     "Chi bộ xét công nhận chính thức trong 30 ngày làm việc sau khi hết 12 tháng dự bị"),
    ("admission_decision_working_days", 60, "QĐ 294-QĐ/TW §4.3.1", False, "Cấp có thẩm quyền quyết định kết nạp"),
    ("ceremony_working_days", 30, "QĐ 232/294-QĐ/TW §4.1", False, "Tổ chức lễ kết nạp sau khi nhận quyết định"),
    ("admission_age_min_years", 18, CHARTER, False, "Tuổi tối thiểu khi chi bộ xét kết nạp"),
    ("admission_age_max_years", 60, CHARTER, False, "Trên 60 tuổi do cấp ủy trực thuộc Trung ương quyết định"),
    ("transfer_start_working_days", 60, "QĐ 294-QĐ/TW §6.3.1", False, "Làm thủ tục chuyển sinh hoạt chính thức"),
    ("transfer_present_working_days", 30, "QĐ 294-QĐ/TW §6.3.1", False, "Xuất trình giấy giới thiệu với nơi đến"),
    ("temporary_transfer_max_months", 24, "QĐ 294-QĐ/TW §6.3.2", False, "Tạm thời: 3 tháng–1 năm (công tác), đến 2 năm (học tập)"),
    ("readmission_min_months", 36, "QĐ 232-QĐ/TW §3.5", False, "Kết nạp lại sau ít nhất 36 tháng kể từ khi ra khỏi Đảng"),
    ("readmission_max_times", 1, "QĐ 232-QĐ/TW §3.5", False, "Chỉ kết nạp lại một lần"),
    ("badge_milestones", [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90], "HD 01-HD/TW (2021) §18", False,
     "Các mốc tuổi đảng được tặng Huy hiệu"),
    ("badge_award_days", ["02-03", "05-19", "09-02", "11-07"], "HD 01-HD/TW (2021) §18", False,
     "Các ngày trao Huy hiệu ở cơ sở (ngày-tháng)"),
    ("badge_early_months_ill", {"below_70": 12, "from_70": 24}, "HD 01-HD/TW (2021) §18", False,
     "Tặng sớm cho đảng viên ốm nặng"),
    ("badge_early_months_posthumous", 12, "HD 01-HD/TW (2021) §18", False, "Truy tặng sớm tối đa"),
    ("badge_wait_after_discipline_months", {"khien-trach": 6, "canh-cao": 9, "cach-chuc": 12}, "QĐ 24-QĐ/TW", True,
     "Chưa xét tặng trong thời gian này sau quyết định kỷ luật"),
    ("fees_unpaid_months_for_removal", 3, "QĐ 24-QĐ/TW §8.1; QĐ 01-QĐ/TW (2026)", False,
     "Không đóng đảng phí 3 tháng trong năm không có lý do chính đáng"),
]


def forward(apps, schema_editor):
    Ethnicity = apps.get_model("members", "Ethnicity")
    Religion = apps.get_model("members", "Religion")
    MemberRule = apps.get_model("members", "MemberRule")
    for order, name in enumerate(ETHNICITIES, start=1):
        Ethnicity.objects.update_or_create(code=f"{order:02d}", defaults={"name": name, "order": order})
    for order, (code, name) in enumerate(RELIGIONS):
        Religion.objects.update_or_create(code=code, defaults={"name": name, "order": order})
    for key, value, basis, default, description in RULES:
        MemberRule.objects.update_or_create(
            key=key, effective_from=FROM,
            defaults={"value": value, "legal_basis": basis, "is_default": default, "description": description},
        )


def backward(apps, schema_editor):
    apps.get_model("members", "MemberRule").objects.filter(effective_from=FROM, key__in=[r[0] for r in RULES]).delete()
    apps.get_model("members", "Religion").objects.all().delete()
    apps.get_model("members", "Ethnicity").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0003_member_file_history_reference")]
    operations = [migrations.RunPython(forward, backward)]
