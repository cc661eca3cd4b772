from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "dangvu.documents"
    label = "documents"
    verbose_name = _("Văn bản")

    def ready(self) -> None:
        from dangvu.documents.module import describe

        self.description = describe()
