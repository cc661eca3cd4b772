from django.apps import AppConfig


class WorkCalendarConfig(AppConfig):
    name = "dangvu.workcalendar"
    label = "workcalendar"
    verbose_name = "Lịch làm việc"

    def ready(self) -> None:
        from dangvu.accounts.permissions import register_permissions

        register_permissions({"calendar.manage": "Quản lý ngày nghỉ, ngày làm bù"})
