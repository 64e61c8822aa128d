"""Input validation and output shape of the webhook endpoints API; the rules are in services."""

from rest_framework import serializers

from codevance_api.payments.serializers import BoundedListField, StrictSerializer

from .models import URL_MAX_LENGTH, WebhookEndpoint, WebhookEvent
from .services import ROTATION_GRACE_DEFAULT_SECONDS, ROTATION_GRACE_MAX_SECONDS


class WebhookEndpointCreateSerializer(StrictSerializer):
    url = serializers.CharField(
        max_length=URL_MAX_LENGTH,
        help_text="Where events are POSTed: `https://` and a public address (development also takes `http://` "
        "and loopback).",
    )
    events = BoundedListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        min_length=1,
        max_length=len(WebhookEvent.values),
        help_text="The events sent to this endpoint, each once.",
    )
    active = serializers.BooleanField(required=False, default=True)


class WebhookEndpointUpdateSerializer(WebhookEndpointCreateSerializer):
    """PATCH: any of `url`, `events`, `active`, checked as at creation; a field left out is kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class WebhookSecretRotateSerializer(StrictSerializer):
    expire_previous_in = serializers.IntegerField(
        min_value=0, max_value=ROTATION_GRACE_MAX_SECONDS, required=False, default=ROTATION_GRACE_DEFAULT_SECONDS,
        help_text="Seconds the replaced secret still signs deliveries (next to the new one): 0 to 86400, "
        "default 86400 (24 h); 0 stops it at once.",
    )


class WebhookEndpointOutputSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices))

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "active", "created_by", "created_at", "previous_secret_expires_at"]
        read_only_fields = fields
        extra_kwargs = {
            "previous_secret_expires_at": {
                "help_text": "During a secret rotation, until when deliveries are also signed with the replaced "
                "secret (a second `v1`); null when no replaced secret is kept (a past time once it stopped)."
            }
        }


class WebhookEndpointCreatedSerializer(WebhookEndpointOutputSerializer):
    secret = serializers.CharField(
        help_text="The signing secret of `Codevance-Signature`: shown in this answer only (the admin shows it "
        "to staff); registration and rotation answer it."
    )

    class Meta(WebhookEndpointOutputSerializer.Meta):
        fields = WebhookEndpointOutputSerializer.Meta.fields + ["secret"]
        read_only_fields = fields
