"""Thin HTTP layer: three viewsets on a router (urls.py), each action parsing the request, calling one
service or selector and shaping the response.

The OpenAPI documentation of each operation is declared here (`extend_schema`, applied to the
actions by `extend_schema_view`): what it does, the rules it enforces, examples, and every error
it can answer in the API's one error shape.
"""

from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from codevance_api.core.csv_export import CSVExportMixin
from codevance_api.core.dates import today
from codevance_api.core.query import refuse_repeated_parameters
from codevance_api.core.schema import JSON, BatchErrorSerializer, error_example, error_responses
from codevance_api.idempotency.views import IdempotentWritesMixin

from . import business_days, exports, selectors, services
from .filters import AnticipationFilter, PaymentFilter, RequestLogFilter
from .models import AnticipationStatus
from .permissions import IsOperatorToDecide
from .serializers import (
    AnticipationDecisionOutputSerializer,
    AnticipationDecisionSerializer,
    AnticipationOutputSerializer,
    AnticipationRequestSerializer,
    BatchAnticipationRequestSerializer,
    BatchQuoteOutputSerializer,
    BatchQuoteRequestSerializer,
    PaymentCreateSerializer,
    PaymentOutputSerializer,
    QuoteOutputSerializer,
    QuoteQuerySerializer,
    RequestLogOutputSerializer,
    quote_data,
)

CSV = "text/csv"


