"""/api/control-log/: operators read who changed which budget, auto-approval rule or webhook endpoint."""

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from codevance_api.core.pagination import PageNumberPagination
from codevance_api.core.schema import JSON, error_example, error_responses
from codevance_api.payments import permissions

from . import selectors
from .filters import ControlChangeFilter
from .models import ControlChange
from .serializers import ControlChangeOutputSerializer

CHANGE_EXAMPLE = {
    "id": 12, "created_at": "2026-11-29T10:00:00.123456-03:00", "actor": 1, "action": "changed",
    "object_type": "budget", "object_id": 3,
    "changes": {"before": {"amount": "50000.00"}, "after": {"amount": "80000.00"}},
}
SUPPLIER_ASKS = error_example(
    "a supplier asks", 403, code="operators_only", message="Only operators can see the control log.",
)


class OperatorsOnly(permissions.OperatorsOnly):
    """The control log answers operators only: a supplier gets 403 `operators_only`."""

    message = _("Only operators can see the control log.")


@extend_schema_view(
    list=extend_schema(
        tags=["control log"],
        summary="List the changes of the controls (operators)",
        description=(
            "The append-only trail of every creation, change and deletion of a budget, an auto-approval rule "
            "or a webhook endpoint (API and admin alike), newest first: who (`actor`), when, and the fields "
            "before and after. `action` is `created`, `changed`, `deleted` or `secret_rotated` (a webhook "
            "endpoint's secret replaced; the secret itself is never shown). Each row is written in the "
            "transaction of its change. Operators only."
        ),
        responses={
            (200, JSON): OpenApiResponse(
                ControlChangeOutputSerializer(many=True), description="A page of changes."
            ),
            **error_responses(400, 401, 403, 404, examples={403: [SUPPLIER_ASKS]}),
        },
        examples=[OpenApiExample("a budget raised", value=CHANGE_EXAMPLE, response_only=True)],
    ),
)
class ControlChangeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """/api/control-log/: the control log, newest first (operators). Read-only: no write to guard."""

    permission_classes = viewsets.GenericViewSet.permission_classes + [OperatorsOnly]
    serializer_class = ControlChangeOutputSerializer
    pagination_class = PageNumberPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = ControlChangeFilter
    # What the schema generator reads the filters' model from (it has no operator to ask the selector as).
    queryset = ControlChange.objects.none()

    def get_queryset(self):
        return selectors.control_change_list(user=self.request.user)
