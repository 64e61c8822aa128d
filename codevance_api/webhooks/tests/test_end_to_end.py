"""End to end against a real HTTP receiver (a server thread): the API request, the signed delivery, retries,
failure, "send again", the broker down, and the address checked again at delivery time."""

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from codevance_api.payments.tests.factories import PaymentFactory
from codevance_api.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint, WebhookEvent
from codevance_api.webhooks.services import webhook_deliver, webhooks_dispatch, webhooks_send_again
from codevance_api.webhooks.tasks import deliver_webhook
from codevance_api.webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[3] / "docs" / "notifications.md"


def _documented_verifier():
    """The receiver's verification code, exactly as docs/notifications.md shows it."""
    text = DOCS.read_text()
    section = text[text.index("## Verifying a webhook"):]
    code = re.search(r"```python\n(.*?)```", section, flags=re.DOTALL).group(1)
    namespace = {}
    exec(compile(code, str(DOCS), "exec"), namespace)  # nosec B102 - our own documentation's example
    return namespace["verify_codevance_signature"]


verify = _documented_verifier()


def _request_anticipation(client, supplier, today, capture):
    payment = PaymentFactory(supplier=supplier, due_date=today + timedelta(days=30))
    with capture(execute=True):
        response = client.post("/api/anticipations/", {"payment": payment.pk, "new_due_date": str(today)},
                               format="json")
    assert response.status_code == 201
    return response.json()


def test_a_request_and_its_approval_reach_the_receiver_signed(
    frozen_today, receiver, operator_client, supplier, supplier_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registered = operator_client.post(
            "/api/webhooks/", {"url": receiver.url(), "events": ["anticipation.requested", "anticipation.approved"]},
            format="json",
        ).json()
    anticipation = _request_anticipation(supplier_client, supplier, frozen_today, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        operator_client.patch(f"/api/anticipations/{anticipation['id']}/", {"status": "A", "reason": "Fine"},
                              format="json")

    assert [r["path"] for r in receiver.requests] == ["/hooks/codevance"] * 2
    for received in receiver.requests:
        assert verify(received["body"], received["headers"]["Codevance-Signature"], registered["secret"])
        assert not verify(received["body"], received["headers"]["Codevance-Signature"], "whsec_wrong")
        assert not verify(received["body"] + b" ", received["headers"]["Codevance-Signature"], registered["secret"])
        assert received["headers"]["Content-Type"] == "application/json"
    requested, approved = (json.loads(r["body"]) for r in receiver.requests)
    assert (requested["type"], approved["type"]) == ("anticipation.requested", "anticipation.approved")
    assert requested["data"]["anticipation"] == anticipation
    assert approved["data"]["anticipation"]["status"] == "A" and approved["data"]["reason"] == "Fine"
    assert receiver.requests[1]["headers"]["Codevance-Event"] == "anticipation.approved"
    assert set(WebhookDelivery.objects.values_list("state", "attempts", "last_response_code")) == {("sent", 1, 200)}


def test_the_signature_header_has_stripes_shape_and_an_old_one_is_refused(frozen_today, receiver):
    endpoint = WebhookEndpointFactory(url=receiver.url())
    delivery = _delivery(endpoint)
    webhook_deliver(delivery_id=delivery.pk)
    received = receiver.requests[0]
    header = received["headers"]["Codevance-Signature"]
    assert re.fullmatch(r"t=\d+,v1=[0-9a-f]{64}", header)
    assert int(header[2:header.index(",")]) == int(timezone.now().timestamp())
    assert not verify(received["body"], header, endpoint.secret, tolerance=-1)  # too old for the receiver


def _delivery(endpoint, event=WebhookEvent.ANTICIPATION_APPROVED):
    return WebhookDelivery.objects.create(
        endpoint=endpoint, event=event, event_id="0b6f2c1e-4f1e-4c55-8a34-6f6a3c2b1d00", payload={"n": 1}
    )


def test_a_receiver_failing_then_recovering_gets_the_delivery_once(frozen_today, receiver, fast_webhook_retries):
    receiver.script = [500, 503]
    endpoint = WebhookEndpointFactory(url=receiver.url())
    delivery = _delivery(endpoint)

    first = webhook_deliver(delivery_id=delivery.pk)
    assert first.outcome == "retry" and 0.5 <= first.retry_in <= 1  # base 1 s, half fixed, half jitter
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_response_code) == ("pending", 1, 500)
    assert delivery.last_error.startswith("DeliveryRefused: HTTP 500")
    assert delivery.next_attempt_at > timezone.now()

    second = webhook_deliver(delivery_id=delivery.pk)
    assert second.outcome == "retry" and 1 <= second.retry_in <= 2  # doubled
    assert webhook_deliver(delivery_id=delivery.pk).outcome == "sent"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_response_code) == ("sent", 3, 200)
    assert len(receiver.requests) == 3
    assert len({r["body"] for r in receiver.requests}) == 1  # the same body at every attempt
    assert webhook_deliver(delivery_id=delivery.pk).outcome == "skipped"  # a redelivered message
    assert len(receiver.requests) == 3


