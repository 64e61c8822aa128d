"""Errors outside the API are pages in the site's look; the API keeps its JSON error shape (issue 15).

Each status is tried on a web (or admin) address, then the same status under /api/.
"""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.exceptions import Throttled

from codevance_api.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from codevance_api.core.money import format_datetime
from codevance_api.web import errors
from codevance_api.web.tests.conftest import logged_in
from codevance_api.web.views import WebView

pytestmark = pytest.mark.django_db


def _assert_site_page(response, status):
    """An HTML page built on web/base.html, with no trace of the API's JSON shape."""
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert 'class="topbar"' in page and "Codevance" in page and "web/app.css" in page
    assert f"Error {status}" in page
    assert '"code"' not in page
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def _assert_api_error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["code"] == code and body["message"]
    return body


class _ThrottledPage(WebView):
    def get(self, request):
        raise Throttled(wait=41.2)


class _BrokenApiPage(WebView):
    def get(self, request):
        raise RuntimeError("boom")


# --- 404 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/no-such-page/", "/supplier/nothing-here/", "/operator/x/"])
def test_unknown_web_address_is_a_404_page(client, path):
    _assert_site_page(client.get(path), 404)


def test_unknown_web_address_keeps_the_navigation_of_a_logged_in_supplier(supplier_web):
    text = _assert_site_page(supplier_web.get("/no-such-page/"), 404)
    assert "Overview" in text and "Log out" in text


@pytest.mark.parametrize("path", ["/api/no-such-endpoint/", "/api/payments/abc/"])
def test_unknown_api_address_stays_a_json_404(supplier_client, path):
    _assert_api_error(supplier_client.get(path), 404, "not_found")


# --- 403 ------------------------------------------------------------------------------------------


def test_admin_page_refused_to_staff_is_a_403_page(client):
    client.force_login(UserFactory(is_staff=True))
    _assert_site_page(client.get(reverse("admin:payments_payment_changelist")), 403)


def test_form_without_csrf_token_is_a_403_page(db):
    client = Client(enforce_csrf_checks=True)
    text = _assert_site_page(client.post(reverse("web:login"), {"email": "a@example.com", "password": "x"}), 403)
    assert "did not come from this site" in text


def test_web_page_of_another_role_is_a_403_page(outsider_web):
    _assert_site_page(outsider_web.get(reverse("web:overview")), 403)


def test_api_refusal_stays_a_json_403(db):
    from codevance_api.conftest import authenticated_client

    _assert_api_error(authenticated_client(UserFactory()).get("/api/payments/"), 403, "permission_denied")


def test_django_403_under_the_api_stays_json():
    from django.core.exceptions import PermissionDenied

    response = errors.handler403(RequestFactory().get("/api/payments/"), PermissionDenied())
    _assert_api_error(response, 403, "permission_denied")


# --- 400 ------------------------------------------------------------------------------------------


def test_unknown_host_on_a_web_address_is_a_400_page(client):
    text = _assert_site_page(client.get(reverse("web:login"), HTTP_HOST="evil.example"), 400)
    assert "evil.example" not in text


def test_unknown_host_on_the_api_stays_a_json_400(client):
    _assert_api_error(client.get("/api/payments/", HTTP_HOST="evil.example"), 400, "bad_request")


# --- 500 ------------------------------------------------------------------------------------------


def test_crash_on_a_web_page_is_a_500_page_that_needs_no_database(supplier, monkeypatch, frozen_today):
    from codevance_api.web import selectors as web_selectors

    def crash(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(web_selectors, "supplier_overview", crash)
    client = Client(raise_request_exception=False)
    client.force_login(supplier.user)
    text = _assert_site_page(client.get(reverse("web:overview")), 500)
    assert "the database went away" not in text  # no internals shown
    assert "Log out" not in text  # rendered without the user, so without a query


def test_crash_on_the_api_stays_a_json_500(supplier, monkeypatch, frozen_today):
    from codevance_api.conftest import authenticated_client
    from codevance_api.payments import selectors

    def crash(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "request_log_list", crash)
    client = authenticated_client(supplier.user)
    client.raise_request_exception = False
    _assert_api_error(client.get("/api/logs/"), 500, "server_error")


def test_500_page_survives_a_broken_template(monkeypatch):
    def broken(name):
        raise RuntimeError("template engine down")

    monkeypatch.setattr(errors.loader, "get_template", broken)
    response = errors.handler500(RequestFactory().get("/supplier/"))
    assert response.status_code == 500 and b"<h1>" in response.content


# --- 429: throttled -------------------------------------------------------------------------------


def test_throttled_web_page_is_a_429_page_with_retry_after(supplier):
    request = RequestFactory().get("/supplier/")
    request.user = supplier.user
    response = _ThrottledPage.as_view()(request)
    assert response.status_code == 429 and response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "42"  # rounded up, never 0
    assert "Try again in 42 seconds" in " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_throttled_api_request_stays_a_json_429(operator_client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "writes": "1/min"}}
    operator_client.post("/api/anticipations/batch/", {}, format="json")
    response = operator_client.post("/api/anticipations/batch/", {}, format="json")
    _assert_api_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


# --- 429: locked-out login ------------------------------------------------------------------------


def _fail_web_logins(client, email, times, ip="203.0.113.30"):
    return [
        client.post(reverse("web:login"), {"username": email, "password": "wrong"}, REMOTE_ADDR=ip)
        for _ in range(times)
    ]


def test_locked_out_web_login_is_a_page_saying_when_to_retry(client, settings):
    user = UserFactory()
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        responses = _fail_web_logins(client, user.email, settings.AXES_FAILURE_LIMIT)
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    locked = responses[-1]
    text = _assert_site_page(locked, 429)
    wait = int(settings.AXES_COOLOFF_TIME.total_seconds())
    assert locked["Retry-After"] == str(wait)
    retry_at = format_datetime(now + timedelta(seconds=wait))  # in the page's language (core/money.py)
    assert f"You can try again in {wait // 60} minutes, at {retry_at}." in text


def test_locked_out_web_login_refuses_the_right_password_with_the_same_page(client, settings):
    user = UserFactory()
    _fail_web_logins(client, user.email, settings.AXES_FAILURE_LIMIT)
    response = client.post(
        reverse("web:login"), {"username": user.email, "password": DEFAULT_PASSWORD}, REMOTE_ADDR="203.0.113.30"
    )
    _assert_site_page(response, 429)
    assert "_auth_user_id" not in client.session


def test_lockout_without_a_cool_off_says_an_operator_lifts_it(client, settings):
    settings.AXES_COOLOFF_TIME = None
    user = UserFactory()
    response = _fail_web_logins(client, user.email, settings.AXES_FAILURE_LIMIT)[-1]
    text = _assert_site_page(response, 429)
    assert "Retry-After" not in response and "An operator can lift the lock" in text


def test_locked_out_api_login_stays_json(api_client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        api_client.post("/api/token/", {"email": user.email, "password": "wrong"}, format="json")
    response = api_client.post("/api/token/", {"email": user.email, "password": "wrong"}, format="json")
    _assert_api_error(response, 429, "locked_out")


def test_a_logged_in_user_keeps_the_navigation_on_error_pages(supplier):
    text = _assert_site_page(logged_in(supplier.user).get("/nothing/"), 404)
    assert "Payments" in text
