"""Webhook endpoints (where operators want events sent) and deliveries (the outbox of those events).

A delivery is written in the same transaction as the event it carries (webhooks.services.webhooks_emit),
one per active endpoint subscribed to the event, and handed to Celery after commit: the same outbox
machinery as the emails (notifications/). Delivery state lives here, not in the broker.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

URL_MAX_LENGTH = 2000


class WebhookEvent(models.TextChoices):
    ANTICIPATION_REQUESTED = "anticipation.requested", _("Anticipation requested")
    ANTICIPATION_APPROVED = "anticipation.approved", _("Anticipation approved")
    ANTICIPATION_DENIED = "anticipation.denied", _("Anticipation denied")
    # Emitted by the treasury controls (liquidity budget) when a month's budget has nothing left.
    BUDGET_EXHAUSTED = "budget.exhausted", _("Budget exhausted")


class WebhookEndpoint(models.Model):
    url = models.URLField(max_length=URL_MAX_LENGTH)
    # The event names (WebhookEvent values) sent to this endpoint: a non-empty list without repeats.
    events = models.JSONField(default=list)
    # The HMAC-SHA256 key of the Codevance-Signature header; generated, shown once at creation (and at rotation).
    secret = models.CharField(max_length=100, editable=False)
    # The secret replaced by the last rotation (webhooks.services.webhook_endpoint_rotate_secret): deliveries
    # are signed with it too (a second v1) until `previous_secret_expires_at`; empty when none was kept.
    previous_secret = models.CharField(max_length=100, blank=True, default="", editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        # An endpoint always has a secret (the empty string compared here is no credential).
        constraints = [
            models.CheckConstraint(condition=~Q(secret=""), name="webhooks_endpoint_secret_present"),  # nosec B106
            # A kept previous secret always has its end, and an end always has its secret.
            models.CheckConstraint(
                condition=(Q(previous_secret="") & Q(previous_secret_expires_at__isnull=True))  # nosec B106
                | (~Q(previous_secret="") & Q(previous_secret_expires_at__isnull=False)),  # nosec B106
                name="webhooks_endpoint_previous_secret_has_expiry",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.url}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    # The event's id, the same in the deliveries of one event to every endpoint: receivers deduplicate on it.
    event_id = models.UUIDField()
    # The event's `data` (the body is {"id", "type", "created", "data"}, webhooks.services.delivery_body).
    payload = models.JSONField()
    state = models.CharField(max_length=8, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # True once the broker took a message for this row (see notifications.models.Notification.handed_over).
    handed_over = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhooks_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhooks_one_per_endpoint_event"),
            models.CheckConstraint(condition=Q(state__in=DeliveryState.values), name="webhooks_state_valid"),
            models.CheckConstraint(condition=Q(event__in=WebhookEvent.values), name="webhooks_event_valid"),
            models.CheckConstraint(
                condition=(Q(state=DeliveryState.SENT) & Q(sent_at__isnull=False))
                | (~Q(state=DeliveryState.SENT) & Q(sent_at__isnull=True)),
                name="webhooks_sent_at_iff_sent",
            ),
        ]
        verbose_name_plural = "webhook deliveries"

    def __str__(self):
        return f"{self.event} {self.event_id} to endpoint #{self.endpoint_id}"
