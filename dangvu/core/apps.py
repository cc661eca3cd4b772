from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dangvu.core"
    label = "core"
    verbose_name = "Nền tảng"

    def ready(self) -> None:
        from dangvu.core import lookups, tasks  # noqa: F401 - tasks registers the platform jobs

        lookups.register()
