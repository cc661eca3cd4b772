from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "dangvu.orgs"
    label = "orgs"
    verbose_name = "Tổ chức đảng"

    def ready(self) -> None:
        from dangvu.accounts.permissions import register_permissions

        register_permissions(
            {
                "orgs.view": "Xem cây tổ chức",
                "orgs.manage": "Quản lý cây tổ chức (thêm, đổi tên, chuyển, hợp nhất, chia tách, giải thể)",
            }
        )
