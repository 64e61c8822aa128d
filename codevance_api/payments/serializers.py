"""Input validation and output shape only: the rules live in services and selectors."""

from rest_framework import serializers

from .models import (
    MAX_PAYMENT_VALUE,
    MIN_PAYMENT_VALUE,
    REASON_MAX_LENGTH,
    Anticipation,
    AnticipationStatus,
    Payment,
    RequestLog,
)


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so that a client cannot believe it set them."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({field: ["This field cannot be set by the client."] for field in unknown})
        return super().to_internal_value(data)


class PaymentOutputSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Payment
        fields = ["id", "supplier", "creation_date", "due_date", "value", "status"]
        read_only_fields = fields


class PaymentCreateSerializer(StrictSerializer):
    supplier = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    due_date = serializers.DateField()
    value = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=MIN_PAYMENT_VALUE, max_value=MAX_PAYMENT_VALUE
    )


class AnticipationOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Anticipation
        fields = ["id", "payment", "creation_date", "new_due_date", "new_value", "update_date", "status"]
        read_only_fields = fields


class AnticipationRequestSerializer(StrictSerializer):
    payment = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    new_due_date = serializers.DateField()


class AnticipationDecisionSerializer(StrictSerializer):
    status = serializers.ChoiceField(
        choices=[(AnticipationStatus.APPROVED, "Approve"), (AnticipationStatus.DENIED, "Deny")],
        error_messages={"invalid_choice": '"{input}" is not a decision: use "A" (approve) or "D" (deny).'},
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=REASON_MAX_LENGTH, default="")


class RequestLogOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequestLog
        fields = ["id", "anticipation", "created_at", "user", "action", "reason"]
        read_only_fields = fields
