"""Thin HTTP layer: parse the request, call one service or selector, shape the response.

The OpenAPI documentation of each operation sits on it (`extend_schema`): what it does, the rules
it enforces, examples, and every error it can answer in the API's one error shape.
"""

from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from codevance_api.core.csv_export import CSVExportMixin, column, local_date
from codevance_api.core.dates import today
from codevance_api.core.schema import JSON, BatchErrorSerializer, error_example, error_responses

from . import selectors, services
from .filters import AnticipationFilter, PaymentFilter, RequestLogFilter
from .permissions import IsOperatorOrSupplier, IsOperatorToDecide
from .serializers import (
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
)

CSV = "text/csv"


def _validated(serializer_class, request, data=None):
    serializer = serializer_class(data=request.data if data is None else data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _quote_body(payment, new_due_date, quote) -> dict:
    return {
        "payment": payment.pk,
        "new_due_date": new_due_date,
        "days": quote.days,
        "discount": quote.discount,
        "new_value": quote.new_value,
    }


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
    "reason": "Within the monthly limit", "timestamp": "2024-09-15T12:05:00.654321-03:00",
}
QUOTE_EXAMPLE = {"payment": 1, "new_due_date": "2024-09-15", "days": 16, "discount": "16.00", "new_value": "984.00"}
CSV_DESCRIPTION = "The same rows as CSV (`Accept: text/csv` or `?format=csv`): all pages, streamed."

NOT_BEFORE_DUE_DATE = error_example(
    "new date not before the due date",
    400,
    code="new_due_date_not_before_due_date",
    message="The new due date must be before the payment's due date (2024-10-01).",
    errors={"new_due_date": ["The new due date must be before the payment's due date (2024-10-01)."]},
)
ALREADY_ANTICIPATED = error_example(
    "already anticipated",
    409,
    code="payment_already_anticipated",
    message="Payment 1 already has an anticipation: only available payments can be anticipated.",
)
DUE_DATE_REACHED = error_example(
    "due date reached",
    409,
    code="payment_due_date_reached",
    message="Payment 1 is due on 2024-09-15, which is not after today (2024-09-15): it can no longer be anticipated.",
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
    "that the discount would take the whole value. The new value is "
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


@extend_schema_view(
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
class PaymentListCreateView(CountedListMixin, CSVExportMixin, generics.ListAPIView):
    """GET: the payments the user may see, filtered (payments/filters.py); POST: register a payment."""

    serializer_class = PaymentOutputSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PaymentFilter
    count_cache_name = "payments"
    csv_filename = "payments.csv"
    # The JSON row's columns, in its order and formats.
    csv_columns = ["id", "supplier", column("creation_date", "creation_date", local_date), "due_date", "value",
                   "status", column("created_at", "creation_date")]

    def get_queryset(self):
        return selectors.payment_list(user=self.request.user)

    def post(self, request):
        data = _validated(PaymentCreateSerializer, request)
        payment = services.payment_create(
            actor=request.user, supplier_id=data.get("supplier"), due_date=data["due_date"], value=data["value"]
        )
        created = selectors.payment_list(user=request.user).get(pk=payment.pk)
        return Response(PaymentOutputSerializer(created).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
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
class PaymentDetailView(generics.RetrieveAPIView):
    serializer_class = PaymentOutputSerializer

    def get_queryset(self):
        return selectors.payment_list(user=self.request.user)

    def get_object(self):
        payment = selectors.payment_detail(user=self.request.user, pk=self.kwargs["pk"])
        if payment is None:
            raise Http404
        self.check_object_permissions(self.request, payment)
        return payment


@extend_schema_view(
    get=extend_schema(
        tags=["payments"],
        summary="Quote an anticipation without asking for it",
        description="What anticipating this payment to `new_due_date` (today when left out) would pay, "
        "computed by the same function and with the same rules and errors as asking for it, without "
        "creating anything. " + ANTICIPATION_RULES,
        parameters=[QuoteQuerySerializer],
        responses={
            (200, JSON): OpenApiResponse(QuoteOutputSerializer, description="The quote; nothing was created."),
            **error_responses(
                400, 401, 403, 404, 409,
                examples={400: [NOT_BEFORE_DUE_DATE], 409: [ALREADY_ANTICIPATED, DUE_DATE_REACHED]},
            ),
        },
        examples=[OpenApiExample("16 days early", value=QUOTE_EXAMPLE, response_only=True)],
    )
)
class PaymentQuoteView(APIView):
    def get(self, request, pk):
        payment = get_object_or_404(selectors.payments_visible_to(request.user), pk=pk)
        new_due_date = _validated(QuoteQuerySerializer, request, data=request.query_params).get("new_due_date")
        new_due_date = new_due_date or today()
        quote = services.anticipation_quote(payment=payment, new_due_date=new_due_date)
        return Response(QuoteOutputSerializer(_quote_body(payment, new_due_date, quote)).data)


@extend_schema_view(
    post=extend_schema(
        tags=["payments"],
        summary="Quote anticipating several payments to one date",
        description="The quote of each payment (as `GET /api/payments/{id}/quote/`) and the totals, "
        "nothing created. `new_due_date` defaults to today. If any payment cannot be anticipated, the "
        "400 lists every failing payment with its rule (`failures`, keyed by payment id). "
        "1 to 100 distinct ids. " + ANTICIPATION_RULES,
        request=BatchQuoteRequestSerializer,
        responses={
            (200, JSON): OpenApiResponse(BatchQuoteOutputSerializer, description="A line per payment, and totals."),
            **error_responses(400, 401, 403, 415, serializer=BatchErrorSerializer, examples={400: [BATCH_REJECTED]}),
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
                         "new_value": "989.00"},
                        {"payment": 3, "new_due_date": "2024-09-20", "days": 40, "discount": "20.00",
                         "new_value": "480.00"},
                    ],
                    "totals": {"payments": 2, "value": "1500.00", "discount": "31.00", "new_value": "1469.00"},
                },
                response_only=True,
            ),
        ],
    )
)
class PaymentBatchQuoteView(APIView):
    def post(self, request):
        data = _validated(BatchQuoteRequestSerializer, request)
        new_due_date = data.get("new_due_date") or today()
        quotes = services.anticipation_quote_batch(
            actor=request.user, payment_ids=data["payments"], new_due_date=new_due_date
        )
        body = {
            "new_due_date": new_due_date,
            "lines": [_quote_body(payment, new_due_date, quote) for payment, quote in quotes],
            "totals": {
                "payments": len(quotes),
                "value": sum((payment.value for payment, _ in quotes), Decimal("0.00")),
                "discount": sum((quote.discount for _, quote in quotes), Decimal("0.00")),
                "new_value": sum((quote.new_value for _, quote in quotes), Decimal("0.00")),
            },
        }
        return Response(BatchQuoteOutputSerializer(body).data)


