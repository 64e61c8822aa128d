from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "codevance_api.notifications"
    label = "notifications"
    verbose_name = "Notifications"
