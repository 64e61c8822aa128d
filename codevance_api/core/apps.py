from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "codevance_api.core"
    label = "core"
    verbose_name = "Core"
