"""End to end over HTTPS: a local TLS receiver with a certificate made at test time (its own CA, trusted
through WEBHOOKS_CA_BUNDLE), registered as https://localhost:<port>/. The delivery connects to the address
the SSRF check resolved, sends SNI and Host = the URL's host, and verifies the certificate against that
name; a certificate for another name is a recorded TLS error and a retry."""

import pytest

from codevance_api.webhooks import services
from codevance_api.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from codevance_api.webhooks.services import webhook_deliver
from codevance_api.webhooks.tests.factories import WebhookEndpointFactory
from codevance_api.webhooks.tests.test_end_to_end import verify

pytestmark = pytest.mark.django_db


def _delivery(endpoint):
    return WebhookDelivery.objects.create(
        endpoint=endpoint, event="anticipation.approved", event_id="0b6f2c1e-4f1e-4c55-8a34-6f6a3c2b1d00",
        payload={"n": 1},
    )


def test_an_https_delivery_sends_sni_and_host_and_is_signed(tls_receiver_for, monkeypatch, operator_client):
    receiver = tls_receiver_for("localhost")
    resolved = []
    real_resolve = services.addresses.resolve

    def recording_resolve(url):
        target = real_resolve(url)
        resolved.append(target)
        return target

    monkeypatch.setattr(services.addresses, "resolve", recording_resolve)
    registered = operator_client.post(
        "/api/webhooks/", {"url": receiver.url(), "events": ["anticipation.approved"]}, format="json"
    )
    assert registered.status_code == 201, registered.content
    endpoint = WebhookEndpoint.objects.get()
    delivery = _delivery(endpoint)

    assert webhook_deliver(delivery_id=delivery.pk).outcome == "sent"

    (received,) = receiver.requests
    assert receiver.server_names == ["localhost"]  # SNI: the URL's host, not the address connected to
    assert resolved[-1].ip == "127.0.0.1"  # the address the check resolved is the one connected to
    assert received["headers"]["Host"] == f"localhost:{receiver.port}"
    assert received["path"] == "/hooks/codevance"
    assert verify(received["body"], received["headers"]["Codevance-Signature"], registered.json()["secret"])
    delivery.refresh_from_db()
    assert (delivery.state, delivery.last_response_code) == (DeliveryState.SENT, 200)


def test_an_https_delivery_connects_to_the_checked_address_not_a_new_lookup(tls_receiver_for, monkeypatch):
    """Only the SSRF check resolves the host: the connection itself never looks the name up again."""
    receiver = tls_receiver_for("localhost")
    delivery = _delivery(WebhookEndpointFactory(url=receiver.url()))
    looked_up = []
    real_getaddrinfo = services.addresses.socket.getaddrinfo  # fake_dns's

    def recording(host, *args, **kwargs):
        looked_up.append(host)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr("codevance_api.webhooks.addresses.socket.getaddrinfo", recording)
    monkeypatch.setattr("urllib3.util.connection.socket.getaddrinfo", recording)
    assert webhook_deliver(delivery_id=delivery.pk).outcome == "sent"
    assert looked_up.count("localhost") == 1 and "127.0.0.1" in looked_up
    assert receiver.server_names == ["localhost"]


def test_a_certificate_for_another_host_is_a_recorded_tls_error_and_a_retry(
    tls_receiver_for, fast_webhook_retries
):
    receiver = tls_receiver_for("other.example")
    delivery = _delivery(WebhookEndpointFactory(url=receiver.url()))

    assert webhook_deliver(delivery_id=delivery.pk).outcome == "retry"

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_response_code) == (DeliveryState.PENDING, 1, None)
    assert delivery.last_error.startswith("SSLError") and "doesn't match 'other.example'" in delivery.last_error
    assert receiver.requests == []  # nothing was sent to a receiver that is not the host


def test_a_certificate_from_an_untrusted_authority_is_a_retry(tls_receiver_for, settings,
                                                              fast_webhook_retries):
    receiver = tls_receiver_for("localhost")
    settings.WEBHOOKS_CA_BUNDLE = ""  # certifi's public roots: the test CA is not among them
    delivery = _delivery(WebhookEndpointFactory(url=receiver.url()))
    assert webhook_deliver(delivery_id=delivery.pk).outcome == "retry"
    delivery.refresh_from_db()
    assert "CERTIFICATE_VERIFY_FAILED" in delivery.last_error
    assert receiver.requests == []
