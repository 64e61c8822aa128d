"""Celery tasks: take ids, re-fetch, idempotent. The work is in services."""

from celery import shared_task

from . import services


@shared_task(bind=True, name="notifications.send", acks_late=True, reject_on_worker_lost=True, max_retries=None)
def send_notification(self, notification_id: int) -> str:
    """Deliver one notification; SMTP errors come back here as a retry with backoff.

    The number of attempts is counted on the notification (NOTIFICATIONS_MAX_ATTEMPTS), not by
    Celery, so that attempts made by any copy of the message (retries, redeliveries, the
    dispatcher's re-enqueues) add up.
    """
    delivery = services.notification_deliver(notification_id=notification_id)
    if delivery.outcome == "retry":
        raise self.retry(countdown=delivery.retry_in, max_retries=None)
    return delivery.outcome


@shared_task(name="notifications.dispatch", ignore_result=True)
def dispatch_notifications() -> int:
    """Run by Celery beat: enqueue again the notifications whose delivery is overdue."""
    return services.notifications_dispatch()
