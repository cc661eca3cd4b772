from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "dangvu.signing"
    label = "signing"
    verbose_name = _("Ký số")

    def ready(self) -> None:
        from dangvu.signing import speedups
        from dangvu.signing.module import describe

        speedups.install()

        self.description = describe()
