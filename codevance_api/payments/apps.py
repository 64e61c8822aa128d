from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "codevance_api.payments"
    label = "payments"
    verbose_name = "Payments"
