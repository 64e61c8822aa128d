"""/profile/: who the user is, and a password change that keeps the session (Django's PasswordChangeView),
throttled per account. Unhappy paths first."""

import html
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.payments.tests.factories import PaymentFactory
from codevance_api.web.tests.conftest import logged_in

pytestmark = pytest.mark.django_db

PROFILE = reverse("web:profile")
OLD, NEW = "Old-password-1234", "New-password-5678"


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def user_with_password(supplier):
    supplier.user.set_password(OLD)
    supplier.user.save()
    return supplier.user


def _change(client, old=OLD, new1=NEW, new2=NEW):
    return client.post(PROFILE, {"old_password": old, "new_password1": new1, "new_password2": new2})


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(PROFILE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


def test_wrong_old_password_is_a_form_error_and_changes_nothing(user_with_password):
    client = logged_in(user_with_password)

    response = _change(client, old="not-it")

    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    assert "Your old password was entered incorrectly" in _text(response)
    user_with_password.refresh_from_db()
    assert user_with_password.check_password(OLD)


def test_new_passwords_that_differ_are_a_form_error(user_with_password):
    response = _change(logged_in(user_with_password), new2=NEW + "x")

    assert response.context["form"].errors["new_password2"]
    user_with_password.refresh_from_db()
    assert user_with_password.check_password(OLD)


def test_a_weak_new_password_is_refused_by_the_validators(user_with_password):
    response = _change(logged_in(user_with_password), new1="12345678", new2="12345678")

    assert "This password is entirely numeric." in _text(response)
    user_with_password.refresh_from_db()
    assert user_with_password.check_password(OLD)


def test_password_change_without_csrf_token_is_refused(user_with_password):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_with_password)

    assert _change(client).status_code == 403
    user_with_password.refresh_from_db()
    assert user_with_password.check_password(OLD)


def test_password_attempts_over_the_auth_rate_are_429_and_change_nothing(settings, user_with_password):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": "2/min"},
    }
    client = logged_in(user_with_password)
    _change(client, old="guess-1")
    _change(client, old="guess-2")

    response = _change(client)

    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert "Too many password change attempts." in _text(response)
    user_with_password.refresh_from_db()
    assert user_with_password.check_password(OLD)


def test_the_throttle_counts_per_account(settings, user_with_password):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": "1/min"},
    }
    other = UserFactory()
    other.set_password(OLD)
    other.save()
    _change(logged_in(user_with_password), old="guess")

    assert _change(logged_in(other)).status_code == 302


def test_password_change_keeps_the_session_and_takes_the_new_password(user_with_password):
    client = logged_in(user_with_password)

    response = _change(client)

    assert response.status_code == 302 and response["Location"] == PROFILE
    user_with_password.refresh_from_db()
    assert user_with_password.check_password(NEW)
    # update_session_auth_hash: this session is still logged in after the password's hash changed.
    page = client.get(PROFILE)
    assert page.status_code == 200
    assert "Your password was changed. You are still logged in here." in _text(page)


def test_supplier_sees_its_email_role_company_and_formatted_cnpj(supplier):
    supplier.reg_number = "11222333000181"
    supplier.save()

    text = _text(logged_in(supplier.user).get(PROFILE))

    assert supplier.user.email in text
    assert "Role Supplier" in text
    assert f"Company {supplier.corporate_name}" in text
    assert "CNPJ 11.222.333/0001-81" in text


def test_operator_sees_its_role_and_no_company(operator):
    response = logged_in(operator).get(PROFILE)

    assert "Role Operator" in _text(response)
    assert 'data-testid="profile-company"' not in response.content.decode()


def test_user_without_a_role_still_gets_a_profile(outsider_web):
    response = outsider_web.get(PROFILE)

    assert response.status_code == 200
    assert "No role: ask an operator to give you access" in _text(response)


def test_header_links_to_the_profile(supplier_web, operator_web):
    for client in (supplier_web, operator_web):
        assert f'href="{PROFILE}"' in client.get(PROFILE).content.decode()


def test_profile_keeps_a_place_for_the_language_preference(supplier_web):
    assert 'id="language"' in supplier_web.get(PROFILE).content.decode()


def test_profile_costs_the_same_queries_for_1_and_50_payments(supplier, other_supplier):
    PaymentFactory(supplier=supplier)
    PaymentFactory.create_batch(50, supplier=other_supplier)
    counts = []
    for owner in (supplier, other_supplier):
        client = logged_in(owner.user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PROFILE).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
