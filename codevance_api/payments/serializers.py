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


MAX_BATCH_SIZE = 100


class QuoteQuerySerializer(serializers.Serializer):
    new_due_date = serializers.DateField(
        required=False, help_text="The date to be paid on (YYYY-MM-DD); today when left out."
    )


class QuoteOutputSerializer(serializers.Serializer):
    payment = serializers.IntegerField()
    new_due_date = serializers.DateField()
    days = serializers.IntegerField(help_text="Days paid before the due date.")
    discount = serializers.DecimalField(max_digits=12, decimal_places=2)
    new_value = serializers.DecimalField(max_digits=12, decimal_places=2)


class PaymentIdsField(serializers.ListField):
    child = serializers.IntegerField(min_value=1, max_value=2**63 - 1)

    def __init__(self, **kwargs):
        super().__init__(min_length=1, max_length=MAX_BATCH_SIZE, **kwargs)

    def to_internal_value(self, data):
        ids = super().to_internal_value(data)
        duplicates = sorted({pk for pk in ids if ids.count(pk) > 1})
        if duplicates:
            raise serializers.ValidationError(
                f"Each payment may appear once; repeated: {', '.join(map(str, duplicates))}.", code="duplicate"
            )
        return ids


class BatchAnticipationRequestSerializer(StrictSerializer):
    payments = PaymentIdsField(help_text=f"1 to {MAX_BATCH_SIZE} distinct payment ids.")
    new_due_date = serializers.DateField()


class BatchQuoteRequestSerializer(StrictSerializer):
    payments = PaymentIdsField(help_text=f"1 to {MAX_BATCH_SIZE} distinct payment ids.")
    new_due_date = serializers.DateField(required=False, help_text="Today when left out.")


class QuoteTotalsSerializer(serializers.Serializer):
    payments = serializers.IntegerField(help_text="How many payments are quoted.")
    value = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Sum of their current values.")
    discount = serializers.DecimalField(max_digits=14, decimal_places=2)
    new_value = serializers.DecimalField(max_digits=14, decimal_places=2)


class BatchQuoteOutputSerializer(serializers.Serializer):
    new_due_date = serializers.DateField()
    lines = QuoteOutputSerializer(many=True)
    totals = QuoteTotalsSerializer()
