"""Constant SQL per request for the webhook endpoints' API, whatever the number of endpoints and deliveries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from codevance_api.webhooks.models import WebhookDelivery
from codevance_api.webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db


def _queries(call):
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code < 300, response.content
    return [query["sql"] for query in captured.captured_queries]


def _with_deliveries(endpoint, count):
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event="anticipation.approved",
                        event_id=f"0b6f2c1e-4f1e-4c55-8a34-{n:012d}", payload={"n": n})
        for n in range(count)
    )
    return endpoint


def test_the_endpoint_list_costs_the_same_for_one_and_fifty_endpoints(operator_client):
    WebhookEndpointFactory()
    one = _queries(lambda: operator_client.get("/api/webhooks/?page_size=100"))
    for _ in range(49):
        WebhookEndpointFactory()
    assert len(_queries(lambda: operator_client.get("/api/webhooks/?page_size=100"))) == len(one)


def test_a_change_costs_a_locked_read_and_one_update_whatever_the_deliveries(operator_client):
    small = _with_deliveries(WebhookEndpointFactory(), 1)
    large = _with_deliveries(WebhookEndpointFactory(), 50)
    body = {"url": "http://127.0.0.1:8/new", "events": ["budget.exhausted"], "active": False}
    one = _queries(lambda: operator_client.patch(f"/api/webhooks/{small.pk}/", body, format="json"))
    many = _queries(lambda: operator_client.patch(f"/api/webhooks/{large.pk}/", body, format="json"))
    assert len(one) == len(many) == EXPECTED_CHANGE
    assert sum("FOR UPDATE" in sql for sql in one) == (1 if connection.features.has_select_for_update else 0)
    assert sum(sql.startswith("UPDATE") for sql in one) == 1


def test_a_rotation_costs_a_locked_read_and_one_update_whatever_the_deliveries(operator_client):
    small = _with_deliveries(WebhookEndpointFactory(), 1)
    large = _with_deliveries(WebhookEndpointFactory(), 50)
    one = _queries(lambda: operator_client.post(f"/api/webhooks/{small.pk}/rotate-secret/", {}, format="json"))
    many = _queries(lambda: operator_client.post(f"/api/webhooks/{large.pk}/rotate-secret/", {}, format="json"))
    assert len(one) == len(many) == EXPECTED_ROTATION
    assert sum(sql.startswith("UPDATE") for sql in one) == 1


# Authentication (the user), the service's transaction (a savepoint inside the test's), the locked read of the
# endpoint, its UPDATE, its control-log row, the savepoint's release.
EXPECTED_CHANGE = 6
EXPECTED_ROTATION = 6
