"""The token endpoints: obtain (with login lockout), refresh (rotating), logout (blacklist)."""

from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt import views as jwt_views
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from .lockout import LockedOut, retry_after_seconds


class TokenObtainPairView(jwt_views.TokenObtainPairView):
    """POST {"email", "password"} → {"refresh", "access"}; 429 once the account or address is locked out."""

    throttle_scope = "auth"

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except AuthenticationFailed:
            # axes flags the request it was handed (DRF's, which its middleware never sees) when the
            # account or address is locked out; simplejwt would call that bad credentials.
            if getattr(request, "axes_locked_out", False):
                raise LockedOut(wait=retry_after_seconds(request))
            raise


class TokenRefreshView(jwt_views.TokenRefreshView):
    """POST {"refresh"} → {"access", "refresh"}: the old refresh token is blacklisted (rotation)."""

    throttle_scope = "auth"


class LogoutSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class LogoutView(APIView):
    """POST {"refresh"} → 204: the refresh token is blacklisted and can no longer be used.

    No access token is needed (it may have expired already); holding the refresh token is the
    proof. Access tokens already issued stay valid until they expire (JWT_ACCESS_MINUTES).
    """

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_scope = "auth"

    def post(self, request):
        serializer = LogoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            RefreshToken(serializer.validated_data["refresh"]).blacklist()
        except TokenError as error:
            raise jwt_views.InvalidToken(error.args[0])
        return Response(status=status.HTTP_204_NO_CONTENT)
