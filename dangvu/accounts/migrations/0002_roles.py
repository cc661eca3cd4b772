"""Reference data: the standard roles of a Party committee office. Administrators can edit them or add more."""

from django.db import migrations

ROLES = [
    ("quan-tri", "Quản trị hệ thống", "Administrator", [
        "orgs.view", "orgs.manage", "users.manage", "audit.view", "calendar.manage",
        "members.view", "members.view_file", "members.manage", "members.stats"]),
    ("van-thu", "Văn thư", "Records clerk", ["orgs.view"]),
    ("chuyen-vien", "Chuyên viên", "Specialist", ["orgs.view", "members.view", "members.stats"]),
    ("lanh-dao", "Lãnh đạo", "Leader", ["orgs.view", "members.view", "members.view_file", "members.stats", "audit.view"]),
    ("ban-to-chuc", "Ban Tổ chức / Ban Xây dựng Đảng", "Organisation board", [
        "orgs.view", "orgs.manage", "members.view", "members.view_file", "members.manage", "members.stats"]),
    ("uy-ban-kiem-tra", "Ủy ban Kiểm tra", "Inspection committee", ["orgs.view", "members.view", "members.view_file", "audit.view"]),
    ("bi-thu-chi-bo", "Bí thư chi bộ", "Party cell secretary", [
        "orgs.view", "members.view", "members.view_file", "members.manage", "members.stats"]),
    ("dang-vien", "Đảng viên", "Party member", ["orgs.view"]),
]


def forward(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, name, name_en, permissions in ROLES:
        Role.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en, "permissions": permissions})


def backward(apps, schema_editor):
    apps.get_model("accounts", "Role").objects.filter(code__in=[r[0] for r in ROLES], assignments__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
