from rest_framework.routers import DefaultRouter

from . import views
from .supplier_views import SupplierViewSet


class Router(DefaultRouter):
    """The API's router, registering exactly the documented URLs (trailing slash included).

    No API root view: GET /api/ stays a 404 rather than a new, undocumented endpoint listing the
    others (the OpenAPI schema and /api/docs/ are the endpoint reference). No format-suffix URLs
    (/api/payments.json): the contract has none; CSV is `Accept: text/csv` or `?format=csv`.
    """

    include_root_view = False
    include_format_suffixes = False


router = Router(use_regex_path=False)  # path converters: <id:pk> (core.ranges: 1 to 2**63-1, else 404)
router.register("payments", views.PaymentViewSet, basename="payment")
router.register("anticipations", views.AnticipationViewSet, basename="anticipation")
router.register("logs", views.RequestLogViewSet, basename="requestlog")
router.register("suppliers", SupplierViewSet, basename="supplier")

urlpatterns = router.urls
