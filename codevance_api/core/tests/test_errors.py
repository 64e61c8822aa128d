"""Every error path answers the one JSON error shape {"code", "message", "errors"?}."""

import json

import pytest
from django.test import RequestFactory
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from codevance_api.core import exceptions

pytestmark = pytest.mark.django_db


def _assert_error_shape(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json() if hasattr(response, "json") else json.loads(response.content)
    assert set(body) <= {"code", "message", "errors"}
    assert body["code"] == code and body["message"]
    return body


def test_method_not_offered_is_405_in_the_error_shape(supplier_client):
    _assert_error_shape(supplier_client.delete("/api/payments/"), 405, "method_not_allowed")


def test_body_that_is_not_json_is_415_in_the_error_shape(supplier_client):
    response = supplier_client.post("/api/anticipations/batch/", {"payments": "1"})
    _assert_error_shape(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("url", ["/api/payments/?format=xml", "/api/anticipations/?format=csv", "/api/logs/?format=x"])
def test_unknown_output_format_is_400_naming_the_parameter(supplier_client, url):
    body = _assert_error_shape(supplier_client.get(url), 400, "validation_error")
    assert "format" in body["errors"]


def test_csv_is_offered_on_reads_only(frozen_today, supplier_client):
    response = supplier_client.post("/api/payments/?format=csv", {"due_date": "2024-10-01", "value": "1.00"},
                                    format="json")
    body = _assert_error_shape(response, 400, "validation_error")
    assert "json" in body["errors"]["format"][0]


def test_missing_token_is_401_in_the_error_shape(api_client):
    response = api_client.get("/api/payments/quote/")
    _assert_error_shape(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_user_that_is_neither_operator_nor_supplier_is_403_in_the_error_shape(db):
    from codevance_api.accounts.tests.factories import UserFactory
    from codevance_api.conftest import authenticated_client

    client = authenticated_client(UserFactory())
    _assert_error_shape(client.get("/api/payments/1/quote/"), 403, "permission_denied")


class _AlwaysThrottled(BaseThrottle):
    def allow_request(self, request, view):
        return False

    def wait(self):
        return 42


class _ThrottledView(APIView):
    throttle_classes = [_AlwaysThrottled]

    def get(self, request):
        return Response({})


def test_throttled_request_is_429_in_the_error_shape_with_retry_after(operator):
    request = APIRequestFactory().get("/throttled/")
    force_authenticate(request, user=operator)
    response = _ThrottledView.as_view()(request).render()
    _assert_error_shape(response, 429, "throttled")
    assert response["Retry-After"] == "42"


@pytest.mark.parametrize(
    "handler, status, code",
    [
        (exceptions.handler400, 400, "bad_request"),
        (exceptions.handler403, 403, "permission_denied"),
        (exceptions.handler404, 404, "not_found"),
        (exceptions.handler500, 500, "server_error"),
    ],
)
def test_django_error_pages_answer_the_error_shape(handler, status, code):
    response = handler(RequestFactory().get("/anything/"))
    _assert_error_shape(response, status, code)


def test_unknown_host_is_a_json_400(client):
    response = client.get("/api/payments/", HTTP_HOST="evil.example")
    _assert_error_shape(response, 400, "bad_request")


def test_djangos_permission_denied_is_403_in_the_error_shape():
    from django.core.exceptions import PermissionDenied

    response = exceptions.exception_handler(PermissionDenied("not yours"), {})
    assert response.status_code == 403
    assert response.data["code"] == "permission_denied"
    assert "errors" not in response.data


@pytest.mark.parametrize("detail", [{}, {"payments": []}, {"payments": {}}, []])
def test_a_validation_error_without_a_message_still_says_the_input_is_invalid(detail):
    from rest_framework.exceptions import ValidationError

    response = exceptions.exception_handler(ValidationError(detail), {})
    assert response.status_code == 400
    assert response.data["code"] == "validation_error"
    assert response.data["message"] == "Invalid input."


def test_an_exception_outside_drf_is_left_to_django():
    assert exceptions.exception_handler(ValueError("boom"), {}) is None
