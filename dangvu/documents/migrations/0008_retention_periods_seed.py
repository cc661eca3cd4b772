"""Reference data: a small starting set of standard retention periods (thời hạn bảo quản mẫu) for the
files of a Party committee's list of files. The tables in force are those HD 35-HD/VPTW (18/10/2010)
issued for provincial and district Party bodies under QĐ 210-QĐ/TW (6/3/2009) on the Party's archive
fonds; their rows could not be read here, so every row below is a common-practice value marked
unconfirmed (``confirmed`` False) for an administrator to check against the original and correct in
the admin (docs/filing.md)."""

from django.db import migrations

BASIS = "Bảng thời hạn bảo quản mẫu (HD 35-HD/VPTW, 18/10/2010) — giá trị mặc định, chưa đối chiếu"
PERIODS = [
    # code, group, title, years (None: permanent)
    ("1.1", "Tài liệu chung", "Nghị quyết, quyết định, chỉ thị, kết luận của cấp ủy (bản lưu của cơ quan ban hành)", None),
    ("1.2", "Tài liệu chung", "Hồ sơ đại hội đảng bộ", None),
    ("1.3", "Tài liệu chung", "Hồ sơ hội nghị cấp ủy, ban thường vụ (biên bản, nghị quyết, báo cáo)", None),
    ("1.4", "Tài liệu chung", "Chương trình, kế hoạch, báo cáo tổng kết năm, nhiệm kỳ", None),
    ("1.5", "Tài liệu chung", "Báo cáo sơ kết, báo cáo tháng, quý, 6 tháng", 10),
    ("1.6", "Tài liệu chung", "Hồ sơ thực hiện văn bản của cấp trên (kế hoạch, báo cáo của đơn vị)", 10),
    ("2.1", "Tổ chức, cán bộ, đảng viên", "Hồ sơ kết nạp đảng viên, công nhận đảng viên chính thức", None),
    ("2.2", "Tổ chức, cán bộ, đảng viên", "Hồ sơ đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên hằng năm", 20),
    ("2.3", "Tổ chức, cán bộ, đảng viên", "Sổ, danh sách theo dõi chuyển sinh hoạt đảng", 20),
    ("3.1", "Kiểm tra, giám sát, kỷ luật", "Hồ sơ kỷ luật tổ chức đảng, đảng viên", None),
    ("3.2", "Kiểm tra, giám sát, kỷ luật", "Hồ sơ giải quyết tố cáo, khiếu nại", 20),
    ("4.1", "Tài chính đảng", "Sổ sách, chứng từ thu, nộp đảng phí", 10),
    ("4.2", "Tài chính đảng", "Báo cáo quyết toán ngân sách năm", None),
    ("5.1", "Văn phòng", "Sổ đăng ký văn bản đi, văn bản đến", 20),
    ("5.2", "Văn phòng", "Công văn trao đổi về công việc chung, giấy mời, thông báo ngắn hạn", 5),
    ("5.3", "Văn phòng", "Tài liệu tham khảo, văn bản gửi để biết", 2),
]


def forward(apps, schema_editor):
    RetentionPeriod = apps.get_model("documents", "RetentionPeriod")
    for position, (code, group, title, years) in enumerate(PERIODS, start=1):
        RetentionPeriod.objects.update_or_create(
            code=code,
            defaults={
                "group": group,
                "title": title,
                "retention_years": years,
                "legal_basis": BASIS,
                "confirmed": False,
                "position": position,
            },
        )


def backward(apps, schema_editor):
    RetentionPeriod = apps.get_model("documents", "RetentionPeriod")
    RetentionPeriod.objects.filter(code__in=[row[0] for row in PERIODS], legal_basis=BASIS).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0007_retention_periods_closing_handover")]

    operations = [migrations.RunPython(forward, backward)]