def test_the_celery_task_retries_until_the_receiver_recovers(frozen_today, receiver, fast_webhook_retries):
    receiver.script = [500]
    endpoint = WebhookEndpointFactory(url=receiver.url())
    delivery = _delivery(endpoint)
    deliver_webhook.apply_async(args=[delivery.pk])  # eager (no broker): the retry runs at once
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 2)


def test_a_receiver_down_for_good_fails_after_the_last_attempt_and_can_be_sent_again(
    frozen_today, receiver, fast_webhook_retries, django_capture_on_commit_callbacks
):
    receiver.script = [500, 500, 500]
    endpoint = WebhookEndpointFactory(url=receiver.url())
    delivery = _delivery(endpoint)
    outcomes = [webhook_deliver(delivery_id=delivery.pk).outcome for _ in range(3)]
    assert outcomes == ["retry", "retry", "failed"]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_response_code) == ("failed", 3, 500)
    assert webhook_deliver(delivery_id=delivery.pk).outcome == "skipped"

    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks_send_again(delivery_ids=[delivery.pk]) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 1)
    assert len(receiver.requests) == 4


def test_a_redirect_is_not_followed(frozen_today, receiver, fast_webhook_retries):
    receiver.script = [302]
    delivery = _delivery(WebhookEndpointFactory(url=receiver.url()))
    assert webhook_deliver(delivery_id=delivery.pk).outcome == "retry"
    delivery.refresh_from_db()
    assert delivery.last_response_code == 302
    assert len(receiver.requests) == 1


def test_an_unreachable_receiver_is_a_retry(frozen_today, receiver, fast_webhook_retries):
    url = receiver.url()
    receiver.server.shutdown()
    receiver.server.server_close()  # nothing listens on the port any more
    delivery = _delivery(WebhookEndpointFactory(url=url))
    assert webhook_deliver(delivery_id=delivery.pk).outcome == "retry"
    delivery.refresh_from_db()
    assert delivery.last_response_code is None and "refused" in delivery.last_error.lower()


def test_deliveries_wait_out_a_broker_outage_then_the_dispatcher_sends_them(
    frozen_today, receiver, monkeypatch, supplier, supplier_client, django_capture_on_commit_callbacks
):
    WebhookEndpointFactory(url=receiver.url())

    def broker_down(*args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    with monkeypatch.context() as patched:
        patched.setattr("codevance_api.webhooks.tasks.deliver_webhook.apply_async", broker_down)
        _request_anticipation(supplier_client, supplier, frozen_today, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.handed_over, receiver.requests) == ("pending", False, [])
    assert webhooks_dispatch() == 1  # the broker is back: the next run hands it over at once
    delivery.refresh_from_db()
    assert (delivery.state, delivery.handed_over) == ("sent", True)
    assert len(receiver.requests) == 1


def test_paused_deliveries_stay_pending_until_resumed(frozen_today, receiver, settings):
    settings.WEBHOOKS_DELIVERY_PAUSED = True
    delivery = _delivery(WebhookEndpointFactory(url=receiver.url()))
    assert webhook_deliver(delivery_id=delivery.pk).outcome == "skipped"
    assert webhooks_dispatch() == 0
    settings.WEBHOOKS_DELIVERY_PAUSED = False
    assert webhooks_dispatch() == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT


def test_a_deactivated_endpoint_fails_its_pending_deliveries(frozen_today, receiver):
    endpoint = WebhookEndpointFactory(url=receiver.url())
    delivery = _delivery(endpoint)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
    assert webhook_deliver(delivery_id=delivery.pk).outcome == "failed"
    assert receiver.requests == []


def test_delivery_connects_to_the_checked_address_and_sends_the_host_name(frozen_today, receiver, fake_dns):
    fake_dns({"receiver.example.test": ["127.0.0.1"]})
    delivery = _delivery(WebhookEndpointFactory(url=f"http://receiver.example.test:{receiver.port}/in?x=1"))
    assert webhook_deliver(delivery_id=delivery.pk).outcome == "sent"
    (received,) = receiver.requests
    assert received["path"] == "/in?x=1"
    assert received["headers"]["Host"] == f"receiver.example.test:{receiver.port}"


def test_a_host_that_now_resolves_to_a_private_address_is_not_contacted(
    frozen_today, fake_dns, production_addresses, monkeypatch, fast_webhook_retries
):
    """DNS rebinding: public at registration, private at delivery time; the check runs again and no
    connection is made."""
    fake_dns({"hooks.example.com": ["93.184.216.34"]})
    endpoint = WebhookEndpointFactory(url="https://hooks.example.com/in")
    fake_dns({"hooks.example.com": ["10.0.0.7"]})

    def no_connection(*args, **kwargs):
        raise AssertionError("a refused address must never be contacted")

    monkeypatch.setattr("codevance_api.webhooks.services._post", no_connection)
    delivery = _delivery(endpoint)
    assert webhook_deliver(delivery_id=delivery.pk).outcome == "retry"
    delivery.refresh_from_db()
    assert "10.0.0.7" in delivery.last_error and "not a public address" in delivery.last_error


def test_dispatch_command_sends_overdue_deliveries(frozen_today, receiver, capsys):
    from django.core.management import call_command

    delivery = _delivery(WebhookEndpointFactory(url=receiver.url()))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        handed_over=True, next_attempt_at=timezone.now() - timedelta(seconds=30)
    )
    call_command("dispatch_webhooks")
    assert "0 webhook deliveries enqueued." in capsys.readouterr().out
    call_command("dispatch_webhooks", "--older-than", "10")
    assert "1 webhook delivery enqueued." in capsys.readouterr().out
    assert len(receiver.requests) == 1


