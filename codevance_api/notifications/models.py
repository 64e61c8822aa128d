"""The outbox: one row per email a business event owes a supplier.

The row is written in the same transaction as the event (the anticipation change and its
RequestLog), so an event that commits always has its notification, and one that rolls back has
none. Delivery state lives here, not in the broker: the broker only carries "go and try".
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from codevance_api.payments.models import Anticipation, RequestLog, RequestLogAction


class NotificationEvent(models.TextChoices):
    REQUESTED = "requested", _("Anticipation requested")
    APPROVED = "approved", _("Anticipation approved")
    DENIED = "denied", _("Anticipation denied")


EVENT_OF_ACTION = {
    RequestLogAction.REQUESTED: NotificationEvent.REQUESTED,
    RequestLogAction.APPROVED: NotificationEvent.APPROVED,
    RequestLogAction.DENIED: NotificationEvent.DENIED,
}


class NotificationState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    # The event this email is about: one-to-one, so an event can never produce two rows.
    request_log = models.OneToOneField(
        RequestLog, on_delete=models.PROTECT, related_name="notification", verbose_name=_("request log")
    )
    anticipation = models.ForeignKey(
        Anticipation, on_delete=models.PROTECT, related_name="notifications", verbose_name=_("anticipation")
    )
    event = models.CharField(_("event"), max_length=16, choices=NotificationEvent.choices)
    recipient = models.EmailField(_("recipient"))
    state = models.CharField(
        _("state"), max_length=8, choices=NotificationState.choices, default=NotificationState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    # When the next delivery attempt is expected (creation, a scheduled retry, a re-enqueue): the
    # dispatcher re-enqueues pending rows whose attempt is overdue by more than its threshold.
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # True once the broker took a message for this row. False while it was never handed over: the
    # hand-over failed (broker down) or never happened (the web process died after its commit). No
    # worker has such a row, so the dispatcher's next run enqueues it without the grace that rows
    # handed over get (NOTIFICATIONS_DISPATCH_AFTER_SECONDS).
    handed_over = models.BooleanField(_("handed over"), default=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="notifications_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["anticipation", "event"], name="notifications_one_per_event"),
            models.CheckConstraint(
                condition=Q(state__in=NotificationState.values), name="notifications_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(event__in=NotificationEvent.values), name="notifications_event_valid"
            ),
            models.CheckConstraint(condition=~Q(recipient=""), name="notifications_recipient_present"),
            # Sent if and only if it has a sending time.
            models.CheckConstraint(
                condition=(Q(state=NotificationState.SENT) & Q(sent_at__isnull=False))
                | (~Q(state=NotificationState.SENT) & Q(sent_at__isnull=True)),
                name="notifications_sent_at_iff_sent",
            ),
        ]

    def __str__(self):
        return _("%(event)s: anticipation #%(id)s, to %(recipient)s") % {
            "event": self.get_event_display(),
            "id": self.anticipation_id,
            "recipient": self.recipient,
        }