def _validated(serializer_class, request, data=None):
    serializer = serializer_class(data=request.data if data is None else data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- Examples ---------------------------------------------------------------------------------

PAYMENT_EXAMPLE = {
    "id": 1, "supplier": 1, "creation_date": "2024-09-15", "due_date": "2024-10-01", "value": "1000.00",
    "status": "A", "created_at": "2024-09-15T12:00:00.123456-03:00",
}
ANTICIPATION_EXAMPLE = {
    "id": 7, "payment": 1, "creation_date": "2024-09-15", "new_due_date": "2024-09-15", "new_value": "984.00",
    "update_date": "2024-09-15", "status": "PC", "created_at": "2024-09-15T12:00:00.123456-03:00",
    "updated_at": "2024-09-15T12:00:00.123456-03:00",
}
LOG_EXAMPLE = {
    "id": 12, "anticipation": 7, "created_at": "2024-09-15", "user": 1, "action": "A",
    "reason": "Within the monthly limit", "timestamp": "2024-09-15T12:05:00.654321-03:00", "rule": None,
}
APPROVAL_EXAMPLE = {"operator": 1, "email": "operator01@email.com", "at": "2024-09-15T12:05:00.654321-03:00"}
# 2024-09-15 is a Sunday: accepted unless ANTICIPATION_BUSINESS_DAYS_ONLY is on, and the quote says so.
QUOTE_EXAMPLE = {
    "payment": 1, "new_due_date": "2024-09-15", "days": 16, "discount": "16.00", "new_value": "984.00",
    "business_day": False, "previous_business_day": "2024-09-13",
}
CSV_DESCRIPTION = "The same rows as CSV (`Accept: text/csv` or `?format=csv`): all pages, streamed."

NOT_BEFORE_DUE_DATE = error_example(
    "new date not before the due date",
    400,
    code="new_due_date_not_before_due_date",
    message="The new due date must be before the payment's due date (2024-10-01).",
    errors={"new_due_date": ["The new due date must be before the payment's due date (2024-10-01)."]},
)
NOT_A_BUSINESS_DAY = error_example(
    "not a business day (ANTICIPATION_BUSINESS_DAYS_ONLY on)",
    400,
    code="not_a_business_day",
    message="2027-02-08 is not a business day (Carnival): the nearest earlier business day is 2027-02-05.",
    errors={"new_due_date": [
        "2027-02-08 is not a business day (Carnival): the nearest earlier business day is 2027-02-05."]},
    previous_business_day="2027-02-05",
    next_business_day="2027-02-10",
)
ALREADY_ANTICIPATED = error_example(
    "already anticipated",
    409,
    code="payment_already_anticipated",
    message="Payment 1 already has an anticipation: only available payments can be anticipated.",
    errors={"payment": ["Payment 1 already has an anticipation: only available payments can be anticipated."]},
)
DUE_DATE_REACHED = error_example(
    "due date reached",
    409,
    code="payment_due_date_reached",
    message="Payment 1 is due on 2024-09-15, which is not after today (2024-09-15): it can no longer be anticipated.",
    errors={"payment": [
        "Payment 1 is due on 2024-09-15, which is not after today (2024-09-15): it can no longer be anticipated."
    ]},
)
INVALID_STATUS = error_example(
    "unknown status",
    400,
    code="invalid_status",
    message="Unknown payment status 'XX': use one of A, PC, AN, D, U.",
    errors={"status": ["Unknown payment status 'XX': use one of A, PC, AN, D, U."]},
)
BATCH_REJECTED = error_example(
    "one payment breaks a rule",
    400,
    code="batch_rejected",
    message="1 of 3 payments cannot be anticipated to 2024-09-20, so none was: payment 2: Payment 2 already has "
    "an anticipation: only available payments can be anticipated.",
    errors={"payments": ["Payment 2: Payment 2 already has an anticipation: only available payments can be "
                         "anticipated."]},
    failures={"2": {"code": "payment_already_anticipated",
                    "message": "Payment 2 already has an anticipation: only available payments can be anticipated."}},
)
ANTICIPATION_RULES = (
    "Rules: the payment is visible to you and available (status `A`: no anticipation, due date after "
    "today); `new_due_date` is today or later, strictly before the due date, and not so far ahead "
    "that the discount would take the whole value; when the service enforces business days "
    "(ANTICIPATION_BUSINESS_DAYS_ONLY), it is a Brazilian business day (no weekend, national or B3 "
    "holiday): any other day is a 400 `not_a_business_day` naming the nearest earlier business day "
    "(also given as `previous_business_day`, with `next_business_day`). The new value is "
    "`value - value * (monthly_rate / 30) * days`, rounded once to cents (half up)."
)


def _exportable_list_schema(*, tag, summary, description, serializer, page, example, bad_request=None):
    """The documentation of a list that also answers as CSV (core/csv_export.py)."""
    name, value = example
    return extend_schema(
        tags=[tag],
        summary=summary,
        description=f"{description} {CSV_DESCRIPTION}",
        responses={
            (200, JSON): OpenApiResponse(serializer(many=True), description=page),
            (200, CSV): OpenApiResponse(OpenApiTypes.STR, description=CSV_DESCRIPTION),
            **error_responses(400, 401, 403, 404, examples={400: bad_request} if bad_request else None),
        },
        examples=[OpenApiExample(name, value=value, response_only=True, media_type=JSON)],
    )


class CountedListMixin:
    """A list whose page `count` is cached per visibility scope (core.pagination.list_count)."""

    count_cache_name = ""

    def get_count_scope(self):
        return selectors.count_scope(self.request.user)


# --- Payments ---------------------------------------------------------------------------------


_PAYMENTS = dict(
    get=_exportable_list_schema(
        tag="payments",
        summary="List payments",
        description="The payments you may see (a supplier its own, an operator all), by due date unless "
        "`ordering` says otherwise. Each has its derived `status`.",
        serializer=PaymentOutputSerializer,
        page="A page of payments.",
        example=("a payment", PAYMENT_EXAMPLE),
        bad_request=[INVALID_STATUS],
    ),
    post=extend_schema(
        tags=["payments"],
        summary="Register a payment",
        description="A supplier registers a payment to itself (`supplier` optional, or its own id); an "
        "operator names the supplier. `value` is from 0.01 to 1000000000.00 with at most 2 decimals; "
        "`due_date` is today or later, at most 3650 days ahead. Other fields are computed by the server "
        "and refused if sent.",
        request=PaymentCreateSerializer,
        responses={
            (201, JSON): OpenApiResponse(PaymentOutputSerializer, description="The registered payment."),
            **error_responses(400, 401, 403, 415),
        },
        examples=[
            OpenApiExample("new payment", value={"due_date": "2024-10-01", "value": "1000.00"}, request_only=True),
            OpenApiExample("registered", value=PAYMENT_EXAMPLE, response_only=True, status_codes=[201]),
        ],
    ),
)


_PAYMENT = dict(
    get=extend_schema(
        tags=["payments"],
        summary="Show a payment",
        description="A payment you may see, with its derived status; another supplier's payment is a 404.",
        responses={
            (200, JSON): OpenApiResponse(PaymentOutputSerializer, description="The payment."),
            **error_responses(401, 403, 404),
        },
        examples=[OpenApiExample("a payment", value=PAYMENT_EXAMPLE, response_only=True)],
    )
)


_PAYMENT_QUOTE = dict(
    get=extend_schema(
        tags=["payments"],
        summary="Quote an anticipation without asking for it",
        description="What anticipating this payment to `new_due_date` (today when left out; the next business day when "
        "ANTICIPATION_BUSINESS_DAYS_ONLY is on and today is closed) would pay, "
        "computed by the same function and with the same rules and errors as asking for it, without "
        "creating anything. " + ANTICIPATION_RULES,
        parameters=[QuoteQuerySerializer],
        responses={
            (200, JSON): OpenApiResponse(QuoteOutputSerializer, description="The quote; nothing was created."),
            **error_responses(
                400, 401, 403, 404, 409,
                examples={
                    400: [NOT_BEFORE_DUE_DATE, NOT_A_BUSINESS_DAY], 409: [ALREADY_ANTICIPATED, DUE_DATE_REACHED]
                },
            ),
        },
        examples=[OpenApiExample("16 days early", value=QUOTE_EXAMPLE, response_only=True)],
    )
)


_PAYMENT_BATCH_QUOTE = dict(
    post=extend_schema(
        tags=["payments"],
        summary="Quote anticipating several payments to one date",
        description="The quote of each payment (as `GET /api/payments/{id}/quote/`) and the totals, "
        "nothing created. `new_due_date` defaults to today (the next business day when "
        "ANTICIPATION_BUSINESS_DAYS_ONLY is on and today is closed). If any payment cannot be anticipated, the "
        "400 lists every failing payment with its rule (`failures`, keyed by payment id). "
        "1 to 100 distinct ids. " + ANTICIPATION_RULES,
        request=BatchQuoteRequestSerializer,
        responses={
            (200, JSON): OpenApiResponse(BatchQuoteOutputSerializer, description="A line per payment, and totals."),
            **error_responses(
                400, 401, 403, 415, serializer=BatchErrorSerializer,
                examples={400: [BATCH_REJECTED, NOT_A_BUSINESS_DAY]},
            ),
        },
        examples=[
            OpenApiExample("two payments", value={"payments": [1, 3], "new_due_date": "2024-09-20"},
                           request_only=True),
            OpenApiExample(
                "quoted",
                value={
                    "new_due_date": "2024-09-20",
                    "lines": [
                        {"payment": 1, "new_due_date": "2024-09-20", "days": 11, "discount": "11.00",
                         "new_value": "989.00", "business_day": True, "previous_business_day": None},
                        {"payment": 3, "new_due_date": "2024-09-20", "days": 40, "discount": "20.00",
                         "new_value": "480.00", "business_day": True, "previous_business_day": None},
                    ],
                    "totals": {"payments": 2, "value": "1500.00", "discount": "31.00", "new_value": "1469.00"},
                },
                response_only=True,
            ),
        ],
    )
)


# --- Anticipations ----------------------------------------------------------------------------


_ANTICIPATIONS = dict(
    get=extend_schema(
        tags=["anticipations"],
        summary="List anticipations",
        description="The anticipations you may see (a supplier those of its payments, an operator all), "
        "newest first unless `ordering` says otherwise.",
        responses={
            (200, JSON): OpenApiResponse(
                AnticipationOutputSerializer(many=True), description="A page of anticipations."
            ),
            **error_responses(400, 401, 403, 404),
        },
        examples=[OpenApiExample("an anticipation", value=ANTICIPATION_EXAMPLE, response_only=True)],
    ),
    post=extend_schema(
        tags=["anticipations"],
        summary="Ask to anticipate a payment",
        description="Creates a pending (`PC`) anticipation, writes a log row and emails the supplier after "
        "commit. Another supplier's payment gets the same 400 as an id that does not exist. "
        "`new_value`, `status` and the dates are computed by the server and refused if sent. "
        + ANTICIPATION_RULES,
        request=AnticipationRequestSerializer,
        responses={
            (201, JSON): OpenApiResponse(AnticipationOutputSerializer, description="The pending anticipation."),
            **error_responses(
                400, 401, 403, 409, 415,
                examples={
                    400: [NOT_BEFORE_DUE_DATE, NOT_A_BUSINESS_DAY], 409: [ALREADY_ANTICIPATED, DUE_DATE_REACHED]
                },
            ),
        },
        examples=[
            OpenApiExample("anticipate", value={"payment": 1, "new_due_date": "2024-09-15"}, request_only=True),
            OpenApiExample("requested", value=ANTICIPATION_EXAMPLE, response_only=True, status_codes=[201]),
        ],
    ),
)


_ANTICIPATION_BATCH = dict(
    post=extend_schema(
        tags=["anticipations"],
        summary="Anticipate several payments to one date, all or nothing",
        description="1 to 100 distinct payment ids. Each goes through the rules of `POST /api/anticipations/` "
        "(one log row and one email each) in one transaction: either all are created (201, in the order "
        "given) or none is, and the 400 lists every failing payment with its rule in `failures`, keyed by "
        "payment id. " + ANTICIPATION_RULES,
        request=BatchAnticipationRequestSerializer,
        responses={
            (201, JSON): OpenApiResponse(
                AnticipationOutputSerializer(many=True), description="Every anticipation created."
            ),
            **error_responses(
                400, 401, 403, 415, serializer=BatchErrorSerializer,
                examples={400: [BATCH_REJECTED, NOT_A_BUSINESS_DAY]},
            ),
        },
        examples=[
            OpenApiExample("three payments", value={"payments": [1, 2, 3], "new_due_date": "2024-09-20"},
                           request_only=True),
            OpenApiExample("created", value=[ANTICIPATION_EXAMPLE], response_only=True, status_codes=[201]),
        ],
    )
)


_ANTICIPATION = dict(
    get=extend_schema(
        tags=["anticipations"],
        summary="Show an anticipation",
        description="An anticipation you may see; another supplier's is a 404.",
        responses={
            (200, JSON): OpenApiResponse(AnticipationOutputSerializer, description="The anticipation."),
            **error_responses(401, 403, 404),
        },
        examples=[OpenApiExample("an anticipation", value=ANTICIPATION_EXAMPLE, response_only=True)],
    ),
    patch=extend_schema(
        tags=["anticipations"],
        summary="Approve or deny an anticipation (operators)",
        description="`status` is `A` (approve) or `D` (deny), with an optional `reason` (at most 500 "
        "characters) kept on the log; the supplier is emailed after commit. A pending (`PC`) anticipation "
        "is decided once: a second decision is a 409. An anticipation whose payment is due, or whose new "
        "due date has passed, cannot be approved (409) but can still be denied. Only `status` and "
        "`reason` may be sent. Suppliers get a 403. "
        "**Budgets:** an approval charges `new_value` to the overall budget and the supplier's budget of the "
        "month of `new_due_date` (`/api/budgets/`); when one cannot take it, 409 `budget_exceeded` names what "
        "remains (`remaining`, `month`, `supplier`). "
        "**Four eyes:** when `new_value` is above DUAL_CONTROL_ABOVE, the first approval answers 202 (still "
        "`PC`, `approvals` lists who approved), the same operator again gets 409 `second_approver_required`, a "
        "different operator completes it (200, `A`, budget charged then); a denial by either is final.",
        request=AnticipationDecisionSerializer,
        responses={
            (200, JSON): OpenApiResponse(AnticipationDecisionOutputSerializer, description="The decided anticipation."),
            (202, JSON): OpenApiResponse(
                AnticipationDecisionOutputSerializer,
                description="Four eyes: the first of two operators approved; the anticipation is still `PC` and "
                "`approvals` lists who has approved so far. A different operator's approval completes it.",
            ),
            **error_responses(
                400, 401, 403, 404, 409, 415,
                examples={
                    403: [error_example("supplier", 403, code="permission_denied",
                                        message="Only operators can approve or deny anticipations.")],
                    409: [
                        error_example("already decided", 409, code="anticipation_already_decided",
                                      message="Anticipation 7 was already decided (approved).",
                                      errors={"status": ["Anticipation 7 was already decided (approved)."]}),
                        error_example("over the budget", 409, code="budget_exceeded",
                                      message="Approving anticipation 7 (R$ 984.00) would exceed the overall budget "
                                      "of 2024-09: only R$ 500.00 remains.",
                                      remaining="500.00", month="2024-09", supplier=None),
                        error_example("same operator twice", 409, code="second_approver_required",
                                      message="You already approved anticipation 7: a second, different operator "
                                      "must approve it.",
                                      errors={"status": ["You already approved anticipation 7: a second, different "
                                                         "operator must approve it."]}),
                    ],
                },
            ),
        },
        examples=[
            OpenApiExample("approve", value={"status": "A", "reason": "Within the monthly limit"}, request_only=True),
            OpenApiExample(
                "approved",
                value={**ANTICIPATION_EXAMPLE, "status": "A", "approvals": [APPROVAL_EXAMPLE], "approvals_required": 1},
                response_only=True, status_codes=[200],
            ),
            OpenApiExample(
                "first of two approvals",
                value={**ANTICIPATION_EXAMPLE, "approvals": [APPROVAL_EXAMPLE], "approvals_required": 2},
                response_only=True, status_codes=[202],
            ),
        ],
    ),
)


# --- Audit log --------------------------------------------------------------------------------


_LOGS = dict(
    get=_exportable_list_schema(
        tag="logs",
        summary="List the audit log",
        description="One row per request (`R`), approval (`A`) and denial (`D`) of an anticipation, newest "
        "first; a supplier sees those of its own payments.",
        serializer=RequestLogOutputSerializer,
        page="A page of log rows.",
        example=("a decision", LOG_EXAMPLE),
    )
)


# --- Viewsets -----------------------------------------------------------------------------------

# The extra actions answer one object or a whole batch: no list filters, no pagination (at run time
# and in the schema).
_NOT_A_LIST = {"filter_backends": [], "pagination_class": None}


@extend_schema_view(
    list=_PAYMENTS["get"],
    create=_PAYMENTS["post"],
    retrieve=_PAYMENT["get"],
    quote=_PAYMENT_QUOTE["get"],
    batch_quote=_PAYMENT_BATCH_QUOTE["post"],
)
class PaymentViewSet(
    IdempotentWritesMixin,
    CountedListMixin, CSVExportMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """/api/payments/: list (filtered, payments/filters.py; CSV too), register, show, quote one, quote many."""

    serializer_class = PaymentOutputSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PaymentFilter
    lookup_value_converter = "id"  # <id:pk>: an integer id within the column (core.ranges), else 404
    count_cache_name = "payments"
    csv_filename = "payments.csv"
    # The JSON row's columns, in its order and formats, then the supplier's and the anticipation's (exports.py).
    csv_columns = exports.PAYMENT_CSV_COLUMNS

    def get_queryset(self):
        return selectors.payment_list(user=self.request.user)

    def get_object(self):
        payment = selectors.payment_detail(user=self.request.user, pk=self.kwargs["pk"])
        if payment is None:
            raise Http404
        self.check_object_permissions(self.request, payment)
        return payment

    def create(self, request):
        data = _validated(PaymentCreateSerializer, request)
        payment = services.payment_create(
            actor=request.user, supplier_id=data.get("supplier"), due_date=data["due_date"], value=data["value"]
        )
        created = selectors.payment_list(user=request.user).get(pk=payment.pk)
        return Response(PaymentOutputSerializer(created).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"], url_path="quote", url_name="quote", **_NOT_A_LIST)
    def quote(self, request, pk=None):
        visible = selectors.payments_visible_to(request.user).select_related("anticipation")
        payment = get_object_or_404(visible, pk=self.kwargs["pk"])
        refuse_repeated_parameters(request.query_params, QuoteQuerySerializer().fields)
        new_due_date = _validated(QuoteQuerySerializer, request, data=request.query_params).get("new_due_date")
        quote = selectors.payment_quote(
            payment=payment, new_due_date=new_due_date or business_days.default_new_due_date(today())
        )
        return Response(quote_data(quote))

    @action(detail=False, methods=["post"], url_path="quote", url_name="batch-quote", **_NOT_A_LIST)
    def batch_quote(self, request):
        data = _validated(BatchQuoteRequestSerializer, request)
        new_due_date = data.get("new_due_date") or business_days.default_new_due_date(today())
        quotes = selectors.payment_quote_batch(
            user=request.user, payment_ids=data["payments"], new_due_date=new_due_date
        )
        body = {
            "new_due_date": new_due_date,
            "lines": quotes,
            "totals": {
                "payments": len(quotes),
                "value": sum((quote.value for quote in quotes), Decimal("0.00")),
                "discount": sum((quote.discount for quote in quotes), Decimal("0.00")),
                "new_value": sum((quote.new_value for quote in quotes), Decimal("0.00")),
            },
        }
        return Response(BatchQuoteOutputSerializer(body).data)


@extend_schema_view(
    list=_ANTICIPATIONS["get"],
    create=_ANTICIPATIONS["post"],
    retrieve=_ANTICIPATION["get"],
    partial_update=_ANTICIPATION["patch"],
    batch=_ANTICIPATION_BATCH["post"],
)
class AnticipationViewSet(
    IdempotentWritesMixin,
    CountedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """/api/anticipations/: list (filtered), ask for one, ask for many, show, decide (operators, PATCH)."""

    serializer_class = AnticipationOutputSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = AnticipationFilter
    lookup_value_converter = "id"  # <id:pk>: an integer id within the column (core.ranges), else 404
    count_cache_name = "anticipations"

    def get_permissions(self):
        permissions = super().get_permissions()
        if self.action == "partial_update":
            permissions.append(IsOperatorToDecide())
        return permissions

    def get_queryset(self):
        return selectors.anticipation_list(user=self.request.user)

    def get_object(self):
        anticipation = get_object_or_404(selectors.anticipations_visible_to(self.request.user), pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, anticipation)
        return anticipation

    def create(self, request):
        data = _validated(AnticipationRequestSerializer, request)
        anticipation = services.anticipation_request(
            actor=request.user, payment_id=data["payment"], new_due_date=data["new_due_date"]
        )
        return Response(AnticipationOutputSerializer(anticipation).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        # Visibility (404) is the service's first check, inside its locked read.
        data = _validated(AnticipationDecisionSerializer, request)
        anticipation = services.anticipation_decide(
            actor=request.user, anticipation_id=self.kwargs["pk"], status=data["status"], reason=data["reason"]
        )
        # Four eyes: a first approval leaves it pending; 202 says the decision is not complete yet.
        pending = anticipation.status == AnticipationStatus.PENDING_CONFIRMATION
        return Response(
            AnticipationDecisionOutputSerializer(anticipation).data,
            status=status.HTTP_202_ACCEPTED if pending else status.HTTP_200_OK,
        )

    @action(detail=False, methods=["post"], url_path="batch", url_name="batch", **_NOT_A_LIST)
    def batch(self, request):
        data = _validated(BatchAnticipationRequestSerializer, request)
        anticipations = services.anticipation_request_batch(
            actor=request.user, payment_ids=data["payments"], new_due_date=data["new_due_date"]
        )
        return Response(AnticipationOutputSerializer(anticipations, many=True).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=_LOGS["get"])
class RequestLogViewSet(CountedListMixin, CSVExportMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """/api/logs/: the audit trail the user may see, newest first (CSV too)."""

    serializer_class = RequestLogOutputSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = RequestLogFilter
    count_cache_name = "logs"
    csv_filename = "logs.csv"
    csv_columns = exports.REQUEST_LOG_CSV_COLUMNS

    def get_queryset(self):
        return selectors.request_log_list(user=self.request.user)
