from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/token/", TokenObtainPairView.as_view(), name="token_obtain_pair"),
    path("api/token/refresh/", TokenRefreshView.as_view(), name="token_refresh"),
    path("api/", include("codevance_api.payments.urls")),
    # The OpenAPI contract and the docs pages built on it (assets from drf-spectacular-sidecar).
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema", template_name="core/redoc.html"), name="redoc"),
]

handler400 = "codevance_api.core.exceptions.handler400"
handler403 = "codevance_api.core.exceptions.handler403"
handler404 = "codevance_api.core.exceptions.handler404"
handler500 = "codevance_api.core.exceptions.handler500"
