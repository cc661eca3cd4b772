from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "dangvu.notifications"
    label = "notifications"
    verbose_name = "Thông báo"
