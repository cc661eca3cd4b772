from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dangvu.accounts"
    label = "accounts"
    verbose_name = "Người dùng và phân quyền"

    def ready(self) -> None:
        from dangvu.accounts import twofactor
        from dangvu.accounts.permissions import register_permissions

        twofactor.connect()
        register_permissions(
            {
                "users.manage": "Quản lý người dùng và phân quyền",
                "audit.view": "Xem nhật ký hệ thống",
            }
        )
