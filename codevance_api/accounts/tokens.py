"""Refresh tokens: rotated and logged out atomically, and dying with the user's password or account.

simplejwt's `CHECK_REVOKE_TOKEN` puts a digest of the password hash into each token and refuses
*access* tokens whose digest no longer matches; its refresh serializer checks only that the user
is active. The serializer here also refuses a refresh token minted before a password change, and
answers a token whose user was deleted with 401 instead of an error.

Rotation and logout are one atomic step each (issue 13, point 4). simplejwt checked the blacklist,
then wrote to it with `get_or_create`: ten concurrent refreshes of one token all passed the check
and all got a new token. Here the first statement of each transaction inserts the presented
token's blacklist row; the row's unique index is the lock. Of any number of concurrent refreshes
and logouts of one token exactly one inserts it (PostgreSQL makes the others wait on the index,
SQLite on its write lock, and then refuses them with an IntegrityError) and only that one goes on.

Every refresh token carries a `family` claim: the id of the first token of its login, kept through
rotations. Logging out revokes the family (`RevokedTokenFamily`), and a refresh of any token of a
revoked family is refused. So a logout that loses the race against a refresh of the same token
(the token was rotated a moment earlier) still ends the session: the token that refresh returned
is dead too. Access tokens already issued live on until they expire (`JWT_ACCESS_MINUTES`).
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from rest_framework_simplejwt import serializers
from rest_framework_simplejwt.exceptions import AuthenticationFailed, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch, get_md5_hash_password

from codevance_api.core.bodies import JsonObjectBody

from .models import RevokedTokenFamily

FAMILY_CLAIM = "family"
BLACKLISTED = _("Token is blacklisted")

# Every message of simplejwt that can reach a client (401s of the token endpoints and of the JWT
# authentication), marked here so that makemessages puts them in our catalogue with a reviewed pt-BR
# translation: our LOCALE_PATHS catalogue is read before simplejwt's own, whose pt_BR leaves some
# empty and words others half in English ("Token está na blacklist"). simplejwt formats the two with
# `{}` after translating them, so the translations keep the `{}`. Source: fresh-user review, point 5.
SIMPLEJWT_CLIENT_MESSAGES = (
    gettext_noop("Authorization header must contain two space-delimited values"),
    gettext_noop("Given token not valid for any token type"),
    gettext_noop("Token contained no recognizable user identification"),
    gettext_noop("User not found"),
    gettext_noop("User is inactive"),
    gettext_noop("The user's password has been changed."),
    gettext_noop("Token is invalid"),
    gettext_noop("Token is expired"),
    gettext_noop("Token is invalid or expired"),
    gettext_noop("Invalid algorithm specified"),
    gettext_noop("No active account found with the given credentials"),
    gettext_noop("No active account found for the given token."),
    gettext_noop("Token is blacklisted"),
    gettext_noop("Token has no id"),
    gettext_noop("Token has no type"),
    gettext_noop("Token has wrong type"),
    gettext_noop("Token has no '{}' claim"),
    gettext_noop("Token '{}' claim has expired"),
)


class _SignedRefreshToken(RefreshToken):
    """A refresh token checked for its signature, expiry and type, but not yet against the blacklist.

    The blacklist is decided by the insert in `_consume` (one statement, under the index's lock),
    not by a read that a concurrent request could overtake.
    """

    def check_blacklist(self) -> None:
        return None


def _family(token: RefreshToken) -> str:
    return str(token.payload.get(FAMILY_CLAIM) or token.payload[api_settings.JTI_CLAIM])


def _outstanding_id(token: RefreshToken, user) -> int:
    jti = token.payload[api_settings.JTI_CLAIM]
    outstanding, _ = OutstandingToken.objects.get_or_create(
        jti=jti,
        defaults={
            "user": user,
            "created_at": token.current_time,
            "token": str(token),
            "expires_at": datetime_from_epoch(token.payload["exp"]),
        },
    )
    return outstanding.pk


def _consume(outstanding_id: int) -> bool:
    """Blacklist the token in the current transaction; False if it already was (another request won)."""
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction goes on after a loss
            BlacklistedToken.objects.create(token_id=outstanding_id)
    except IntegrityError:
        return False
    return True


def refresh_token_rotate(*, token: str, user) -> dict[str, str]:
    """Exchange the refresh token `token` of `user` for a new access and refresh token, once.

    Returns {"access", "refresh"}. Raises TokenError (401 token_not_valid) when the token was
    already used or logged out, or its family was revoked.
    """
    refresh = _SignedRefreshToken(token)
    family = _family(refresh)
    outstanding_id = _outstanding_id(refresh, user)
    with transaction.atomic():
        if not _consume(outstanding_id) or RevokedTokenFamily.objects.filter(family=family).exists():
            raise TokenError(BLACKLISTED)
        data = {"access": str(refresh.access_token)}
        refresh.set_jti()
        refresh.set_exp()
        refresh.set_iat()
        refresh[FAMILY_CLAIM] = family
        refresh.outstand()
        data["refresh"] = str(refresh)
    return data


def refresh_token_logout(*, token: str) -> None:
    """End the session of the refresh token `token`: blacklist it and revoke its family.

    A token already used by a refresh (or a second logout) still revokes the family, so no
    refresh token of that login works afterwards. Raises TokenError (401) for a token that is
    not a valid, unexpired refresh token.
    """
    refresh = _SignedRefreshToken(token)
    user = get_user_model().objects.filter(
        **{api_settings.USER_ID_FIELD: refresh.payload.get(api_settings.USER_ID_CLAIM)}
    ).first()
    outstanding_id = _outstanding_id(refresh, user)
    with transaction.atomic():
        _consume(outstanding_id)
        RevokedTokenFamily.objects.get_or_create(family=_family(refresh))


class TokenObtainPairSerializer(JsonObjectBody, serializers.TokenObtainPairSerializer):
    """simplejwt's, with the body checked as every body of the API is (core/bodies.py)."""


class TokenRefreshSerializer(JsonObjectBody, serializers.TokenRefreshSerializer):
    def validate(self, attrs):
        refresh = _SignedRefreshToken(attrs["refresh"])  # signature, expiry, type
        user = get_user_model().objects.filter(
            **{api_settings.USER_ID_FIELD: refresh.payload.get(api_settings.USER_ID_CLAIM)}
        ).first()
        if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
            raise AuthenticationFailed(self.error_messages["no_active_account"], "no_active_account")
        if api_settings.CHECK_REVOKE_TOKEN and refresh.payload.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise AuthenticationFailed(_("The user's password has been changed."), "password_changed")
        return refresh_token_rotate(token=attrs["refresh"], user=user)


class TokenLogoutSerializer(JsonObjectBody, serializers.TokenBlacklistSerializer):
    def validate(self, attrs):
        refresh_token_logout(token=attrs["refresh"])
        return {}
