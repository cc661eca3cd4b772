from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The shell: home page, navigation, error pages, the language. It reads the modules' descriptions."""

    name = "dangvu.web"
    label = "web"
    verbose_name = _("Giao diện")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from dangvu.web.language import adopt_language_at_login

        # Infrastructure: whichever view logs the user in, their language choice is applied from there.
        user_logged_in.connect(adopt_language_at_login, dispatch_uid="dangvu-language-at-login")
