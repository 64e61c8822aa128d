"""Atomic token operations (issue 13, point 4), raced with threads and a barrier.

The races run in the PostgreSQL pass (the blacklist's unique index is the lock). The SQLite pass
skips them: its test database is SQLite's shared-cache memory database, whose table locks answer
"database table is locked" at once instead of waiting, which `make run`'s file database never
does. The sequential rules below run in both passes.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from codevance_api.accounts.models import RevokedTokenFamily
from codevance_api.accounts.tasks import flush_expired_tokens
from codevance_api.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from codevance_api.payments.tests.test_races import _run_together

pytestmark = pytest.mark.django_db(transaction=True)

CONCURRENT_REFRESHES = 10


def obtain(user):
    response = APIClient().post(
        "/api/token/", {"email": user.email, "password": DEFAULT_PASSWORD}, format="json", REMOTE_ADDR="192.0.2.1"
    )
    assert response.status_code == 200, response.content
    return response.json()


def refresh(token):
    return APIClient().post("/api/token/refresh/", {"refresh": token}, format="json", REMOTE_ADDR="192.0.2.2")


def logout(token):
    return APIClient().post("/api/token/logout/", {"refresh": token}, format="json", REMOTE_ADDR="192.0.2.3")


def live_refresh_tokens(tokens):
    """Which of these refresh tokens still work (each is spent by trying it, so try them last)."""
    return [token for token in tokens if refresh(token).status_code == 200]


@pytest.fixture
def user(db):
    return UserFactory(is_operator=True)


def test_ten_concurrent_refreshes_of_one_token_give_exactly_one_success(user, postgresql_row_locks):
    token = obtain(user)["refresh"]
    responses = _run_together([lambda: refresh(token) for _ in range(CONCURRENT_REFRESHES)])
    statuses = sorted(getattr(r, "status_code", 0) for r in responses)
    assert statuses == [200] + [401] * (CONCURRENT_REFRESHES - 1), responses
    assert {r.json()["code"] for r in responses if r.status_code == 401} == {"token_not_valid"}
    assert BlacklistedToken.objects.filter(token__jti__isnull=False).count() == 1
    new_tokens = [r.json()["refresh"] for r in responses if r.status_code == 200]
    assert len(live_refresh_tokens(new_tokens)) == 1


def test_logout_racing_refreshes_of_the_same_token_leaves_no_live_refresh_token(user, postgresql_row_locks):
    token = obtain(user)["refresh"]
    calls = [lambda: logout(token)] + [lambda: refresh(token) for _ in range(4)]
    responses = _run_together(calls)
    assert all(hasattr(r, "status_code") for r in responses), responses
    assert responses[0].status_code == 204
    assert sorted(r.status_code for r in responses[1:]) in ([401] * 4, [200] + [401] * 3)
    issued = [r.json()["refresh"] for r in responses[1:] if r.status_code == 200]
    assert live_refresh_tokens(issued + [token]) == []


def test_logout_racing_a_refresh_of_the_rotated_token_leaves_no_live_refresh_token(user, postgresql_row_locks):
    first = obtain(user)["refresh"]
    second = refresh(first).json()["refresh"]
    responses = _run_together([lambda: logout(first), lambda: refresh(second)])
    assert responses[0].status_code == 204
    issued = [responses[1].json()["refresh"]] if responses[1].status_code == 200 else []
    assert live_refresh_tokens(issued + [second, first]) == []


def test_logout_with_an_already_rotated_token_ends_the_tokens_rotated_from_it(user):
    first = obtain(user)["refresh"]
    second = refresh(first).json()["refresh"]
    third = refresh(second).json()["refresh"]
    assert logout(first).status_code == 204
    assert refresh(third).status_code == 401
    assert refresh(third).json()["code"] == "token_not_valid"


def test_logout_ends_only_its_own_login(user):
    mine, other_device = obtain(user)["refresh"], obtain(user)["refresh"]
    assert logout(mine).status_code == 204
    assert refresh(other_device).status_code == 200


def test_revoked_families_are_flushed_once_every_token_of_theirs_has_expired(user, settings):
    token = obtain(user)["refresh"]
    logout(token)
    lifetime = settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"]
    RevokedTokenFamily.objects.update(revoked_at=timezone.now() - lifetime - timedelta(minutes=1))
    recent = RevokedTokenFamily.objects.create(family="recent")
    flush_expired_tokens.apply()
    assert list(RevokedTokenFamily.objects.all()) == [recent]
    assert OutstandingToken.objects.exists()
