from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "dangvu.notifications"
    label = "notifications"
    verbose_name = _("Thông báo")

    def ready(self) -> None:
        from dangvu.core.modules import ModuleDescription

        self.description = ModuleDescription(
            label="notifications", title=self.verbose_name, urls="dangvu.notifications.urls"
        )
