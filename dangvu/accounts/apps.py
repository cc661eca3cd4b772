from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "dangvu.accounts"
    label = "accounts"
    verbose_name = _("Người dùng và phân quyền")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from dangvu.accounts import grants, throttle, twofactor
        from dangvu.core.modules import ModuleDescription, Permission

        twofactor.connect()
        throttle.connect()
        # Infrastructure, not domain flow: after every migrate, give the standard roles the permissions
        # newly installed modules grant them by default (once; see dangvu.accounts.grants).
        post_migrate.connect(grants.on_post_migrate, sender=self, dispatch_uid="dangvu-default-grants")
        self.description = ModuleDescription(
            label="accounts",
            title=self.verbose_name,
            urls="dangvu.accounts.urls",
            api="dangvu.accounts.api:router",
            api_prefix="",
            permissions=[Permission("users.manage", _("Quản lý người dùng và phân quyền"), ("quan-tri",))],
        )
