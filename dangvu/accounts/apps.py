from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dangvu.accounts"
    label = "accounts"
    verbose_name = "Người dùng và phân quyền"

    def ready(self) -> None:
        from dangvu.accounts.permissions import register_permissions

        register_permissions(
            {
                "users.manage": "Quản lý người dùng và phân quyền",
                "audit.view": "Xem nhật ký hệ thống",
            }
        )
