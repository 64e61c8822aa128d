"""Parser limits (issue 13, point 3): every endpoint that reads a body answers a deeply nested or an
oversized one with a 4xx in the error shape, never a 500."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from codevance_api.conftest import authenticated_client
from codevance_api.core.parsers import MAX_JSON_DEPTH
from codevance_api.payments.tests.factories import AnticipationFactory

pytestmark = pytest.mark.django_db

DEEP = 50000
BOMBS = {
    "arrays": "[" * DEEP + "]" * DEEP,
    "objects": '{"a":' * DEEP + "1" + "}" * DEEP,
    "arrays in a field": '{"refresh": ' + "[" * DEEP + "]" * DEEP + "}",
    "unclosed arrays": "[" * DEEP,
    "mixed": '[{"a":' * (DEEP // 2) + "0" + "}]" * (DEEP // 2),
}


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def api_endpoints(anticipation_id):
    return [
        ("post", "/api/token/"),
        ("post", "/api/token/refresh/"),
        ("post", "/api/token/logout/"),
        ("post", "/api/payments/"),
        ("post", "/api/payments/quote/"),
        ("post", "/api/anticipations/"),
        ("post", "/api/anticipations/batch/"),
        ("patch", f"/api/anticipations/{anticipation_id}/"),
    ]


@pytest.fixture
def clients(operator, supplier):
    """An anonymous client, an operator's and a supplier's: the body must be refused for each."""
    return {"anonymous": Client(), "operator": authenticated_client(operator), "supplier": authenticated_client(
        supplier.user)}


def send(client, method, url, body, content_type="application/json"):
    return getattr(client, method)(url, data=body, content_type=content_type, REMOTE_ADDR="198.51.100.77")


@pytest.mark.parametrize("bomb", BOMBS, ids=BOMBS.keys())
def test_every_api_endpoint_answers_a_deeply_nested_body_with_400_parse_error(clients, bomb):
    anticipation = AnticipationFactory()
    for who, client in clients.items():
        for method, url in api_endpoints(anticipation.pk):
            response = send(client, method, url, BOMBS[bomb])
            if who == "anonymous" and not url.startswith("/api/token/"):
                assert response.status_code == 401, (who, method, url)  # authentication comes first
                continue
            if who == "supplier" and method == "patch":
                assert response.status_code == 403, (who, method, url)  # so does the operators-only rule
                continue
            assert response.status_code == 400, (who, method, url, response.content[:200])
            assert response.json()["code"] == "parse_error", (who, method, url)


def test_nesting_up_to_the_limit_is_parsed_and_one_level_more_is_refused(operator):
    client = authenticated_client(operator)
    at_limit = send(client, "post", "/api/anticipations/batch/", nested(MAX_JSON_DEPTH))
    assert at_limit.status_code == 400
    assert at_limit.json()["code"] == "validation_error"  # parsed: refused for its shape, not its nesting
    over = send(client, "post", "/api/anticipations/batch/", nested(MAX_JSON_DEPTH + 1))
    assert over.status_code == 400
    assert over.json()["code"] == "parse_error"
    assert str(MAX_JSON_DEPTH) in over.json()["message"]


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 500, 990, 1010, 5000])
def test_nesting_anywhere_past_the_limit_is_the_same_parse_error(api_client, depth):
    body = '{"refresh": ' + nested(depth) + "}"
    response = send(api_client, "post", "/api/token/refresh/", body)
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_an_oversized_api_body_is_refused_with_413(operator, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = authenticated_client(operator)
    body = '{"payments": [' + ",".join(["1"] * 600) + '], "new_due_date": "2024-09-20"}'
    assert len(body) > 1000
    for method, url in api_endpoints(1):
        response = send(client, method, url, body)
        assert response.status_code == 413, (method, url)
        assert response.json()["code"] == "request_too_large"


def test_an_oversized_token_request_is_refused_before_authentication(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"email": "' + "a" * 2000 + '@example.com", "password": "x"}'
    response = send(api_client, "post", "/api/token/", body)
    assert response.status_code == 413


def test_a_body_just_under_the_size_limit_is_parsed(operator, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"payments": [1], "new_due_date": "2024-09-20"}'
    body = body[:-1] + " " * (1000 - len(body)) + "}"
    assert len(body) == 1000
    response = send(authenticated_client(operator), "post", "/api/anticipations/batch/", body)
    assert response.status_code == 400
    assert response.json()["code"] != "request_too_large"


@pytest.mark.parametrize("body", ["\xff\xfe", "NaN", '{"a": Infinity}', '{"a": 1', "[1,]"])
def test_bodies_that_are_not_json_are_400_parse_error(api_client, body):
    response = send(api_client, "post", "/api/token/refresh/", body.encode("latin-1"))
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def web_endpoints(payment_id):
    return [
        ("post", reverse("web:login")),
        ("post", reverse("web:password_reset")),
        ("post", reverse("web:quote", args=[payment_id])),
        ("get", reverse("web:quote", args=[payment_id])),
        ("post", reverse("web:anticipate", args=[payment_id])),
        ("post", reverse("web:queue")),
    ]


@pytest.mark.parametrize("bomb", ["arrays", "objects"])
def test_the_web_area_answers_a_deeply_nested_json_body_with_a_4xx(supplier, operator, bomb):
    from codevance_api.payments.tests.factories import PaymentFactory

    payment = PaymentFactory(supplier=supplier)
    for user in (supplier.user, operator, None):
        client = Client()
        if user is not None:
            client.force_login(user)
        for method, url in web_endpoints(payment.pk):
            if method == "get":
                response = client.get(f"{url}?new_due_date={BOMBS[bomb]}")
            else:
                response = send(client, method, url, BOMBS[bomb])
            assert response.status_code < 500, (method, url, response.status_code)


def test_an_oversized_web_form_is_a_413(operator, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = Client()
    client.force_login(operator)
    for url in (reverse("web:login"), reverse("web:password_reset"), reverse("web:queue")):
        response = client.post(url, {"email": "a" * 2000, "username": "b" * 2000})
        assert response.status_code == 413, url
        # Outside the API, errors are pages in the site's look, not JSON.
        assert response["Content-Type"].startswith("text/html")
        assert "Request too large" in response.content.decode()


def test_too_many_query_parameters_are_a_400_naming_the_limit(supplier, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    client = authenticated_client(supplier.user)
    query = "&".join(f"status=A&x{n}=1" for n in range(60))
    response = client.get(f"/api/payments/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_fields"


def test_a_clients_oversized_request_is_logged_as_a_warning_without_a_traceback(supplier, settings, caplog):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = authenticated_client(supplier.user)
    with caplog.at_level(logging.INFO):
        assert client.get("/api/payments/?" + "&".join(f"x{n}=1" for n in range(60))).status_code == 400
        assert send(client, "post", "/api/payments/", '{"x": "' + "a" * 2000 + '"}').status_code == 413
    security = [r for r in caplog.records if r.name.startswith("django.security.")]
    assert {r.name for r in security} == {"django.security.TooManyFieldsSent", "django.security.RequestDataTooBig"}
    assert all(r.levelno == logging.WARNING and r.exc_info is None for r in security)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
