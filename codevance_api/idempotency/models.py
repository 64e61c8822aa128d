"""One row per `Idempotency-Key` a user sent with a write: the request it stands for and, once done, its response.

The row is claimed (inserted, `in_progress`) in a transaction of its own before the work starts, so a
concurrent request with the same key sees it and is refused; the response is stored in the same
transaction as the work it answers (idempotency/views.py), so a committed change always has its
stored answer and a rolled-back one has none.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class IdempotencyState(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class IdempotencyKey(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 (hex) of the method, the path and the canonical body (idempotency.services.request_fingerprint).
    request_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=12, choices=IdempotencyState.choices, default=IdempotencyState.IN_PROGRESS)
    # Who holds the claim: a stale claim taken over gets a new token, and the old holder can no longer complete it.
    token = models.UUIDField(default=uuid.uuid4)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.BinaryField(null=True, blank=True)
    response_content_type = models.CharField(max_length=100, blank=True, default="")
    # When the key was first used: it is answered from here for IDEMPOTENCY_KEY_TTL_SECONDS after that.
    created_at = models.DateTimeField(default=timezone.now)
    # When the current claim started: an in-progress claim older than IDEMPOTENCY_IN_PROGRESS_TIMEOUT_SECONDS
    # belongs to a request that died, and may be taken over.
    locked_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="idempotency_created_idx")]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_one_per_user_key"),
            models.CheckConstraint(condition=Q(state__in=IdempotencyState.values), name="idempotency_state_valid"),
            # Completed if and only if it has a stored response.
            models.CheckConstraint(
                condition=(Q(state=IdempotencyState.COMPLETED) & Q(response_status__isnull=False))
                | (Q(state=IdempotencyState.IN_PROGRESS) & Q(response_status__isnull=True)),
                name="idempotency_response_iff_completed",
            ),
        ]

    def __str__(self):
        return f"{self.key} of user #{self.user_id} ({self.state})"
