"""A query parameter read as one value may come once: repeated, it is a 400 naming it, on every API list and read."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from codevance_api.core.dates import today
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db

SCHEMA = yaml.safe_load((Path(__file__).resolve().parents[3] / "docs" / "openapi.yaml").read_text())


def _value(parameter) -> str:
    """A value of the kind the schema documents, so that only the repetition can be wrong."""
    schema = parameter.get("schema", {})
    if schema.get("type") == "array":
        schema = schema["items"]
    if "enum" in schema:
        return str(schema["enum"][0])
    if schema.get("format") == "date":
        return today().isoformat()
    if schema.get("type") == "integer":
        return "1"
    if "example" in schema:
        return str(schema["example"])
    if schema.get("format") == "decimal":
        return "10.00"
    return "x"


def _query_reads():
    """(path template, parameter) of every documented GET under /api/ that takes query parameters."""
    for path, operations in SCHEMA["paths"].items():
        get = operations.get("get")
        if not path.startswith("/api/") or not get:
            continue
        for parameter in get.get("parameters", []):
            if parameter["in"] == "query":
                yield pytest.param(path, parameter, id=f"{path}?{parameter['name']}")


def test_the_schema_has_the_lists_and_reads_this_test_walks():
    walked = {(path, parameter["name"]) for path, parameter in (p.values for p in _query_reads())}
    assert {("/api/payments/", "status"), ("/api/payments/", "page"), ("/api/payments/", "format"),
            ("/api/budgets/", "month"), ("/api/control-log/", "object_type"),
            ("/api/payments/{id}/quote/", "new_due_date")} <= walked


@pytest.mark.parametrize("path,parameter", list(_query_reads()))
def test_a_query_parameter_given_twice_is_a_400_naming_it(operator_client, path, parameter):
    payment = PaymentFactory()
    AnticipationFactory()
    url = re.sub(r"\{[^}]+\}", str(payment.pk), path)
    name, value = parameter["name"], _value(parameter)

    response = operator_client.get(f"{url}?{name}={value}&{name}={value}")

    assert response.status_code == 400, (url, name, response.content[:300])
    body = response.json()
    assert body["code"] == "validation_error"
    assert list(body["errors"]) == [name]
    assert "once" in body["errors"][name][0]


@pytest.mark.parametrize("query,expected", [("status=A&status=PC", None), ("status=A", 1), ("status=PC", 1)])
def test_two_status_filters_never_answer_the_last_ones_list(operator_client, query, expected):
    PaymentFactory(due_date=today() + timedelta(days=365))
    AnticipationFactory()

    response = operator_client.get(f"/api/payments/?{query}")

    if expected is None:
        assert response.status_code == 400 and "status" in response.json()["errors"]
    else:
        assert response.status_code == 200 and response.json()["count"] == expected


@pytest.mark.parametrize("path", ["/api/payments/", "/api/anticipations/", "/api/budgets/", "/api/auto-approval-rules/",
                                  "/api/control-log/", "/api/suppliers/", "/api/webhooks/", "/api/logs/",
                                  "/api/payments/{id}/", "/api/payments/{id}/quote/"])
@pytest.mark.parametrize("formats", [("json", "json"), ("csv", "json"), ("1", "2")])
def test_a_repeated_format_is_a_400_naming_it_on_every_endpoint(operator_client, path, formats):
    payment = PaymentFactory()
    url = path.replace("{id}", str(payment.pk))

    response = operator_client.get(f"{url}?format={formats[0]}&format={formats[1]}")

    assert response.status_code == 400, (url, response.content[:200])
    assert response.json()["errors"] == {"format": ["Give this parameter once; it came 2 times."]}
