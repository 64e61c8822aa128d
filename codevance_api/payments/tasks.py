import logging

from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string

from .models import RequestLog, RequestLogAction

logger = logging.getLogger(__name__)

SUBJECTS = {
    RequestLogAction.REQUESTED: "Anticipation requested for payment #{payment_id}",
    RequestLogAction.APPROVED: "Anticipation approved for payment #{payment_id}",
    RequestLogAction.DENIED: "Anticipation denied for payment #{payment_id}",
}


@shared_task(bind=True, max_retries=5, default_retry_delay=30, acks_late=True, soft_time_limit=60, time_limit=90)
def send_request_log_email(self, request_log_id: int) -> None:
    """Email the supplier what happened to its anticipation (one email per audit row)."""
    log = RequestLog.objects.select_related("anticipation__payment__supplier__user").filter(pk=request_log_id).first()
    if log is None:
        logger.warning("request log %s vanished before its email was sent", request_log_id)
        return
    anticipation = log.anticipation
    payment = anticipation.payment
    supplier = payment.supplier
    context = {"log": log, "anticipation": anticipation, "payment": payment, "supplier": supplier}
    subject = SUBJECTS[log.action].format(payment_id=payment.pk)
    body = render_to_string("payments/email/request_log.txt", context)
    try:
        send_mail(subject, body, None, [supplier.user.email])
    except OSError as error:
        raise self.retry(exc=error)
