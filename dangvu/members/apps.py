from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "dangvu.members"
    label = "members"
    verbose_name = "Đảng viên"

    def ready(self) -> None:
        from dangvu.accounts.permissions import register_permissions

        register_permissions(
            {
                "members.view": "Xem danh sách đảng viên",
                "members.view_file": "Xem hồ sơ đảng viên (tài liệu mật)",
                "members.manage": "Cập nhật hồ sơ và nghiệp vụ đảng viên",
                "members.stats": "Xem thống kê đảng viên",
            }
        )
