from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "codevance_api.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from django.core.signals import request_finished
        from django.urls import register_converter

        from .ranges import IdConverter

        # Ids in URL paths are range-checked before any view or query sees them (core/ranges.py).
        register_converter(IdConverter, "id")

        from .request_id import forget_request_id

        request_finished.connect(forget_request_id, dispatch_uid="forget_request_id")
        from . import schema  # noqa: F401  (registers the OpenAPI extensions)
