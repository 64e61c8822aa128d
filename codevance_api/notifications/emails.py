"""What a notification's email says: subject per event, plain text and HTML from templates.

Written in the recipient's language (their saved preference, else LANGUAGE_CODE: core/locale.py),
whatever language the worker or the request that caused it runs in; amounts and dates too.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from codevance_api.accounts.models import User
from codevance_api.core.locale import recipient_language

from codevance_api.payments import pricing

from .models import Notification, NotificationEvent

SUBJECTS = {
    NotificationEvent.REQUESTED: _("Anticipation requested for payment #%(payment_id)s"),
    NotificationEvent.APPROVED: _("Anticipation approved for payment #%(payment_id)s"),
    NotificationEvent.DENIED: _("Anticipation denied for payment #%(payment_id)s"),
}


def notification_language(notification: Notification) -> str:
    """The language `notification`'s email is written in: the recipient account's saved preference
    (one query by its canonical address), else LANGUAGE_CODE (also for an address with no account)."""
    recipient = User.objects.filter(email=notification.recipient).only("pk", "language").first()
    return recipient_language(recipient)


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
    """The email for `notification`, rendered from the event's facts (all immutable once written), in
    the recipient's language (`notification_language`)."""
    context = notification_context(notification)
    with translation.override(notification_language(notification)):
        subject = str(SUBJECTS[notification.event]) % {"payment_id": context["payment_id"]}
        text = render_to_string("notifications/email/notification.txt", context)
        html = render_to_string("notifications/email/notification.html", context)
    email = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[notification.recipient]
    )
    email.attach_alternative(html, "text/html")
    return email
