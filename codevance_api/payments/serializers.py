"""Input validation and output shape only: the rules live in services and selectors."""

import copy
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from rest_framework import serializers

from codevance_api.core.bodies import JsonObjectBody
from codevance_api.core.dates import IsoDateField
from codevance_api.core.money import parse_amount
from codevance_api.core.ranges import MAX_ID

from .cnpj import format_cnpj
from .models import (
    MAX_PAYMENT_VALUE,
    MIN_PAYMENT_VALUE,
    REASON_MAX_LENGTH,
    Anticipation,
    AnticipationStatus,
    Payment,
    PaymentStatus,
    RequestLog,
    Supplier,
)
from .rules import BATCH_MAX_PAYMENTS
from .services import MAX_DUE_DATE_HORIZON


# A body that is not a JSON object is refused by JsonObjectBody, as the token endpoints' are.
class StrictSerializer(JsonObjectBody, serializers.Serializer):
    """Refuses fields it does not know, so that a client cannot believe it set them."""

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            # Unknown or read-only: either way nothing the client can set here.
            message = _("This field cannot be set by the client.")
            raise serializers.ValidationError({field: [message] for field in unknown})
        return super().to_internal_value(data)


class StrictSerializerSchema(OpenApiSerializerExtension):
    """Document what StrictSerializer enforces: a request body has no properties but its fields."""

    target_class = StrictSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["additionalProperties"] = False
        return schema


# A read-only model serializer whose rows take a shorter path than DRF's generic one.
#
# DRF resolves each field's source through `get_attribute` (dotted paths, callables, a primary-key
# stand-in object for relations) on every row; for these flat outputs each field reads one
# attribute of the instance (`<name>_id` for a relation), and the field's own `to_representation`
# still formats it, so the output is DRF's to the character (a test compares the two).
# The ModelSerializer's fields, built by inspecting the model, are made once per class.
# (A comment, not a docstring: drf-spectacular would publish a docstring in every output schema.)
class ModelOutputSerializer(serializers.ModelSerializer):
    def get_fields(self):
        cls = type(self)
        if "_declared_output_fields" not in cls.__dict__:
            cls._declared_output_fields = super().get_fields()
        return copy.deepcopy(cls._declared_output_fields)

    def _row_plan(self):
        plan = self.__dict__.get("_plan")
        if plan is None:
            model_fields = {f.name: f for f in self.Meta.model._meta.concrete_fields}
            plan = []
            for field in self._readable_fields:
                model_field = model_fields.get(field.source)
                attribute = model_field.attname if model_field is not None else field.source
                plan.append((field.field_name, attribute, field, isinstance(field, serializers.RelatedField)))
            self._plan = plan
        return plan

    def to_representation(self, instance):
        row = {}
        for name, attribute, field, is_relation in self._row_plan():
            value = getattr(instance, attribute)
            # A relation's attribute is already its primary key, which is what PrimaryKeyRelatedField shows.
            row[name] = value if value is None or is_relation else field.to_representation(value)
        return row


@extend_schema_field(OpenApiTypes.DATE)
class LocalDateField(serializers.ReadOnlyField):
    """A moment shown as its date (YYYY-MM-DD) in TIME_ZONE (America/Sao_Paulo by default): the documented
    format of `creation_date`, `update_date` and the log's `created_at`. The moment itself is
    published beside it, to the microsecond, under another name."""

    def to_representation(self, value):
        return timezone.localdate(value).isoformat()


def _moment(source: str, help_text: str) -> serializers.DateTimeField:
    return serializers.DateTimeField(source=source, read_only=True, help_text=help_text)


class PaymentOutputSerializer(ModelOutputSerializer):
    creation_date = LocalDateField(help_text="The day it was registered (YYYY-MM-DD, São Paulo time).")
    # Derived (selectors.py), never stored: one of PaymentStatus, documented as its enum.
    status = serializers.ChoiceField(choices=PaymentStatus.choices, read_only=True)
    created_at = _moment("creation_date", "When it was registered, to the microsecond (ISO 8601, local offset).")

    class Meta:
        model = Payment
        fields = ["id", "supplier", "creation_date", "due_date", "value", "status", "created_at"]
        read_only_fields = fields


class AmountField(serializers.DecimalField):
    """An amount in R$ given as a decimal string, from `min_value` (one unit of the last decimal place)
    to `max_value` (a power of ten), e.g. "1000.00"; a JSON number is accepted too.

    Its OpenAPI pattern is derived from the same bounds (AmountFieldSchema), so that the documented
    format and the validation cannot drift apart. The input goes through core.money.parse_amount, the
    parser of every money input: DRF's own would take "１０" and "1e2", and answer "no more than 12 digits"
    to an amount out of range.
    """

    def to_internal_value(self, data):
        try:
            return parse_amount(data, minimum=self.min_value, maximum=self.max_value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages, code=error.code)


