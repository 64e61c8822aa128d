"""Refresh tokens that die with the user's password or account.

simplejwt's `CHECK_REVOKE_TOKEN` puts a digest of the password hash into each token and refuses
*access* tokens whose digest no longer matches; its refresh serializer checks only that the user
is active. This one also refuses a refresh token minted before a password change, and answers a
token whose user was deleted with 401 instead of an error.
"""

from django.contrib.auth import get_user_model
from rest_framework_simplejwt import serializers
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import get_md5_hash_password


class TokenRefreshSerializer(serializers.TokenRefreshSerializer):
    def validate(self, attrs):
        refresh = RefreshToken(attrs["refresh"])  # signature, expiry and blacklist
        user = get_user_model().objects.filter(
            **{api_settings.USER_ID_FIELD: refresh.payload.get(api_settings.USER_ID_CLAIM)}
        ).first()
        if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
            raise AuthenticationFailed(self.error_messages["no_active_account"], "no_active_account")
        if api_settings.CHECK_REVOKE_TOKEN and refresh.payload.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise AuthenticationFailed("The user's password has been changed.", "password_changed")
        return super().validate(attrs)
