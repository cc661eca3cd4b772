"""A small module that lives only in the test suite and plugs into the shell the way every business
module does: one description in ``ready()`` and one line in INSTALLED_APPS (dangvu/settings_test.py)."""

from django.apps import AppConfig


class ToyConfig(AppConfig):
    name = "tests.toymodule"
    label = "toy"
    verbose_name = "Sổ tay thử nghiệm"

    def ready(self) -> None:
        from tests.toymodule.module import describe

        self.description = describe()
