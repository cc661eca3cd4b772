from django.apps import AppConfig


class WebConfig(AppConfig):
    """The shell: home page, navigation, error pages. It reads the modules' descriptions."""

    name = "dangvu.web"
    label = "web"
    verbose_name = "Giao diện"