def amount_pattern(*, min_value: Decimal, max_value: Decimal, decimal_places: int) -> str:
    """A regular expression matching exactly the decimal strings from `min_value` to `max_value` with at
    most `decimal_places` decimals, no sign, no leading zeros (OpenAPI `pattern`, ECMA and Python alike).

    Only the bounds the API uses are supported: `min_value` is 0 or 10^-decimal_places and `max_value`
    is a power of ten (ValueError otherwise), which is what makes the pattern short and exact. Digits are
    written [0-9]: Python's \\d (on str) also matches "１" or "٣", ECMA's does not.
    """
    whole_digits = len(str(int(max_value))) - 1
    if min_value not in (0, Decimal(1).scaleb(-decimal_places)) or max_value != Decimal(10) ** whole_digits:
        raise ValueError(f"No exact pattern for amounts from {min_value} to {max_value}.")
    zero = rf"|0(?:\.0{{1,{decimal_places}}})?" if min_value == 0 else ""
    fraction = rf"(?:\.[0-9]{{1,{decimal_places}}})?"
    # 0.01 to 0.99: the first non-zero decimal decides the branch.
    below_one = "|".join(
        "0" * zeros + "[1-9]" + (rf"[0-9]{{0,{rest}}}" if (rest := decimal_places - 1 - zeros) else "")
        for zeros in range(decimal_places)
    )
    return (
        rf"^(?:[1-9][0-9]{{0,{whole_digits - 1}}}{fraction}"
        rf"|0\.(?:{below_one})"
        rf"|1{'0' * whole_digits}(?:\.0{{1,{decimal_places}}})?{zero})$"
    )


class AmountFieldSchema(OpenApiSerializerFieldExtension):
    """drf-spectacular documents a string decimal with its digits only; add the bounds as a pattern."""

    target_class = AmountField

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        schema["pattern"] = amount_pattern(
            min_value=self.target.min_value,
            max_value=self.target.max_value,
            decimal_places=self.target.decimal_places,
        )
        return schema


class PaymentCreateSerializer(StrictSerializer):
    supplier = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    due_date = IsoDateField(
        help_text=f"Today or later, at most {MAX_DUE_DATE_HORIZON.days} days ahead (YYYY-MM-DD)."
    )
    value = AmountField(max_digits=12, decimal_places=2, min_value=MIN_PAYMENT_VALUE, max_value=MAX_PAYMENT_VALUE)


class AnticipationOutputSerializer(ModelOutputSerializer):
    creation_date = LocalDateField(help_text="The day it was requested (YYYY-MM-DD, São Paulo time).")
    update_date = LocalDateField(help_text="The day it last changed (YYYY-MM-DD, São Paulo time).")
    created_at = _moment("creation_date", "When it was requested, to the microsecond (ISO 8601, local offset).")
    updated_at = _moment("update_date", "When it last changed, to the microsecond (ISO 8601, local offset).")

    class Meta:
        model = Anticipation
        fields = ["id", "payment", "creation_date", "new_due_date", "new_value", "update_date", "status",
                  "created_at", "updated_at"]
        read_only_fields = fields


class AnticipationRequestSerializer(StrictSerializer):
    payment = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    new_due_date = IsoDateField()


class AnticipationDecisionSerializer(StrictSerializer):
    status = serializers.ChoiceField(
        choices=[(AnticipationStatus.APPROVED, _("Approve")), (AnticipationStatus.DENIED, _("Deny"))],
        error_messages={"invalid_choice": _('"{input}" is not a decision: use "A" (approve) or "D" (deny).')},
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=REASON_MAX_LENGTH, default="")


class RequestLogOutputSerializer(ModelOutputSerializer):
    created_at = LocalDateField(help_text="The day it was written (YYYY-MM-DD, São Paulo time).")
    timestamp = _moment("created_at", "When it was written, to the microsecond (ISO 8601, local offset).")

    class Meta:
        model = RequestLog
        fields = ["id", "anticipation", "created_at", "user", "action", "reason", "timestamp", "rule"]
        read_only_fields = fields
        extra_kwargs = {
            "action": {"help_text": "R requested, A approved, D denied; F: the first of two operators approved "
                       "(four eyes, DUAL_CONTROL_ABOVE), the anticipation stays pending."},
            "rule": {"help_text": "The auto-approval rule that took this approval, null when a person decided "
                     "(`user` is then the operator; with a rule, the operator who last saved the rule)."},
        }


class ApprovalSerializer(serializers.Serializer):
    operator = serializers.IntegerField(help_text="The approving operator's user id.")
    email = serializers.EmailField(help_text="The approving operator's email.")
    at = serializers.DateTimeField(help_text="When they approved (ISO 8601, local offset).")


class AnticipationDecisionOutputSerializer(AnticipationOutputSerializer):
    """An anticipation as a decision leaves it, with its approvals so far (four eyes)."""

    approvals = ApprovalSerializer(
        many=True, read_only=True,
        help_text="Who has approved it so far, oldest first: one operator for an ordinary approval, the first "
        "operator while it waits for a second (four eyes), both once complete; those who approved before a "
        "denial.",
    )
    approvals_required = serializers.IntegerField(
        read_only=True, help_text="How many different operators must approve it: 2 above DUAL_CONTROL_ABOVE, else 1."
    )

    class Meta(AnticipationOutputSerializer.Meta):
        fields = AnticipationOutputSerializer.Meta.fields + ["approvals", "approvals_required"]
        read_only_fields = fields


