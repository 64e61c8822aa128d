"""Celery tasks of the idempotency store."""

from celery import shared_task

from . import services


@shared_task(name="idempotency.purge", ignore_result=True)
def purge_idempotency_keys() -> int:
    """Run by Celery beat (hourly): delete the Idempotency-Key rows older than IDEMPOTENCY_KEY_TTL_SECONDS."""
    return services.idempotency_keys_purge()
