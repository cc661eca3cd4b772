from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The shell: home page, navigation, error pages. It reads the modules' descriptions."""

    name = "dangvu.web"
    label = "web"
    verbose_name = _("Giao diện")
