"""Input validation and output shape of the treasury's endpoints: the rules live in services and selectors."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from codevance_api.core.errors import ValidationFailed
from codevance_api.core.ranges import MAX_ID
from codevance_api.payments.serializers import AmountField, StrictSerializer

from . import rules
from .models import MAX_BUDGET_AMOUNT, MAX_RULE_AMOUNT, MAX_RULE_DAYS, MIN_BUDGET_AMOUNT


@extend_schema_field({"type": "string", "pattern": rules.MONTH_PATTERN, "example": "2026-12"})
class MonthField(serializers.CharField):
    """A calendar month written "YYYY-MM" (e.g. "2026-12"), years 1900 to 2999; the value is its first day."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("The month, YYYY-MM (e.g. 2026-12)."))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return rules.parse_month(super().to_internal_value(data))
        except ValidationFailed:
            raise serializers.ValidationError(
                _("A month is written YYYY-MM, from 1900-01 to 2999-12 (e.g. 2026-12)."), code="invalid_month"
            )

    def to_representation(self, value):
        return rules.format_month(value)


def _supplier_field():
    return serializers.IntegerField(
        min_value=1, max_value=MAX_ID, allow_null=True,
        help_text=_("The supplier's id; null for everyone (the overall budget, or a rule for every supplier)."),
    )


class BudgetInputSerializer(StrictSerializer):
    month = MonthField()
    amount = AmountField(
        max_digits=15, decimal_places=2, min_value=MIN_BUDGET_AMOUNT, max_value=MAX_BUDGET_AMOUNT,
        help_text=_("R$ that approved anticipations due in the month may take, e.g. \"50000.00\"."),
    )
    supplier = _supplier_field()

    def __init__(self, *args, partial=False, **kwargs):
        super().__init__(*args, partial=partial, **kwargs)
        # `supplier` may be left out (overall) on creation; PUT says every field, PATCH any.
        self.fields["supplier"].required = False


class BudgetOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    month = MonthField(read_only=True)
    supplier = serializers.IntegerField(source="supplier_id", allow_null=True, read_only=True)
    amount = serializers.DecimalField(max_digits=15, decimal_places=2, read_only=True)
    used = serializers.DecimalField(
        max_digits=15, decimal_places=2, read_only=True,
        help_text=_("R$ taken by the approved anticipations whose new due date falls in the month (the "
                    "supplier's, or everyone's for the overall budget)."),
    )
    remaining = serializers.DecimalField(
        max_digits=15, decimal_places=2, read_only=True, help_text=_("amount - used, never below 0.00.")
    )
    updated_at = serializers.DateTimeField(read_only=True)


class AutoApprovalRuleInputSerializer(StrictSerializer):
    supplier = _supplier_field()
    max_amount = AmountField(
        max_digits=12, decimal_places=2, min_value=MIN_BUDGET_AMOUNT, max_value=MAX_RULE_AMOUNT,
        help_text=_("Approve requests whose new value is at most this amount (R$)."),
    )
    min_days_early = serializers.IntegerField(
        min_value=0, max_value=MAX_RULE_DAYS,
        help_text=_("Approve requests at least this many days before the payment's due date."),
    )
    active = serializers.BooleanField(required=False, help_text=_("Only active rules approve; true when left out."))

    def __init__(self, *args, partial=False, **kwargs):
        super().__init__(*args, partial=partial, **kwargs)
        self.fields["supplier"].required = False


class AutoApprovalRuleOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    supplier = serializers.IntegerField(source="supplier_id", allow_null=True, read_only=True)
    max_amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    min_days_early = serializers.IntegerField(read_only=True)
    active = serializers.BooleanField(read_only=True)
    author = serializers.IntegerField(
        source="author_id", read_only=True,
        help_text=_("The operator who last saved the rule: its approvals are logged with them as `user`."),
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
