from django.apps import AppConfig


class LinksConfig(AppConfig):
    name = "dangvu.links"
    label = "links"
    verbose_name = "Liên kết hồ sơ"