MAX_BATCH_SIZE = BATCH_MAX_PAYMENTS  # one home: payments/rules.py


class QuoteQuerySerializer(serializers.Serializer):
    new_due_date = IsoDateField(
        required=False, help_text="The date to be paid on (YYYY-MM-DD); today when left out."
    )


class QuoteOutputSerializer(serializers.Serializer):
    payment = serializers.IntegerField()
    new_due_date = serializers.DateField()
    days = serializers.IntegerField(help_text="Days paid before the due date.")
    discount = serializers.DecimalField(max_digits=12, decimal_places=2)
    new_value = serializers.DecimalField(max_digits=12, decimal_places=2)
    business_day = serializers.BooleanField(
        help_text="Whether `new_due_date` is a Brazilian business day (no weekend, national or B3 holiday). "
        "Always true when the service enforces business days (ANTICIPATION_BUSINESS_DAYS_ONLY): then any "
        "other day is a 400 `not_a_business_day`."
    )
    previous_business_day = serializers.DateField(
        allow_null=True, help_text="The nearest business day before `new_due_date` when it is not one; else null."
    )


def quote_data(quote) -> dict:
    """The JSON of one quote (a rules.PaymentQuote), the same for the API and the web area's live quote:
    {"payment": id, "new_due_date": "YYYY-MM-DD", "days": int, "discount": "R$ as 0.00", "new_value": "0.00"}."""
    return QuoteOutputSerializer(quote).data


class BoundedListField(serializers.ListField):
    """A ListField that refuses a list longer than `max_length` before looking at any item.

    DRF checks max_length only after validating every item (and answers one error per bad item), so
    200,000 items cost 200,000 child validations and a 10 MB answer before the 400 (issue 13, point 2;
    found again on the webhooks' `events`). Every list an API body takes is one of these.
    """

    def __init__(self, **kwargs):
        if kwargs.get("max_length") is None:
            raise TypeError("A BoundedListField needs a max_length.")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, (list, tuple)) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class PaymentIdsField(BoundedListField):
    """1 to MAX_BATCH_SIZE distinct payment ids; a repeated id is a 400 (documented as `uniqueItems`)."""

    child = serializers.IntegerField(min_value=1, max_value=MAX_ID)

    def __init__(self, **kwargs):
        super().__init__(min_length=1, max_length=MAX_BATCH_SIZE, **kwargs)

    def to_internal_value(self, data):
        ids = super().to_internal_value(data)
        seen, repeated = set(), set()
        for pk in ids:
            (repeated if pk in seen else seen).add(pk)
        duplicates = sorted(repeated)
        if duplicates:
            raise serializers.ValidationError(
                _("Each payment may appear once; repeated: %(ids)s.") % {"ids": ", ".join(map(str, duplicates))},
                code="duplicate",
            )
        return ids


class PaymentIdsFieldSchema(OpenApiSerializerFieldExtension):
    """drf-spectacular documents the list's bounds and items; add that each id may appear once."""

    target_class = PaymentIdsField

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        schema["uniqueItems"] = True
        return schema


class BatchAnticipationRequestSerializer(StrictSerializer):
    payments = PaymentIdsField(help_text=f"1 to {MAX_BATCH_SIZE} distinct payment ids.")
    new_due_date = IsoDateField()


class BatchQuoteRequestSerializer(StrictSerializer):
    payments = PaymentIdsField(help_text=f"1 to {MAX_BATCH_SIZE} distinct payment ids.")
    new_due_date = IsoDateField(required=False, help_text="Today when left out.")


class QuoteTotalsSerializer(serializers.Serializer):
    payments = serializers.IntegerField(help_text="How many payments are quoted.")
    value = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Sum of their current values.")
    discount = serializers.DecimalField(max_digits=14, decimal_places=2)
    new_value = serializers.DecimalField(max_digits=14, decimal_places=2)


class BatchQuoteOutputSerializer(serializers.Serializer):
    new_due_date = serializers.DateField()
    lines = QuoteOutputSerializer(many=True)
    totals = QuoteTotalsSerializer()


class FormattedCNPJField(serializers.CharField):
    """The CNPJ with its usual punctuation, `12.ABC.345/01DE-35` (payments/cnpj.py)."""

    def to_representation(self, value):
        return format_cnpj(value)


class SupplierOutputSerializer(ModelOutputSerializer):
    cnpj = FormattedCNPJField(
        source="reg_number", read_only=True, help_text="The CNPJ with its usual punctuation, e.g. 12.ABC.345/01DE-35."
    )

    class Meta:
        model = Supplier
        fields = ["id", "corporate_name", "cnpj", "reg_number"]
        read_only_fields = fields
        extra_kwargs = {
            "reg_number": {"help_text": "The CNPJ as stored: 14 characters (digits or upper-case letters), no "
                           "punctuation, e.g. 12ABC34501DE35."},
        }
