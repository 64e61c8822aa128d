from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.utils import timezone

from codevance_api.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def login(client, email, password, ip="203.0.113.7"):
    return client.post("/api/token/", {"email": email, "password": password}, format="json", REMOTE_ADDR=ip)


def fail_until_the_limit(client, email, settings, ip="203.0.113.7"):
    responses = [login(client, email, "wrong password", ip=ip) for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert [r.status_code for r in responses[:-1]] == [401] * (settings.AXES_FAILURE_LIMIT - 1)
    return responses[-1]


@pytest.fixture
def user(db):
    return UserFactory(is_operator=True)


def test_failed_logins_below_the_limit_do_not_lock_the_account(api_client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(api_client, user.email, "wrong password").status_code == 401
    assert login(api_client, user.email, DEFAULT_PASSWORD).status_code == 200


def test_reaching_the_failure_limit_locks_the_account_with_429_and_retry_after(api_client, user, settings):
    last = fail_until_the_limit(api_client, user.email, settings)
    assert last.status_code == 429
    assert last.json()["code"] == "locked_out"
    assert int(last["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()


def test_a_locked_account_is_refused_even_with_the_right_password(api_client, user, settings):
    fail_until_the_limit(api_client, user.email, settings)
    response = login(api_client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert "access" not in response.json()


def test_the_account_is_locked_from_every_address(api_client, user, settings):
    fail_until_the_limit(api_client, user.email, settings, ip="203.0.113.7")
    assert login(api_client, user.email, DEFAULT_PASSWORD, ip="198.51.100.9").status_code == 429


def test_the_account_count_ignores_the_email_case(api_client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(api_client, user.email.upper(), "wrong password", ip="198.51.100.1")
    assert login(api_client, user.email, "wrong password", ip="198.51.100.2").status_code == 429


def test_an_address_trying_many_accounts_is_locked_out(api_client, user, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(api_client, f"nobody{n}@example.com", "guess", ip="203.0.113.50")
    assert login(api_client, user.email, DEFAULT_PASSWORD, ip="203.0.113.50").status_code == 429
    assert login(api_client, user.email, DEFAULT_PASSWORD, ip="203.0.113.51").status_code == 200


def test_the_lockout_ends_after_the_cool_off(api_client, user, settings):
    fail_until_the_limit(api_client, user.email, settings)
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(seconds=1)):
        assert login(api_client, user.email, DEFAULT_PASSWORD).status_code == 200


def test_an_operator_can_lift_the_lockout_with_a_command(api_client, user, settings):
    fail_until_the_limit(api_client, user.email, settings)
    call_command("axes_reset_username", user.email)
    call_command("axes_reset_ip", "203.0.113.7")
    assert not AccessAttempt.objects.exists()
    assert login(api_client, user.email, DEFAULT_PASSWORD).status_code == 200


def test_admin_login_is_locked_out_too(client, settings):
    admin = UserFactory(is_operator=True, is_staff=True)  # an operator, as the admin is used
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/admin/login/", {"username": admin.email, "password": "nope"}, REMOTE_ADDR="192.0.2.4")
        assert response.status_code == 200  # the form again, with an error
    response = client.post("/admin/login/", {"username": admin.email, "password": "nope"}, REMOTE_ADDR="192.0.2.4")
    assert response.status_code == 429
    # Not the API: a page saying when to retry (web/errors.py), no longer JSON.
    assert response["Content-Type"].startswith("text/html")
    assert "Too many failed logins" in response.content.decode()
    assert response["Retry-After"]
    response = client.post(
        "/admin/login/", {"username": admin.email, "password": DEFAULT_PASSWORD}, REMOTE_ADDR="192.0.2.4"
    )
    assert response.status_code == 429


def test_api_and_admin_failures_count_together(api_client, client, settings):
    admin = UserFactory(is_operator=True, is_staff=True)  # an operator, as the admin is used
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(api_client, admin.email, "wrong password", ip="192.0.2.8")
    response = client.post("/admin/login/", {"username": admin.email, "password": "nope"}, REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 429


def test_a_forged_forwarded_for_header_does_not_escape_the_address_lockout(api_client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        api_client.post(
            "/api/token/",
            {"email": f"nobody{n}@example.com", "password": "guess"},
            format="json",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.1.1.{n}, 203.0.113.77",
        )
    user = UserFactory()
    response = api_client.post(
        "/api/token/",
        {"email": user.email, "password": DEFAULT_PASSWORD},
        format="json",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.77",
    )
    assert response.status_code == 429


def test_logins_without_a_request_are_not_refused(user):
    from django.contrib.auth import authenticate

    assert authenticate(email=user.email, password=DEFAULT_PASSWORD) == user
