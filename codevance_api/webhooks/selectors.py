"""Reads of webhook endpoints."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from codevance_api.core.errors import Forbidden
from codevance_api.payments.selectors import user_is_operator

from .models import WebhookEndpoint


def webhook_endpoint_list(*, user) -> QuerySet[WebhookEndpoint]:
    """Every webhook endpoint, newest first (operators share them). One query.

    Raises Forbidden 403 `operators_only` for anyone but an operator. Source: issue 16, point 5.
    """
    if not user_is_operator(user):
        raise Forbidden(_("Only operators can manage webhooks."), code="operators_only")
    return WebhookEndpoint.objects.order_by("-created_at", "-id")