def test_during_a_rotation_deliveries_carry_both_signatures_and_the_documented_receiver_takes_either(
    frozen_today, receiver, operator_client
):
    endpoint = WebhookEndpointFactory(url=receiver.url())
    old_secret = endpoint.secret
    new_secret = operator_client.post(f"/api/webhooks/{endpoint.pk}/rotate-secret/", {"expire_previous_in": 3600},
                                      format="json").json()["secret"]
    webhook_deliver(delivery_id=_delivery(endpoint).pk)

    received = receiver.requests[0]
    header = received["headers"]["Codevance-Signature"]
    assert re.fullmatch(r"t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}", header)
    # A receiver still holding the old secret, one that switched already, and a stranger.
    assert verify(received["body"], header, old_secret)
    assert verify(received["body"], header, new_secret)
    assert not verify(received["body"], header, "whsec_wrong")
    assert header.index(_mac(new_secret, header, received["body"])) < header.index(
        _mac(old_secret, header, received["body"])
    )


def _mac(secret, header, body):
    import hashlib
    import hmac

    timestamp = header.split(",")[0][2:]
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def test_once_the_old_secret_expires_deliveries_carry_only_the_new_signature(
    frozen_today, receiver, operator_client
):
    import time_machine

    endpoint = WebhookEndpointFactory(url=receiver.url())
    old_secret = endpoint.secret
    new_secret = operator_client.post(f"/api/webhooks/{endpoint.pk}/rotate-secret/",
                                      {"expire_previous_in": 60}, format="json").json()["secret"]
    with time_machine.travel(timezone.now() + timedelta(seconds=60), tick=False):  # the end is exclusive
        webhook_deliver(delivery_id=_delivery(endpoint).pk)
        received = receiver.requests[0]
        header = received["headers"]["Codevance-Signature"]
        assert re.fullmatch(r"t=\d+,v1=[0-9a-f]{64}", header)
        assert verify(received["body"], header, new_secret)
        assert not verify(received["body"], header, old_secret)


def test_a_rotation_without_grace_signs_the_next_delivery_with_the_new_secret_only(
    frozen_today, receiver, operator_client
):
    endpoint = WebhookEndpointFactory(url=receiver.url())
    new_secret = operator_client.post(f"/api/webhooks/{endpoint.pk}/rotate-secret/", {"expire_previous_in": 0},
                                      format="json").json()["secret"]
    webhook_deliver(delivery_id=_delivery(endpoint).pk)
    received = receiver.requests[0]
    assert verify(received["body"], received["headers"]["Codevance-Signature"], new_secret)
    assert not verify(received["body"], received["headers"]["Codevance-Signature"], endpoint.secret)
