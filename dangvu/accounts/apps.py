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
            audit_events={
                "accounts.login": _("Đăng nhập"),
                "accounts.login_failed": _("Đăng nhập thất bại"),
                "accounts.logout": _("Đăng xuất"),
                "accounts.otp_failed": _("Nhập sai mã xác thực hai bước"),
                "accounts.role_assign": _("Giao vai trò cho người dùng"),
                "accounts.role_revoke": _("Thu hồi vai trò của người dùng"),
                "accounts.role_permissions": _("Sửa quyền của vai trò"),
                "accounts.token_create": _("Tạo khóa truy cập API"),
                "accounts.token_revoke": _("Thu hồi khóa truy cập API"),
                "security.login_locked": _("Tạm khóa đăng nhập sau nhiều lần sai"),
                "security.login_slowed": _("Làm chậm đăng nhập sau nhiều lần sai"),
                "security.reauth_failed": _("Xác nhận lại mật khẩu không thành công"),
                "security.password_reset": _("Đặt lại mật khẩu qua thư"),
                "security.password_reset_by_admin": _("Quản trị viên đặt lại mật khẩu"),
                "security.password_reset_limited": _("Yêu cầu đặt lại mật khẩu bị giới hạn"),
                "security.password_reset_requested": _("Yêu cầu đặt lại mật khẩu"),
            },
        )