# --- Anticipations ----------------------------------------------------------------------------


@extend_schema_view(
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
                examples={400: [NOT_BEFORE_DUE_DATE], 409: [ALREADY_ANTICIPATED, DUE_DATE_REACHED]},
            ),
        },
        examples=[
            OpenApiExample("anticipate", value={"payment": 1, "new_due_date": "2024-09-15"}, request_only=True),
            OpenApiExample("requested", value=ANTICIPATION_EXAMPLE, response_only=True, status_codes=[201]),
        ],
    ),
)
class AnticipationListCreateView(CountedListMixin, generics.ListAPIView):
    """GET: the anticipations the user may see, filtered; POST: ask to anticipate a payment."""

    serializer_class = AnticipationOutputSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = AnticipationFilter
    count_cache_name = "anticipations"

    def get_queryset(self):
        return selectors.anticipation_list(user=self.request.user)

    def post(self, request):
        data = _validated(AnticipationRequestSerializer, request)
        anticipation = services.anticipation_request(
            actor=request.user, payment_id=data["payment"], new_due_date=data["new_due_date"]
        )
        return Response(AnticipationOutputSerializer(anticipation).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
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
            **error_responses(400, 401, 403, 415, serializer=BatchErrorSerializer, examples={400: [BATCH_REJECTED]}),
        },
        examples=[
            OpenApiExample("three payments", value={"payments": [1, 2, 3], "new_due_date": "2024-09-20"},
                           request_only=True),
            OpenApiExample("created", value=[ANTICIPATION_EXAMPLE], response_only=True, status_codes=[201]),
        ],
    )
)
class AnticipationBatchView(APIView):
    def post(self, request):
        data = _validated(BatchAnticipationRequestSerializer, request)
        anticipations = services.anticipation_request_batch(
            actor=request.user, payment_ids=data["payments"], new_due_date=data["new_due_date"]
        )
        return Response(AnticipationOutputSerializer(anticipations, many=True).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
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
        "`reason` may be sent. Suppliers get a 403.",
        request=AnticipationDecisionSerializer,
        responses={
            (200, JSON): OpenApiResponse(AnticipationOutputSerializer, description="The decided anticipation."),
            **error_responses(
                400, 401, 403, 404, 409, 415,
                examples={
                    403: [error_example("supplier", 403, code="permission_denied",
                                        message="Only operators can approve or deny anticipations.")],
                    409: [error_example("already decided", 409, code="anticipation_already_decided",
                                        message="Anticipation 7 was already decided (approved).")],
                },
            ),
        },
        examples=[
            OpenApiExample("approve", value={"status": "A", "reason": "Within the monthly limit"}, request_only=True),
            OpenApiExample("approved", value={**ANTICIPATION_EXAMPLE, "status": "A"}, response_only=True),
        ],
    ),
)
class AnticipationDetailView(generics.RetrieveAPIView):
    """GET: one anticipation; PATCH `{"status": "A"|"D", "reason"}`: an operator decides it."""

    serializer_class = AnticipationOutputSerializer
    permission_classes = [IsOperatorOrSupplier, IsOperatorToDecide]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.anticipations_visible_to(self.request.user)

    def patch(self, request, pk):
        # Visibility (404) is the service's first check, inside its locked read.
        data = _validated(AnticipationDecisionSerializer, request)
        anticipation = services.anticipation_decide(
            actor=request.user, anticipation_id=pk, status=data["status"], reason=data["reason"]
        )
        return Response(AnticipationOutputSerializer(anticipation).data)


# --- Audit log --------------------------------------------------------------------------------


@extend_schema_view(
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
class RequestLogListView(CountedListMixin, CSVExportMixin, generics.ListAPIView):
    """The audit trail the user may see, newest first."""

    serializer_class = RequestLogOutputSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = RequestLogFilter
    count_cache_name = "logs"
    csv_filename = "logs.csv"
    csv_columns = ["id", "anticipation", column("created_at", "created_at", local_date), "user", "action", "reason",
                   column("timestamp", "created_at")]

    def get_queryset(self):
        return selectors.request_log_list(user=self.request.user)
