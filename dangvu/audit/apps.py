from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "dangvu.audit"
    label = "audit"
    verbose_name = "Nhật ký hệ thống"

    def ready(self) -> None:
        from dangvu.audit import auth_events

        auth_events.connect()
