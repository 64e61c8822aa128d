from django.contrib import admin
from django.urls import include, path
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/token/", TokenObtainPairView.as_view(), name="token_obtain_pair"),
    path("api/token/refresh/", TokenRefreshView.as_view(), name="token_refresh"),
    path("api/", include("codevance_api.payments.urls")),
    # The server-rendered web area for suppliers and operators: /, /login/, /supplier/..., /operator/...
    path("", include("codevance_api.web.urls")),
]

handler404 = "codevance_api.core.exceptions.handler404"
handler500 = "codevance_api.core.exceptions.handler500"
