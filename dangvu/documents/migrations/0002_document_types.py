"""Reference data: the Party document types of QĐ 399-QĐ/TW (9/1/2026) with the abbreviations their
numbers carry (HD 36-HD/VPTW). Abbreviations seen in real numbers are confirmed; the others follow HD
36's appendix as reported and are marked for checking (DOMAIN.md addendum §2). Administrators edit
them; an organ's own abbreviation (e.g. "QĐi" for Quy định) is a TypeAbbreviation row."""

from django.db import migrations

CONFIRMED = "QĐ 399-QĐ/TW; ký hiệu theo HD 36-HD/VPTW (đã đối chiếu số văn bản thực tế)"
TO_CHECK = "QĐ 399-QĐ/TW; ký hiệu theo phụ lục HD 36-HD/VPTW (chưa xác nhận, cần kiểm tra)"
TYPES = [
    ("nghi-quyet", "Nghị quyết", "NQ", False, CONFIRMED),
    ("quyet-dinh", "Quyết định", "QĐ", False, CONFIRMED),
    ("quy-dinh", "Quy định", "QĐ", False, CONFIRMED + "; Quy định và Quyết định chung một dãy số ở Trung ương"),
    ("chi-thi", "Chỉ thị", "CT", False, CONFIRMED),
    ("ket-luan", "Kết luận", "KL", False, CONFIRMED),
    ("quy-che", "Quy chế", "QC", False, CONFIRMED),
    ("huong-dan", "Hướng dẫn", "HD", False, CONFIRMED),
    ("thong-bao", "Thông báo", "TB", False, CONFIRMED),
    ("ke-hoach", "Kế hoạch", "KH", False, CONFIRMED),
    ("chuong-trinh-hanh-dong", "Chương trình hành động", "CTHĐ", False, CONFIRMED),
    ("cong-van", "Công văn", "CV", True, CONFIRMED),
    ("thong-tri", "Thông tri", "TT", False, TO_CHECK),
    ("chuong-trinh", "Chương trình", "CTr", False, TO_CHECK),
    ("bao-cao", "Báo cáo", "BC", False, TO_CHECK),
    ("to-trinh", "Tờ trình", "TTr", False, TO_CHECK),
    ("de-an", "Đề án", "ĐA", False, TO_CHECK),
    ("phuong-an", "Phương án", "PA", False, TO_CHECK),
    ("du-an", "Dự án", "DA", False, TO_CHECK),
    ("quy-hoach", "Quy hoạch", "QH", False, TO_CHECK),
    ("bien-ban", "Biên bản", "BB", False, TO_CHECK),
    ("giay-moi", "Giấy mời", "GM", False, TO_CHECK),
    ("giay-gioi-thieu", "Giấy giới thiệu", "GGT", False, TO_CHECK),
    ("giay-chung-nhan", "Giấy chứng nhận", "GCN", False, TO_CHECK),
    ("van-ban-khac", "Văn bản khác", "VB", False, "Dùng khi vào sổ văn bản đến chưa rõ loại"),
]


def forward(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    for code, name, abbreviation, is_letter, basis in TYPES:
        DocumentType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "abbreviation": abbreviation,
                "is_letter": is_letter,
                "legal_basis": basis,
                "template": code,
            },
        )


def backward(apps, schema_editor):
    apps.get_model("documents", "DocumentType").objects.filter(code__in=[t[0] for t in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
