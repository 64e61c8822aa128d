"""The OpenAPI contract: served, identical to the committed docs/openapi.yaml, and complete."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from codevance_api.core.schema import URL_MAX_BYTES

COMMITTED_SCHEMA = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"
REGENERATE = "python manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml"
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def served_schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def test_served_schema_matches_the_committed_file(served_schema):
    committed = yaml.safe_load(COMMITTED_SCHEMA.read_text())
    assert served_schema == committed, f"docs/openapi.yaml is stale: regenerate it with `{REGENERATE}`"


def test_schema_documents_every_api_route(served_schema):
    assert set(served_schema["paths"]) == {
        "/api/token/",
        "/api/token/refresh/",
        "/api/token/logout/",
        "/api/payments/",
        "/api/payments/{id}/",
        "/api/payments/{id}/quote/",
        "/api/payments/quote/",
        "/api/anticipations/",
        "/api/anticipations/{id}/",
        "/api/anticipations/batch/",
        "/api/logs/",
        "/api/suppliers/",
        "/api/suppliers/me/",
        "/api/budgets/",
        "/api/budgets/{id}/",
        "/api/auto-approval-rules/",
        "/api/auto-approval-rules/{id}/",
        "/api/webhooks/",
        "/api/webhooks/{id}/",
        "/api/webhooks/{id}/rotate-secret/",
        "/api/control-log/",
    }


def test_every_operation_has_a_summary_a_description_and_a_success_example(served_schema):
    for name, operation in _operations(served_schema):
        assert operation.get("summary") and operation.get("description"), name
        success = [response for status, response in operation["responses"].items() if status.startswith("2")]
        assert success, name
        if all(status == "204" for status in operation["responses"] if status.startswith("2")):
            continue  # a 204 has no body to give an example of
        assert any(content.get("examples") for response in success for content in response["content"].values()), name


def test_every_error_response_has_the_one_error_shape(served_schema):
    for name, operation in _operations(served_schema):
        for status, response in operation["responses"].items():
            if int(status) >= 400 and status != "414":  # the web server's page, before the service (below)
                schema = response["content"]["application/json"]["schema"]
                assert schema["$ref"] in ("#/components/schemas/Error", "#/components/schemas/BatchError"), name
                assert response["content"]["application/json"]["examples"], name
    error = served_schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "message", "errors"}
    assert error["required"] == ["code", "message"]


def test_every_operation_documents_the_web_servers_414_for_a_url_it_does_not_take(served_schema):
    with open(Path(settings.BASE_DIR) / "gunicorn.conf.py") as config:
        assert f"limit_request_line = {URL_MAX_BYTES}" in config.read()
    for name, operation in _operations(served_schema):
        response = operation["responses"]["414"]
        assert list(response["content"]) == ["text/html"], name
        assert f"{URL_MAX_BYTES} bytes" in response["description"], name


def test_every_operation_documents_the_errors_it_can_answer(served_schema):
    for name, operation in _operations(served_schema):
        statuses = set(operation["responses"])
        if operation.get("security"):
            assert {"401", "403"} <= statuses, name
        if "requestBody" in operation:
            assert {"400", "415"} <= statuses, name
        if any(parameter["in"] == "path" for parameter in operation.get("parameters", [])):
            assert "404" in statuses, name
        if any(parameter["in"] == "query" for parameter in operation.get("parameters", [])):
            assert "400" in statuses, name


def test_api_operations_need_a_jwt_bearer(served_schema):
    assert served_schema["components"]["securitySchemes"]["jwtAuth"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT"
    }
    for name, operation in _operations(served_schema):
        if "/api/token/" not in name:
            assert operation["security"] == [{"jwtAuth": []}], name


def test_filters_are_documented_from_their_declarations(served_schema):
    parameters = {p["name"] for p in served_schema["paths"]["/api/payments/"]["get"]["parameters"]}
    assert {"status", "supplier", "due_date_after", "due_date_before", "value_min", "value_max", "ordering"} <= (
        parameters
    )


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_load_their_assets_from_the_project_not_a_cdn(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "/api/schema/" in html
    # Look at what the page loads, not at its whole text: a random token (CSRF, nonce) in the page
    # may contain "cdn" by chance, which made this test flaky.
    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert assets
    assert not [url for url in assets if "://" in url or url.startswith("//") or "cdn" in url.lower()]


LISTS = ["/api/payments/", "/api/anticipations/", "/api/logs/"]


@pytest.mark.parametrize("path", LISTS)
def test_lists_document_numbered_pages_and_the_opt_in_cursor(served_schema, path):
    parameters = {p["name"]: p for p in served_schema["paths"][path]["get"]["parameters"]}
    assert parameters["page"]["schema"] == {"type": "integer", "minimum": 1}
    assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1}
    assert "served as 100" in parameters["page_size"]["description"]
    assert parameters["pagination"]["schema"]["enum"] == ["page", "cursor"]
    assert parameters["cursor"]["schema"] == {"type": "string"}


@pytest.mark.parametrize("path", LISTS)
def test_list_pages_document_an_integer_count(served_schema, path):
    response = served_schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    page = served_schema["components"]["schemas"][response["$ref"].split("/")[-1]]
    assert page["properties"]["count"]["type"] == "integer"
    assert not page["properties"]["count"].get("nullable")
    assert set(page["required"]) == {"count", "next", "previous", "results"}


@pytest.mark.parametrize("schema_name, field", [
    ("Payment", "creation_date"), ("Anticipation", "creation_date"), ("Anticipation", "update_date"),
    ("RequestLog", "created_at"), ("Payment", "due_date"), ("Anticipation", "new_due_date"),
])
def test_documented_dates_are_dates_and_the_moments_date_times(served_schema, schema_name, field):
    schemas = served_schema["components"]["schemas"]
    name = next(n for n in schemas if n in (schema_name, f"{schema_name}Output"))
    properties = schemas[name]["properties"]
    assert properties[field]["format"] == "date"
    moments = {"Payment": ["created_at"], "Anticipation": ["created_at", "updated_at"], "RequestLog": ["timestamp"]}
    assert all(properties[moment]["format"] == "date-time" for moment in moments[schema_name])
