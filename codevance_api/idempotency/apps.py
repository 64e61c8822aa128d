from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "codevance_api.idempotency"
    label = "idempotency"
    verbose_name = "Idempotency keys"
