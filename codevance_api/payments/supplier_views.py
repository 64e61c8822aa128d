"""The supplier companies in the API: `GET /api/suppliers/` (operators) and `GET /api/suppliers/me/` (a supplier).

A viewset of its own, registered on a router in payments/urls.py, so that it moves as one piece
when the other endpoints become viewsets too. Who may read what is the selectors' rule
(`supplier_list`, `supplier_me`); this only shapes the answer.
"""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from codevance_api.core.schema import JSON, error_example, error_responses

from . import selectors
from .serializers import SupplierOutputSerializer

SUPPLIER_EXAMPLE = {"id": 2, "corporate_name": "Beta Insumos S.A.", "cnpj": "12.ABC.345/01DE-35",
                    "reg_number": "12ABC34501DE35"}
SUPPLIER_LISTS = error_example(
    "a supplier asks for the list",
    403,
    code="operators_only",
    message="Only operators can list suppliers; a supplier reads its own company at /api/suppliers/me/.",
)
NOT_A_SUPPLIER = error_example(
    "not a supplier", 403, code="not_a_supplier", message="Your account is not linked to a supplier company."
)
CNPJ_FIELDS = (
    "`cnpj` is the CNPJ with its usual punctuation (`12.ABC.345/01DE-35`), `reg_number` the same 14 "
    "characters as stored; both the numeric and the alphanumeric (July 2026) forms occur."
)


@extend_schema_view(
    list=extend_schema(
        tags=["suppliers"],
        summary="List suppliers (operators)",
        description="Every supplier company, by corporate name. Operators only: a supplier gets a 403 "
        "(`operators_only`) and reads its own company at `/api/suppliers/me/`. " + CNPJ_FIELDS,
        responses={
            (200, JSON): OpenApiResponse(SupplierOutputSerializer(many=True), description="A page of suppliers."),
            **error_responses(400, 401, 403, 404, examples={403: [SUPPLIER_LISTS]}),
        },
        examples=[OpenApiExample("a supplier", value=SUPPLIER_EXAMPLE, response_only=True)],
    ),
    me=extend_schema(
        tags=["suppliers"],
        summary="Show your own supplier company",
        description="The supplier company you log in for. A user that is not linked to a supplier (an "
        "operator) gets a 403 (`not_a_supplier`). " + CNPJ_FIELDS,
        responses={
            (200, JSON): OpenApiResponse(SupplierOutputSerializer, description="Your supplier company."),
            **error_responses(401, 403, examples={403: [NOT_A_SUPPLIER]}),
        },
        examples=[OpenApiExample("your company", value=SUPPLIER_EXAMPLE, response_only=True)],
    ),
)
class SupplierViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """GET /suppliers/: every supplier (operators); GET /suppliers/me/: the user's own supplier company.

    Paginated with the project's default pagination class (REST_FRAMEWORK settings).
    """

    serializer_class = SupplierOutputSerializer

    def get_queryset(self):
        return selectors.supplier_list(user=self.request.user)

    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def me(self, request):
        return Response(self.get_serializer(selectors.supplier_me(user=request.user)).data)
