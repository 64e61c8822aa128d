"""Thin HTTP layer: parse the request, call one service or selector, shape the response."""

from django.shortcuts import get_object_or_404
from rest_framework import generics, status
from rest_framework.response import Response

from . import selectors, services
from .permissions import IsOperatorOrSupplier, IsOperatorToDecide
from .serializers import (
    AnticipationDecisionSerializer,
    AnticipationOutputSerializer,
    AnticipationRequestSerializer,
    PaymentCreateSerializer,
    PaymentOutputSerializer,
    RequestLogOutputSerializer,
)


def _validated(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class PaymentListCreateView(generics.ListAPIView):
    """GET: the payments the user may see (`?status=A|U|PC|AN|D`); POST: register a payment."""

    serializer_class = PaymentOutputSerializer

    def get_queryset(self):
        return selectors.payment_list(user=self.request.user, status=self.request.query_params.get("status"))

    def post(self, request):
        data = _validated(PaymentCreateSerializer, request)
        payment = services.payment_create(
            actor=request.user, supplier_id=data.get("supplier"), due_date=data["due_date"], value=data["value"]
        )
        created = selectors.payment_list(user=request.user).get(pk=payment.pk)
        return Response(PaymentOutputSerializer(created).data, status=status.HTTP_201_CREATED)


class PaymentDetailView(generics.RetrieveAPIView):
    serializer_class = PaymentOutputSerializer

    def get_queryset(self):
        return selectors.payment_list(user=self.request.user)


class AnticipationListCreateView(generics.ListAPIView):
    """GET: the anticipations the user may see (`?status=PC|A|D`); POST: ask to anticipate a payment."""

    serializer_class = AnticipationOutputSerializer

    def get_queryset(self):
        return selectors.anticipation_list(user=self.request.user, status=self.request.query_params.get("status"))

    def post(self, request):
        data = _validated(AnticipationRequestSerializer, request)
        anticipation = services.anticipation_request(
            actor=request.user, payment_id=data["payment"], new_due_date=data["new_due_date"]
        )
        return Response(AnticipationOutputSerializer(anticipation).data, status=status.HTTP_201_CREATED)


class AnticipationDetailView(generics.RetrieveAPIView):
    """GET: one anticipation; PATCH `{"status": "A"|"D", "reason"}`: an operator decides it."""

    serializer_class = AnticipationOutputSerializer
    permission_classes = [IsOperatorOrSupplier, IsOperatorToDecide]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.anticipations_visible_to(self.request.user)

    def patch(self, request, pk):
        get_object_or_404(self.get_queryset(), pk=pk)
        data = _validated(AnticipationDecisionSerializer, request)
        anticipation = services.anticipation_decide(
            actor=request.user, anticipation_id=pk, status=data["status"], reason=data["reason"]
        )
        return Response(AnticipationOutputSerializer(anticipation).data)


class RequestLogListView(generics.ListAPIView):
    """The audit trail the user may see, newest first."""

    serializer_class = RequestLogOutputSerializer

    def get_queryset(self):
        return selectors.request_log_list(user=self.request.user)
