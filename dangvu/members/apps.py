from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "dangvu.members"
    label = "members"
    verbose_name = _("Đảng viên")

    def ready(self) -> None:
        from dangvu.members.module import describe

        self.description = describe()
