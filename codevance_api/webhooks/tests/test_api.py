"""/api/webhooks/: operators register, list, show and delete endpoints."""

import pytest

from codevance_api.webhooks.models import WebhookDelivery, WebhookEndpoint
from codevance_api.webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db

EVENTS = ["anticipation.approved", "anticipation.denied"]


def test_a_supplier_cannot_register_list_or_delete_endpoints(supplier_client):
    endpoint = WebhookEndpointFactory()
    assert supplier_client.post("/api/webhooks/", {"url": "http://127.0.0.1:9/", "events": EVENTS},
                                format="json").json()["code"] == "operators_only"
    assert supplier_client.get("/api/webhooks/").status_code == 403
    assert supplier_client.get(f"/api/webhooks/{endpoint.pk}/").status_code == 403
    assert supplier_client.delete(f"/api/webhooks/{endpoint.pk}/").status_code == 403
    assert WebhookEndpoint.objects.count() == 1


def test_an_anonymous_caller_gets_401(api_client):
    assert api_client.get("/api/webhooks/").status_code == 401


@pytest.mark.parametrize(
    "body, field, code",
    [
        ({"url": "http://127.0.0.1:9/", "events": []}, "events", None),
        ({"url": "http://127.0.0.1:9/", "events": ["payment.created"]}, "events", None),
        ({"url": "http://127.0.0.1:9/", "events": ["anticipation.approved", "anticipation.approved"]}, "events",
         "duplicate"),
        ({"url": "http://127.0.0.1:9/"}, "events", None),
        ({"events": EVENTS}, "url", None),
        ({"url": "http://10.0.0.1/hook", "events": EVENTS}, "url", "url_not_allowed"),
        ({"url": "http://169.254.169.254/latest/meta-data/", "events": EVENTS}, "url", "url_not_allowed"),
        ({"url": "https://no-such-host.example.com/hook", "events": EVENTS}, "url", "url_unresolvable"),
        ({"url": "http://127.0.0.1:9/", "events": EVENTS, "secret": "mine"}, "secret", None),
    ],
)
def test_bad_registrations_are_400s_naming_the_field(operator_client, fake_dns, body, field, code):
    response = operator_client.post("/api/webhooks/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    if code:
        assert response.json()["code"] == code
    assert not WebhookEndpoint.objects.exists()


def test_production_refuses_an_http_url(operator_client, production_addresses):
    response = operator_client.post("/api/webhooks/", {"url": "http://127.0.0.1:9/", "events": EVENTS},
                                    format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "url_not_allowed"


def test_registration_answers_the_secret_once(operator, operator_client):
    created = operator_client.post("/api/webhooks/", {"url": "http://127.0.0.1:9/hooks", "events": EVENTS},
                                   format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 40
    assert body["events"] == EVENTS and body["active"] is True and body["created_by"] == operator.pk
    shown = operator_client.get(f"/api/webhooks/{body['id']}/").json()
    listed = operator_client.get("/api/webhooks/").json()["results"]
    assert "secret" not in shown and all("secret" not in row for row in listed)
    assert shown["url"] == "http://127.0.0.1:9/hooks"


def test_two_endpoints_get_different_secrets(operator_client):
    secrets = {
        operator_client.post("/api/webhooks/", {"url": "http://127.0.0.1:9/", "events": EVENTS},
                             format="json").json()["secret"]
        for _ in range(2)
    }
    assert len(secrets) == 2


def test_a_registration_sent_again_with_its_key_registers_one_endpoint_with_one_secret(operator_client):
    body = {"url": "http://127.0.0.1:9/hooks", "events": EVENTS}
    first = operator_client.post("/api/webhooks/", body, format="json", HTTP_IDEMPOTENCY_KEY="register-1")
    again = operator_client.post("/api/webhooks/", body, format="json", HTTP_IDEMPOTENCY_KEY="register-1")
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert WebhookEndpoint.objects.count() == 1


def test_delete_removes_the_endpoint_and_its_deliveries(operator_client):
    endpoint = WebhookEndpointFactory()
    WebhookDelivery.objects.create(endpoint=endpoint, event="anticipation.approved",
                                   event_id="0b6f2c1e-4f1e-4c55-8a34-6f6a3c2b1d00", payload={})
    assert operator_client.delete(f"/api/webhooks/{endpoint.pk}/").status_code == 204
    assert not WebhookEndpoint.objects.exists() and not WebhookDelivery.objects.exists()
    assert operator_client.delete(f"/api/webhooks/{endpoint.pk}/").status_code == 404
    assert operator_client.get(f"/api/webhooks/{endpoint.pk}/").status_code == 404


@pytest.mark.parametrize(
    "body", [{}, {"url": "x"}, {"url": "http://127.0.0.1:9/h", "events": ["anticipation.approved"]}]
)
def test_a_supplier_is_refused_before_the_body_is_validated(supplier_client, body):
    response = supplier_client.post("/api/webhooks/", body, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "operators_only"


def test_a_supplier_learns_nothing_of_the_form_from_options_or_malformed_json(supplier_client):
    assert supplier_client.options("/api/webhooks/").status_code == 403
    response = supplier_client.generic("POST", "/api/webhooks/", "{not json", content_type="application/json")
    assert response.status_code == 403
