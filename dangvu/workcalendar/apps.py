from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkCalendarConfig(AppConfig):
    name = "dangvu.workcalendar"
    label = "workcalendar"
    verbose_name = _("Lịch làm việc")

    def ready(self) -> None:
        from django.utils.translation import gettext_noop

        from dangvu.core.modules import ModuleDescription, NavEntry, Permission

        self.description = ModuleDescription(
            label="workcalendar",
            title=self.verbose_name,
            urls="dangvu.workcalendar.urls",
            url_prefix="calendar",
            api="dangvu.workcalendar.api:router",
            api_prefix="calendar",
            permissions=[Permission("calendar.manage", _("Quản lý ngày nghỉ, ngày làm bù"), ("quan-tri",))],
            nav=[
                NavEntry(
                    "calendar",
                    gettext_noop("Lịch làm việc"),
                    "workcalendar:index",
                    "",
                    order=80,
                    icon="calendar3",
                )
            ],
            audit_events={
                "calendar.set": _("Đặt ngày nghỉ hoặc ngày làm bù"),
                "calendar.remove": _("Bỏ ngày nghỉ hoặc ngày làm bù"),
                "calendar.year_confirm": _("Xác nhận lịch nghỉ của năm"),
            },
        )
