from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "dangvu.signing"
    label = "signing"
    verbose_name = _("Ký số")

    def ready(self) -> None:
        from dangvu.signing import pathcache, speedups
        from dangvu.signing.module import describe

        speedups.install()
        pathcache.install()

        self.description = describe()
