from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "codevance_api.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
