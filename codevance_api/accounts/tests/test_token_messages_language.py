"""simplejwt's messages reach clients in their language (fresh-user review, point 5)."""

from datetime import timedelta

import jwt
import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone, translation
from rest_framework_simplejwt.tokens import RefreshToken

from codevance_api.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from codevance_api.accounts.tokens import SIMPLEJWT_CLIENT_MESSAGES

pytestmark = pytest.mark.django_db

PT_BR = {"HTTP_ACCEPT_LANGUAGE": "pt-BR"}


@pytest.fixture
def user(db):
    return UserFactory(is_operator=True)


def _message(response):
    assert response.status_code == 401, response.content
    return response.json()["message"]


@pytest.mark.parametrize("msgid", SIMPLEJWT_CLIENT_MESSAGES)
def test_every_simplejwt_client_message_has_a_portuguese_translation_keeping_its_placeholder(msgid):
    with translation.override("pt-br"):
        translated = translation.gettext(msgid)

    assert translated != msgid
    assert translated.count("{}") == msgid.count("{}")
    assert "blacklist" not in translated.lower()


def test_the_listed_messages_are_every_message_simplejwt_raises_to_clients():
    # simplejwt's own catalogue lists what it can say; the configuration errors (500s) are left out.
    import rest_framework_simplejwt

    from codevance_api.core.tests.po_catalog import parse_po

    catalogue = f"{rest_framework_simplejwt.__path__[0]}/locale/pt_BR/LC_MESSAGES/django.po"
    server_side = {"Cannot create token with no type or lifetime", "Unrecognized algorithm type '{}'",
                   "You must have cryptography installed to use {}.",
                   "Unrecognized type '{}', 'leeway' must be of type int, float or timedelta.",
                   "The '{}' setting has been removed. Please refer to '{}' for available settings."}
    models = {"jti", "user", "created at", "expires at", "Token Blacklist", "Outstanding Token",
              "Outstanding Tokens", "Token for %(user)s (%(jti)s)", "Blacklisted Token", "Blacklisted Tokens",
              "Blacklisted token for %(user)s"}
    theirs = {entry.msgid for entry in parse_po(catalogue) if entry.msgid and not entry.obsolete}

    assert theirs - server_side - models <= set(SIMPLEJWT_CLIENT_MESSAGES)


def test_reused_refresh_token_is_refused_in_portuguese(api_client, user):
    tokens = api_client.post("/api/token/", {"email": user.email, "password": DEFAULT_PASSWORD}, format="json").json()
    api_client.post("/api/token/refresh/", {"refresh": tokens["refresh"]}, format="json")

    response = api_client.post("/api/token/refresh/", {"refresh": tokens["refresh"]}, format="json", **PT_BR)

    assert response.json()["code"] == "token_not_valid"
    assert _message(response) == "O token foi revogado: entre de novo."


def test_blacklisted_token_is_refused_in_english_too(api_client, user):
    tokens = api_client.post("/api/token/", {"email": user.email, "password": DEFAULT_PASSWORD}, format="json").json()
    api_client.post("/api/token/logout/", {"refresh": tokens["refresh"]}, format="json")

    response = api_client.post("/api/token/refresh/", {"refresh": tokens["refresh"]}, format="json")

    assert _message(response) == "Token is blacklisted"


def test_expired_refresh_token_is_refused_in_portuguese(api_client, user):
    refresh = RefreshToken.for_user(user)

    with time_machine.travel(timezone.now() + django_settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"] + timedelta(1)):
        response = api_client.post("/api/token/refresh/", {"refresh": str(refresh)}, format="json", **PT_BR)

    assert _message(response) == "O token expirou."


def test_access_token_sent_as_refresh_token_is_refused_in_portuguese(api_client, user):
    refresh = RefreshToken.for_user(user)

    response = api_client.post("/api/token/refresh/", {"refresh": str(refresh.access_token)}, format="json", **PT_BR)

    assert _message(response) == "O token é de outro tipo."


@pytest.mark.parametrize(
    "authorization,expected",
    [
        ("Bearer garbage", "O token informado não é válido para nenhum tipo de token."),
        ("Bearer a b", "O cabeçalho Authorization deve ter dois valores separados por um espaço."),
    ],
)
def test_bad_bearer_tokens_are_refused_in_portuguese(api_client, authorization, expected):
    response = api_client.get("/api/payments/", HTTP_AUTHORIZATION=authorization, **PT_BR)

    assert _message(response) == expected


def test_token_with_another_algorithm_is_refused_in_portuguese(api_client, user):
    forged = jwt.encode({"token_type": "access", "user_id": user.pk}, "x" * 64, algorithm="HS512")

    response = api_client.get("/api/payments/", HTTP_AUTHORIZATION=f"Bearer {forged}", **PT_BR)

    assert response.json()["code"] == "token_not_valid"
    assert _message(response) == "O token informado não é válido para nenhum tipo de token."


def test_bad_credentials_are_refused_in_portuguese(api_client, user):
    response = api_client.post("/api/token/", {"email": user.email, "password": "wrong"}, format="json", **PT_BR)

    assert _message(response) == "Nenhuma conta ativa com este e-mail e esta senha."
