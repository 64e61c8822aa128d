"""The treasury's endpoints, for operators: `/api/budgets/` and `/api/auto-approval-rules/`.

Thin viewsets: parse, call one service or selector, shape the answer. Their OpenAPI documentation is
declared here (`extend_schema`), with every error they answer in the API's one error shape.
"""

import django_filters
from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.response import Response

from codevance_api.core.pagination import PageNumberPagination
from codevance_api.core.errors import ValidationFailed
from codevance_api.core.schema import JSON, error_example, error_responses
from codevance_api.idempotency.views import IdempotentWritesMixin
from codevance_api.payments import permissions
from codevance_api.payments.filters import FilterSet, IdFilter, documented_filter

from . import rules, selectors, services
from .models import AutoApprovalRule, Budget
from .serializers import (
    AutoApprovalRuleInputSerializer,
    AutoApprovalRuleOutputSerializer,
    BudgetInputSerializer,
    BudgetOutputSerializer,
)


class OperatorsOnly(permissions.OperatorsOnly):
    """The treasury's endpoints answer operators only: a supplier gets 403 `operators_only`."""

    message = _("Only operators can see or change budgets and auto-approval rules.")


# --- List filters: a value that cannot be read is a 400 naming the parameter (fresh-user review, point 2) ---


class MonthFormField(forms.CharField):
    """A month in the query string, "YYYY-MM" (treasury.rules.parse_month); the value is its first day."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return rules.parse_month(value)
        except ValidationFailed as error:
            raise forms.ValidationError(error.message, code=error.code)


class MonthFilter(django_filters.Filter):
    field_class = MonthFormField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        documented_filter(self, {"type": "string", "pattern": rules.MONTH_PATTERN, "example": "2026-12"})


class YesNoFormField(forms.ChoiceField):
    """`true` or `false` (any case) in the query string; anything else is a 400, not a silently ignored filter."""

    def __init__(self, *args, **kwargs):
        kwargs["choices"] = [("true", "true"), ("false", "false")]
        kwargs.setdefault("error_messages", {"invalid_choice": _("Use true or false; got %(value)s.")})
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return super().to_python(value).lower()

    def clean(self, value):
        value = super().clean(value)
        return None if value == "" else value == "true"


class YesNoFilter(django_filters.Filter):
    field_class = YesNoFormField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        documented_filter(self, {"type": "string", "enum": ["true", "false"]})


class BudgetFilter(FilterSet):
    month = MonthFilter(field_name="month", help_text="Only the budgets of this month (YYYY-MM).")
    supplier = IdFilter(field_name="supplier_id", help_text="Only this supplier's budgets.")


class AutoApprovalRuleFilter(FilterSet):
    supplier = IdFilter(field_name="supplier_id", help_text="Only this supplier's own rules.")
    active = YesNoFilter(field_name="active", help_text="`true`: the rules that apply; `false`: the switched-off ones.")


def _validated(serializer_class, request, *, partial=False):
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- Examples ---------------------------------------------------------------------------------

BUDGET_EXAMPLE = {
    "id": 3, "month": "2026-12", "supplier": None, "amount": "50000.00", "used": "12000.00",
    "remaining": "38000.00", "updated_at": "2026-11-29T10:00:00.123456-03:00",
}
RULE_EXAMPLE = {
    "id": 1, "supplier": None, "max_amount": "5000.00", "min_days_early": 10, "active": True, "author": 1,
    "created_at": "2026-11-29T10:00:00.123456-03:00", "updated_at": "2026-11-29T10:00:00.123456-03:00",
}
SUPPLIER_ASKS = error_example(
    "a supplier asks", 403, code="operators_only",
    message="Only operators can see or change budgets and auto-approval rules.",
)
BUDGET_EXISTS = error_example(
    "that budget exists", 409, code="budget_exists",
    message="There is already the overall budget of 2026-12: change that one instead.",
)
BELOW_USED = error_example(
    "below what is used", 409, code="budget_below_used",
    message="Approved anticipations already use R$ 12,000.00 of the overall budget of 2026-12: the amount "
    "cannot be less than that.",
    used="12000.00",
)
BAD_MONTH = error_example(
    "not a month", 400, code="validation_error",
    message="month: A month is written YYYY-MM, from 1900-01 to 2999-12 (e.g. 2026-12).",
    errors={"month": ["A month is written YYYY-MM, from 1900-01 to 2999-12 (e.g. 2026-12)."]},
)
RULE_IN_USE = error_example(
    "the rule has approved", 409, code="rule_in_use",
    message="Rule 1 has approved anticipations and the audit log names it: deactivate it instead.",
)
USED_RULE = (
    "`used` is what the approved anticipations whose new due date falls in the month have taken (the "
    "supplier's, or everyone's for the overall budget); `remaining` is `amount - used`. Both are computed "
    "when read, from the anticipations themselves."
)
BUDGET_RULES = (
    "One overall budget (`supplier` null) per month and one per supplier and month (409 `budget_exists`). "
    "`amount` is 0.01 to 1000000000000.00, and never less than what the month has already used (409 "
    "`budget_below_used`, with `used`). Approving an anticipation charges its `new_value` to the overall "
    "budget and its supplier's budget of the month of its `new_due_date`; a month without a budget is not "
    "limited. Operators only."
)

MOVED = (
    " A change that had to wait while another operator moved the same budget to another month answers 409 "
    "`budget_changed`: read the budget again. Every change is recorded in the control log (`/api/control-log/`)."
)


@extend_schema_view(
    list=extend_schema(
        tags=["treasury"],
        summary="List budgets (operators)",
        description="Every monthly budget, newest month first, the overall one before the suppliers'. " + USED_RULE,
        responses={
            (200, JSON): OpenApiResponse(BudgetOutputSerializer(many=True), description="A page of budgets."),
            **error_responses(400, 401, 403, 404, examples={403: [SUPPLIER_ASKS]}),
        },
        examples=[OpenApiExample("a budget", value=BUDGET_EXAMPLE, response_only=True)],
    ),
    create=extend_schema(
        tags=["treasury"],
        summary="Set a monthly budget (operators)",
        description="How much cash may go to early payments in a month, overall or for one supplier. " + BUDGET_RULES,
        request=BudgetInputSerializer,
        responses={
            (201, JSON): OpenApiResponse(BudgetOutputSerializer, description="The budget, with what it has used."),
            **error_responses(
                400, 401, 403, 409, 415,
                examples={400: [BAD_MONTH], 403: [SUPPLIER_ASKS], 409: [BUDGET_EXISTS, BELOW_USED]},
            ),
        },
        examples=[
            OpenApiExample("overall budget", value={"month": "2026-12", "amount": "50000.00", "supplier": None},
                           request_only=True),
            OpenApiExample("set", value=BUDGET_EXAMPLE, response_only=True, status_codes=[201]),
        ],
    ),
    retrieve=extend_schema(
        tags=["treasury"],
        summary="Show a budget (operators)",
        description=USED_RULE,
        responses={
            (200, JSON): OpenApiResponse(BudgetOutputSerializer, description="The budget."),
            **error_responses(401, 403, 404, examples={403: [SUPPLIER_ASKS]}),
        },
        examples=[OpenApiExample("a budget", value=BUDGET_EXAMPLE, response_only=True)],
    ),
    update=extend_schema(
        tags=["treasury"],
        summary="Replace a budget (operators)",
        description="`month` and `amount` are required; `supplier` left out is the overall budget. "
        + BUDGET_RULES + MOVED,
        request=BudgetInputSerializer,
        responses={
            (200, JSON): OpenApiResponse(BudgetOutputSerializer, description="The budget."),
            **error_responses(
                400, 401, 403, 404, 409, 415,
                examples={400: [BAD_MONTH], 403: [SUPPLIER_ASKS], 409: [BUDGET_EXISTS, BELOW_USED]},
            ),
        },
        examples=[
            OpenApiExample("replace", value={"month": "2026-12", "amount": "50000.00", "supplier": None},
                           request_only=True),
            OpenApiExample("replaced", value=BUDGET_EXAMPLE, response_only=True),
        ],
    ),
    partial_update=extend_schema(
        tags=["treasury"],
        summary="Change a budget (operators)",
        description="Any of `month`, `amount`, `supplier`; the rest is kept. " + BUDGET_RULES + MOVED,
        request=BudgetInputSerializer(partial=True),
        responses={
            (200, JSON): OpenApiResponse(BudgetOutputSerializer, description="The budget."),
            **error_responses(
                400, 401, 403, 404, 409, 415,
                examples={400: [BAD_MONTH], 403: [SUPPLIER_ASKS], 409: [BUDGET_EXISTS, BELOW_USED]},
            ),
        },
        examples=[
            OpenApiExample("raise it", value={"amount": "80000.00"}, request_only=True),
            OpenApiExample("raised", value={**BUDGET_EXAMPLE, "amount": "80000.00", "remaining": "68000.00"},
                           response_only=True),
        ],
    ),
    destroy=extend_schema(
        tags=["treasury"],
        summary="Remove a budget (operators)",
        description="The month (or the supplier's month) is no longer limited; approvals stay approved.",
        responses={204: OpenApiResponse(description="Removed."), **error_responses(401, 403, 404)},
    ),
)
class BudgetViewSet(IdempotentWritesMixin, viewsets.GenericViewSet):
    """/api/budgets/: list (with used and remaining), set, show, change, remove. Operators only."""

    permission_classes = viewsets.GenericViewSet.permission_classes + [OperatorsOnly]
    serializer_class = BudgetOutputSerializer
    pagination_class = PageNumberPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = BudgetFilter
    lookup_value_converter = "id"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no operator
            return Budget.objects.none()
        return selectors.budget_list(user=self.request.user)

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(BudgetOutputSerializer(selectors.budgets_with_usage(page), many=True).data)

    def retrieve(self, request, pk=None):
        budget = self.get_queryset().filter(pk=pk).first()
        if budget is None:
            raise Http404
        return Response(BudgetOutputSerializer(selectors.budgets_with_usage([budget])[0]).data)

    def create(self, request):
        data = _validated(BudgetInputSerializer, request)
        budget = services.budget_create(
            actor=request.user, month=data["month"], amount=data["amount"], supplier_id=data.get("supplier")
        )
        return Response(BudgetOutputSerializer(budget).data, status=status.HTTP_201_CREATED)

    def _update(self, request, pk, *, partial):
        data = _validated(BudgetInputSerializer, request, partial=partial)
        changes = {key: data[key] for key in ("month", "amount") if key in data}
        if "supplier" in data or not partial:
            changes["supplier_id"] = data.get("supplier")
        budget = services.budget_update(actor=request.user, budget_id=int(pk), **changes)
        return Response(BudgetOutputSerializer(budget).data)

    def update(self, request, pk=None):
        return self._update(request, pk, partial=False)

    def partial_update(self, request, pk=None):
        return self._update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        services.budget_delete(actor=request.user, budget_id=int(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


RULE_RULES = (
    "A rule approves, in the transaction that creates it, a request (single or batch) whose `new_value` is "
    "at most `max_amount` (R$) and that is at least `min_days_early` days before the payment's due date, "
    "when its budgets take it; otherwise the request stays pending. `supplier` null applies to everyone; a "
    "supplier's own rules are tried before everyone's. Only `active` rules apply. Above DUAL_CONTROL_ABOVE "
    "no rule approves: two operators must (four eyes). The audit log row of such an approval has `rule` set "
    "and, as `user`, the rule's `author` (the operator who last saved it); the supplier gets the same email "
    "as for a person's approval. Operators only."
)


@extend_schema_view(
    list=extend_schema(
        tags=["treasury"],
        summary="List auto-approval rules (operators)",
        description=RULE_RULES,
        responses={
            (200, JSON): OpenApiResponse(AutoApprovalRuleOutputSerializer(many=True), description="A page of rules."),
            **error_responses(400, 401, 403, 404, examples={403: [SUPPLIER_ASKS]}),
        },
        examples=[OpenApiExample("a rule", value=RULE_EXAMPLE, response_only=True)],
    ),
    create=extend_schema(
        tags=["treasury"],
        summary="Define an auto-approval rule (operators)",
        description=RULE_RULES,
        request=AutoApprovalRuleInputSerializer,
        responses={
            (201, JSON): OpenApiResponse(AutoApprovalRuleOutputSerializer, description="The rule."),
            **error_responses(400, 401, 403, 415, examples={403: [SUPPLIER_ASKS]}),
        },
        examples=[
            OpenApiExample("up to R$ 5,000, 10 days early, everyone",
                           value={"max_amount": "5000.00", "min_days_early": 10, "supplier": None}, request_only=True),
            OpenApiExample("defined", value=RULE_EXAMPLE, response_only=True, status_codes=[201]),
        ],
    ),
    retrieve=extend_schema(
        tags=["treasury"],
        summary="Show an auto-approval rule (operators)",
        description=RULE_RULES,
        responses={
            (200, JSON): OpenApiResponse(AutoApprovalRuleOutputSerializer, description="The rule."),
            **error_responses(401, 403, 404, examples={403: [SUPPLIER_ASKS]}),
        },
        examples=[OpenApiExample("a rule", value=RULE_EXAMPLE, response_only=True)],
    ),
    update=extend_schema(
        tags=["treasury"],
        summary="Replace an auto-approval rule (operators)",
        description="`max_amount` and `min_days_early` are required. You become the rule's author. " + RULE_RULES,
        request=AutoApprovalRuleInputSerializer,
        responses={
            (200, JSON): OpenApiResponse(AutoApprovalRuleOutputSerializer, description="The rule."),
            **error_responses(400, 401, 403, 404, 415, examples={403: [SUPPLIER_ASKS]}),
        },
        examples=[
            OpenApiExample("replace", value={"max_amount": "5000.00", "min_days_early": 10, "supplier": None,
                                             "active": True}, request_only=True),
            OpenApiExample("replaced", value=RULE_EXAMPLE, response_only=True),
        ],
    ),
    partial_update=extend_schema(
        tags=["treasury"],
        summary="Change an auto-approval rule (operators)",
        description="Any field; the rest is kept. You become the rule's author. " + RULE_RULES,
        request=AutoApprovalRuleInputSerializer(partial=True),
        responses={
            (200, JSON): OpenApiResponse(AutoApprovalRuleOutputSerializer, description="The rule."),
            **error_responses(400, 401, 403, 404, 415, examples={403: [SUPPLIER_ASKS]}),
        },
        examples=[
            OpenApiExample("switch it off", value={"active": False}, request_only=True),
            OpenApiExample("switched off", value={**RULE_EXAMPLE, "active": False}, response_only=True),
        ],
    ),
    destroy=extend_schema(
        tags=["treasury"],
        summary="Delete an auto-approval rule (operators)",
        description="Only a rule that never approved anything: the audit log names the others (409 "
        "`rule_in_use`); deactivate those (`active: false`).",
        responses={
            204: OpenApiResponse(description="Deleted."),
            **error_responses(401, 403, 404, 409, examples={409: [RULE_IN_USE]}),
        },
    ),
)
class AutoApprovalRuleViewSet(IdempotentWritesMixin, viewsets.GenericViewSet):
    """/api/auto-approval-rules/: list, define, show, change, delete. Operators only."""

    permission_classes = viewsets.GenericViewSet.permission_classes + [OperatorsOnly]
    serializer_class = AutoApprovalRuleOutputSerializer
    pagination_class = PageNumberPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = AutoApprovalRuleFilter
    lookup_value_converter = "id"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no operator
            return AutoApprovalRule.objects.none()
        return selectors.auto_approval_rule_list(user=self.request.user)

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(AutoApprovalRuleOutputSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        rule = self.get_queryset().filter(pk=pk).first()
        if rule is None:
            raise Http404
        return Response(AutoApprovalRuleOutputSerializer(rule).data)

    def create(self, request):
        data = _validated(AutoApprovalRuleInputSerializer, request)
        rule = services.auto_approval_rule_create(
            actor=request.user, supplier_id=data.get("supplier"), max_amount=data["max_amount"],
            min_days_early=data["min_days_early"], active=data.get("active", True),
        )
        return Response(AutoApprovalRuleOutputSerializer(rule).data, status=status.HTTP_201_CREATED)

    def _update(self, request, pk, *, partial):
        data = _validated(AutoApprovalRuleInputSerializer, request, partial=partial)
        changes = {key: data[key] for key in ("max_amount", "min_days_early", "active") if key in data}
        if "supplier" in data or not partial:
            changes["supplier_id"] = data.get("supplier")
        rule = services.auto_approval_rule_update(actor=request.user, rule_id=int(pk), **changes)
        return Response(AutoApprovalRuleOutputSerializer(rule).data)

    def update(self, request, pk=None):
        return self._update(request, pk, partial=False)

    def partial_update(self, request, pk=None):
        return self._update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        services.auto_approval_rule_delete(actor=request.user, rule_id=int(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
