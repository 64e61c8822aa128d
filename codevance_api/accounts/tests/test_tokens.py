from datetime import timedelta

import jwt
import pytest
import time_machine
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from codevance_api.accounts.tasks import flush_expired_tokens
from codevance_api.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def obtain(client, user):
    response = client.post("/api/token/", {"email": user.email, "password": DEFAULT_PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def refresh(client, token):
    return client.post("/api/token/refresh/", {"refresh": token}, format="json")


def get_payments(client, access):
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    response = client.get("/api/payments/")
    client.credentials()
    return response


@pytest.fixture
def user(db):
    return UserFactory(is_operator=True)


def test_refresh_rotates_the_refresh_token(api_client, user):
    tokens = obtain(api_client, user)
    response = refresh(api_client, tokens["refresh"])
    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    assert response.json()["refresh"] != tokens["refresh"]


def test_a_rotated_refresh_token_cannot_be_used_again(api_client, user):
    tokens = obtain(api_client, user)
    assert refresh(api_client, tokens["refresh"]).status_code == 200
    replay = refresh(api_client, tokens["refresh"])
    assert replay.status_code == 401
    assert replay.json()["code"] == "token_not_valid"
    assert BlacklistedToken.objects.filter(token__user=user).count() == 1


def test_the_new_refresh_token_from_a_rotation_works(api_client, user):
    rotated = refresh(api_client, obtain(api_client, user)["refresh"]).json()
    assert refresh(api_client, rotated["refresh"]).status_code == 200


def test_logout_blacklists_the_refresh_token(api_client, user):
    tokens = obtain(api_client, user)
    response = api_client.post("/api/token/logout/", {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 204
    assert refresh(api_client, tokens["refresh"]).status_code == 401


def test_logout_with_a_garbage_token_is_401(api_client):
    response = api_client.post("/api/token/logout/", {"refresh": "not-a-token"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_logout_without_a_refresh_token_is_400_naming_the_field(api_client):
    response = api_client.post("/api/token/logout/", {}, format="json")
    assert response.status_code == 400
    assert "refresh" in response.json()["errors"]


def test_logout_refuses_an_access_token_in_place_of_a_refresh_token(api_client, user):
    tokens = obtain(api_client, user)
    response = api_client.post("/api/token/logout/", {"refresh": tokens["access"]}, format="json")
    assert response.status_code == 401


def test_deactivated_user_loses_access_and_refresh(api_client, user):
    tokens = obtain(api_client, user)
    user.is_active = False
    user.save()
    assert get_payments(api_client, tokens["access"]).status_code == 401
    response = refresh(api_client, tokens["refresh"])
    assert response.status_code == 401
    assert response.json()["code"] == "no_active_account"


def test_password_change_revokes_access_tokens(api_client, user):
    tokens = obtain(api_client, user)
    assert get_payments(api_client, tokens["access"]).status_code == 200
    user.set_password("a brand new passphrase")
    user.save()
    response = get_payments(api_client, tokens["access"])
    assert response.status_code == 401
    assert response.json()["code"] == "password_changed"


def test_password_change_revokes_refresh_tokens(api_client, user):
    tokens = obtain(api_client, user)
    user.set_password("a brand new passphrase")
    user.save()
    response = refresh(api_client, tokens["refresh"])
    assert response.status_code == 401
    assert response.json()["code"] == "password_changed"


def test_refresh_token_of_a_deleted_user_is_401_not_500(api_client, user):
    tokens = obtain(api_client, user)
    user.delete()
    assert refresh(api_client, tokens["refresh"]).status_code == 401


def test_tokens_are_not_signed_with_the_secret_key(api_client, user, settings):
    access = obtain(api_client, user)["access"]
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(access, settings.SECRET_KEY, algorithms=["HS256"])
    forged = jwt.encode(jwt.decode(access, options={"verify_signature": False}), settings.SECRET_KEY, "HS256")
    assert get_payments(api_client, forged).status_code == 401


def test_access_token_expires_after_its_lifetime(api_client, user, settings):
    access = obtain(api_client, user)["access"]
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]
    with time_machine.travel(timezone.now() + lifetime + timedelta(seconds=1)):
        assert get_payments(api_client, access).status_code == 401


def test_flush_expired_tokens_task_deletes_expired_refresh_tokens(user, settings):
    RefreshToken.for_user(user).blacklist()
    lifetime = settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"]
    with time_machine.travel(timezone.now() + lifetime + timedelta(minutes=1)):
        fresh = RefreshToken.for_user(user)
        fresh.outstand()
        flush_expired_tokens.apply()
    assert list(OutstandingToken.objects.values_list("jti", flat=True)) == [fresh["jti"]]
    assert not BlacklistedToken.objects.exists()


def test_flush_expired_tokens_is_scheduled(settings):
    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "codevance_api.accounts.tasks.flush_expired_tokens" in entries
