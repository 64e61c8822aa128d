"""/api/webhooks/: operators register, list, show, change and delete webhook endpoints, and roll their secrets."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from codevance_api.core.schema import JSON, error_example, error_responses
from codevance_api.idempotency.views import IdempotentWritesMixin
from codevance_api.payments.permissions import OperatorsOnly

from . import selectors, services
from .serializers import (
    WebhookEndpointCreatedSerializer,
    WebhookEndpointCreateSerializer,
    WebhookEndpointOutputSerializer,
    WebhookEndpointUpdateSerializer,
    WebhookSecretRotateSerializer,
)

ENDPOINT_EXAMPLE = {
    "id": 3, "url": "https://erp.example.com/codevance/webhooks", "events": ["anticipation.approved"],
    "active": True, "created_by": 1, "created_at": "2024-09-15T12:00:00.123456-03:00",
    "previous_secret_expires_at": None,  # nosec B105 - a date field of the example (null), not a password
}
OPERATORS_ONLY = error_example(
    "a supplier", 403, code="operators_only", message="Only operators can manage webhooks."
)
URL_REFUSED = error_example(
    "a private address",
    400,
    code="url_not_allowed",
    message="The host 10.0.0.7 resolves to 10.0.0.7, which is not a public address: webhooks are not delivered "
    "to private, link-local or reserved networks.",
    errors={"url": ["The host 10.0.0.7 resolves to 10.0.0.7, which is not a public address: webhooks are not "
                    "delivered to private, link-local or reserved networks."]},
)
URL_UNRESOLVABLE = error_example(
    "a host that does not resolve",
    400,
    code="url_unresolvable",
    message="The host erp.example.invalid does not resolve.",
    errors={"url": ["The host erp.example.invalid does not resolve."]},
)
NOTHING_TO_CHANGE = error_example(
    "an empty body", 400, code="nothing_to_change", message="Give at least one of url, events, active."
)
ROTATION = (
    "Stripe's \"roll secret\": the endpoint gets a new signing `secret`, shown in this answer only. The replaced "
    "secret keeps signing deliveries for `expire_previous_in` seconds (0 to 86400, default 86400 = 24 h; 0 stops "
    "it at once): until `previous_secret_expires_at` each delivery carries two signatures, "
    "`Codevance-Signature: t=<t>,v1=<hmac with the new secret>,v1=<hmac with the old one>`, and a receiver "
    "accepts it when any `v1` matches, so it can switch secrets at its own pace. A secret kept from an earlier "
    "rotation stops at once."
)
DELIVERY = (
    "Each event is POSTed as JSON `{\"id\", \"type\", \"created\", \"data\"}` with the header "
    "`Codevance-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of \"<t>.<body>\" keyed with the secret>`; a "
    "delivery that does not get a 2xx is retried with backoff (docs/notifications.md)."
)


class WebhookOperatorsOnly(OperatorsOnly):
    """Webhook endpoints answer operators only: anyone else gets 403 `operators_only`, whatever the body."""

    message = _("Only operators can manage webhooks.")


@extend_schema_view(
    list=extend_schema(
        tags=["webhooks"],
        summary="List webhook endpoints (operators)",
        description="Every registered endpoint, newest first. The signing secret is not shown.",
        responses={
            (200, JSON): OpenApiResponse(
                WebhookEndpointOutputSerializer(many=True), description="A page of endpoints."
            ),
            **error_responses(400, 401, 403, 404, examples={403: [OPERATORS_ONLY]}),
        },
        examples=[OpenApiExample("an endpoint", value=ENDPOINT_EXAMPLE, response_only=True)],
    ),
    create=extend_schema(
        tags=["webhooks"],
        summary="Register a webhook endpoint (operators)",
        description="Events: `anticipation.requested`, `anticipation.approved`, `anticipation.denied`, "
        "`budget.exhausted`. The URL must be `https://` and resolve to public addresses only (the development "
        "profile also takes `http://` and loopback). The answer carries the signing `secret`, shown this once. "
        + DELIVERY,
        request=WebhookEndpointCreateSerializer,
        responses={
            (201, JSON): OpenApiResponse(WebhookEndpointCreatedSerializer, description="The endpoint and its secret."),
            **error_responses(
                400, 401, 403, 415, examples={400: [URL_REFUSED, URL_UNRESOLVABLE], 403: [OPERATORS_ONLY]}
            ),
        },
        examples=[
            OpenApiExample("register", value={"url": ENDPOINT_EXAMPLE["url"], "events": ["anticipation.approved"]},
                           request_only=True),
            # A truncated example value in the documentation, no credential.
            OpenApiExample("registered", value={**ENDPOINT_EXAMPLE, "secret": "whsec_3q2-7wQd..."},  # nosec B105
                           response_only=True, status_codes=[201]),
        ],
    ),
    retrieve=extend_schema(
        tags=["webhooks"],
        summary="Show a webhook endpoint (operators)",
        description="One endpoint, without its secret.",
        responses={
            (200, JSON): OpenApiResponse(WebhookEndpointOutputSerializer, description="The endpoint."),
            **error_responses(401, 403, 404, examples={403: [OPERATORS_ONLY]}),
        },
        examples=[OpenApiExample("an endpoint", value=ENDPOINT_EXAMPLE, response_only=True)],
    ),
    partial_update=extend_schema(
        tags=["webhooks"],
        summary="Change a webhook endpoint (operators)",
        description="Any of `url`, `events`, `active`, checked as at registration; the rest, and the secret, "
        "are kept. Other fields, or none, are a 400. Deliveries already written keep their endpoint: a new URL "
        "takes effect at their next attempt; an endpoint switched off fails its pending deliveries.",
        request=WebhookEndpointUpdateSerializer,
        responses={
            (200, JSON): OpenApiResponse(WebhookEndpointOutputSerializer, description="The endpoint, without its "
                                         "secret."),
            **error_responses(
                400, 401, 403, 404, 415,
                examples={400: [URL_REFUSED, URL_UNRESOLVABLE, NOTHING_TO_CHANGE], 403: [OPERATORS_ONLY]},
            ),
        },
        examples=[
            OpenApiExample("switch off", value={"active": False}, request_only=True),
            OpenApiExample("switched off", value={**ENDPOINT_EXAMPLE, "active": False}, response_only=True),
        ],
    ),
    rotate_secret=extend_schema(
        tags=["webhooks"],
        summary="Roll a webhook endpoint's signing secret (operators)",
        description=ROTATION,
        request=WebhookSecretRotateSerializer,
        responses={
            (200, JSON): OpenApiResponse(WebhookEndpointCreatedSerializer,
                                         description="The endpoint and its new secret."),
            **error_responses(400, 401, 403, 404, 415, examples={403: [OPERATORS_ONLY]}),
        },
        examples=[
            OpenApiExample("old secret valid one more hour", value={"expire_previous_in": 3600}, request_only=True),
            # A truncated example value in the documentation, no credential.
            OpenApiExample(
                "rolled",
                value={**ENDPOINT_EXAMPLE, "secret": "whsec_Yk1-p0Qa...",  # nosec B105
                       "previous_secret_expires_at": "2024-09-15T13:00:00.123456-03:00"},
                response_only=True,
            ),
        ],
    ),
    destroy=extend_schema(
        tags=["webhooks"],
        summary="Delete a webhook endpoint (operators)",
        description="The endpoint and its deliveries are deleted; pending deliveries are not sent.",
        responses={
            (204, JSON): OpenApiResponse(description="Deleted."),
            **error_responses(401, 403, 404, examples={403: [OPERATORS_ONLY]}),
        },
    ),
)
class WebhookEndpointViewSet(
    IdempotentWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """/api/webhooks/: list, register, show, change, delete, roll the secret (operators)."""

    # Refused before the body is read or validated (and on OPTIONS): a supplier learns nothing of the form.
    permission_classes = viewsets.GenericViewSet.permission_classes + [WebhookOperatorsOnly]
    serializer_class = WebhookEndpointOutputSerializer
    lookup_value_converter = "id"

    def get_queryset(self):
        return selectors.webhook_endpoint_list(user=self.request.user)

    def get_object(self):
        endpoint = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if endpoint is None:
            raise Http404
        return endpoint

    def create(self, request):
        serializer = WebhookEndpointCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_create(actor=request.user, **serializer.validated_data)
        return Response(WebhookEndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        serializer = WebhookEndpointUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_update(
            actor=request.user, endpoint_id=self.kwargs["pk"], **serializer.validated_data
        )
        return Response(WebhookEndpointOutputSerializer(endpoint).data)

    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        serializer = WebhookSecretRotateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_rotate_secret(
            actor=request.user, endpoint_id=self.kwargs["pk"], **serializer.validated_data
        )
        return Response(WebhookEndpointCreatedSerializer(endpoint).data)

    def destroy(self, request, pk=None):
        services.webhook_endpoint_delete(actor=request.user, endpoint_id=self.kwargs["pk"])
        return Response(status=status.HTTP_204_NO_CONTENT)
