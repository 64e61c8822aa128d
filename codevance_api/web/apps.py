from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "codevance_api.web"
    label = "web"
    verbose_name = "Web area"
