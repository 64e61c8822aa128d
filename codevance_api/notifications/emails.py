"""What a notification's email says: subject per event, plain text and HTML from templates."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from codevance_api.payments import pricing

from .models import Notification, NotificationEvent

SUBJECTS = {
    NotificationEvent.REQUESTED: "Anticipation requested for payment #{payment_id}",
    NotificationEvent.APPROVED: "Anticipation approved for payment #{payment_id}",
    NotificationEvent.DENIED: "Anticipation denied for payment #{payment_id}",
}


def notification_context(notification: Notification) -> dict:
    """The facts an email states: ids, amounts in R$ (Decimal), dates, `days_early` in days
    (pricing.days_in_advance), the decision's reason and time. Reads the notification's log,
    anticipation, payment and supplier (loaded with it, or one query each)."""
    log = notification.request_log
    anticipation = notification.anticipation
    payment = anticipation.payment
    return {
        "event": notification.event,
        "corporate_name": payment.supplier.corporate_name,
        "payment_id": payment.pk,
        "anticipation_id": anticipation.pk,
        "original_value": anticipation.original_value,
        "due_date": payment.due_date,
        "new_value": anticipation.new_value,
        "new_due_date": anticipation.new_due_date,
        "discount": anticipation.original_value - anticipation.new_value,
        "days_early": pricing.days_in_advance(due_date=payment.due_date, new_due_date=anticipation.new_due_date),
        "reason": log.reason,
        "decided_at": log.created_at,
    }


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    """The email for `notification`, rendered from the event's facts (all immutable once written)."""
    context = notification_context(notification)
    subject = SUBJECTS[notification.event].format(payment_id=context["payment_id"])
    text = render_to_string("notifications/email/notification.txt", context)
    html = render_to_string("notifications/email/notification.html", context)
    email = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[notification.recipient]
    )
    email.attach_alternative(html, "text/html")
    return email
