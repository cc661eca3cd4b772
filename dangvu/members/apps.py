from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "dangvu.members"
    label = "members"
    verbose_name = "Đảng viên"

    def ready(self) -> None:
        from dangvu.accounts.permissions import register_permissions
        from dangvu.orgs.panels import OrgPanel, register_org_panel

        register_permissions(
            {
                "members.view": "Xem danh sách đảng viên",
                "members.view_file": "Xem hồ sơ đảng viên (tài liệu mật)",
                "members.manage": "Cập nhật hồ sơ và nghiệp vụ đảng viên",
                "members.stats": "Xem thống kê đảng viên",
            }
        )
        register_org_panel(
            OrgPanel(
                key="member-charts",
                title="Đảng viên",
                url_name="members:org_charts",
                permission="members.stats",
            )
        )
