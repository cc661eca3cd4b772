from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "dangvu.audit"
    label = "audit"
    verbose_name = _("Nhật ký hệ thống")

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from dangvu.audit import auth_events, checks, tasks  # noqa: F401 - registers the checks and jobs
        from dangvu.core.modules import ModuleDescription, NavEntry, Permission

        auth_events.connect()
        self.description = ModuleDescription(
            label="audit",
            title=self.verbose_name,
            urls="dangvu.audit.urls",
            permissions=[
                Permission(
                    "audit.view", _("Xem nhật ký hệ thống"), ("quan-tri", "lanh-dao", "uy-ban-kiem-tra")
                )
            ],
            nav=[
                NavEntry(
                    "audit",
                    gettext_noop("Nhật ký"),
                    "audit:list",
                    "audit.view",
                    order=90,
                    icon="journal-text",
                )
            ],
            # The log's own events and those of the platform apps that have no description of their own
            # (core, links, demo).
            audit_events={
                "audit.export": _("Xuất nhật ký hệ thống"),
                "core.export_purged": _("Xóa tệp xuất đã hết hạn lưu"),
                "links.create": _("Liên kết hai hồ sơ"),
                "demo.seed": _("Nạp dữ liệu mẫu"),
            },
        )
