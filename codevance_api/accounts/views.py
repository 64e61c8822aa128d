"""The token endpoints: obtain (with login lockout), refresh (rotating), logout (blacklist)."""

from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.response import Response
from rest_framework_simplejwt import views as jwt_views

from .lockout import LockedOut, retry_after_seconds
from .tokens import TokenLogoutSerializer, TokenObtainPairSerializer


class TokenObtainPairView(jwt_views.TokenObtainPairView):
    """POST {"email", "password"} → {"refresh", "access"}; 429 once the account or address is locked out."""

    throttle_scope = "auth"
    serializer_class = TokenObtainPairSerializer

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


class LogoutView(jwt_views.TokenBlacklistView):
    """POST {"refresh"} → 204: the refresh token is blacklisted and can no longer be used.

    No access token is needed (it may have expired already); holding the refresh token is the
    proof. Every refresh token of the same login dies with it, including one that a concurrent
    refresh just returned (accounts/tokens.py). Access tokens already issued stay valid until they
    expire (JWT_ACCESS_MINUTES).
    """

    throttle_scope = "auth"
    serializer_class = TokenLogoutSerializer

    def post(self, request, *args, **kwargs):
        super().post(request, *args, **kwargs)
        return Response(status=status.HTTP_204_NO_CONTENT)
