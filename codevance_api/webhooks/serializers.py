"""Input validation and output shape of the webhook endpoints API; the rules are in services."""

from rest_framework import serializers

from codevance_api.payments.serializers import StrictSerializer

from .models import URL_MAX_LENGTH, WebhookEndpoint, WebhookEvent


class WebhookEndpointCreateSerializer(StrictSerializer):
    url = serializers.CharField(
        max_length=URL_MAX_LENGTH,
        help_text="Where events are POSTed: `https://` and a public address (development also takes `http://` "
        "and loopback).",
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        min_length=1,
        max_length=len(WebhookEvent.values),
        help_text="The events sent to this endpoint, each once.",
    )
    active = serializers.BooleanField(required=False, default=True)


class WebhookEndpointOutputSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices))

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "active", "created_by", "created_at"]
        read_only_fields = fields


class WebhookEndpointCreatedSerializer(WebhookEndpointOutputSerializer):
    secret = serializers.CharField(
        help_text="The signing secret of `Codevance-Signature`: shown in this answer only (the admin shows it "
        "to staff)."
    )

    class Meta(WebhookEndpointOutputSerializer.Meta):
        fields = WebhookEndpointOutputSerializer.Meta.fields + ["secret"]
        read_only_fields = fields
