"""Celery tasks: take ids, re-fetch, idempotent. The work is in services."""

from celery import shared_task

from . import services


@shared_task(bind=True, name="webhooks.deliver", acks_late=True, reject_on_worker_lost=True, max_retries=None)
def deliver_webhook(self, delivery_id: int) -> str:
    """One delivery attempt; a failed one comes back here as a retry with backoff and jitter.

    Attempts are counted on the delivery (WEBHOOKS_MAX_ATTEMPTS), not by Celery, so that every copy of
    the message (retries, redeliveries, the dispatcher's re-enqueues) adds up.
    """
    delivery = services.webhook_deliver(delivery_id=delivery_id)
    if delivery.outcome == "retry":
        raise self.retry(countdown=delivery.retry_in, max_retries=None)
    return delivery.outcome


@shared_task(name="webhooks.dispatch", ignore_result=True)
def dispatch_webhooks() -> int:
    """Run by Celery beat: enqueue again the webhook deliveries whose hand-over failed or is overdue."""
    return services.webhooks_dispatch()
