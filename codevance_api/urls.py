from django.contrib import admin
from django.urls import include, path

from codevance_api.accounts.views import LogoutView, TokenObtainPairView, TokenRefreshView
from codevance_api.core.health import healthz, readyz
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/token/", TokenObtainPairView.as_view(), name="token_obtain_pair"),
    path("api/token/refresh/", TokenRefreshView.as_view(), name="token_refresh"),
    path("api/token/logout/", LogoutView.as_view(), name="token_logout"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("api/", include("codevance_api.payments.urls")),
    path("api/", include("codevance_api.treasury.urls")),
    path("api/", include("codevance_api.webhooks.urls")),
    path("api/", include("codevance_api.control_log.urls")),
    # The OpenAPI contract and the docs pages built on it (assets from drf-spectacular-sidecar).
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema", template_name="core/redoc.html"), name="redoc"),
    # The server-rendered web area for suppliers and operators: /, /login/, /supplier/..., /operator/...
    path("", include("codevance_api.web.urls")),
]

# JSON under /api/ (core/exceptions.py), pages in the site's look everywhere else (web/errors.py).
handler400 = "codevance_api.web.errors.handler400"
handler403 = "codevance_api.web.errors.handler403"
handler404 = "codevance_api.web.errors.handler404"
handler500 = "codevance_api.web.errors.handler500"
