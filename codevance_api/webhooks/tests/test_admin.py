"""The admin: operators register endpoints, see deliveries and send them again."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from codevance_api.webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client):
    # An operator as it works in the admin: staff with the operators' group, not a superuser.
    client.force_login(UserFactory(is_operator=True, is_staff=True))
    return client


def _delivery(endpoint, **kwargs):
    return WebhookDelivery.objects.create(
        endpoint=endpoint, event="anticipation.approved", event_id="0b6f2c1e-4f1e-4c55-8a34-6f6a3c2b1d00",
        payload={"n": 1}, **kwargs,
    )


def test_an_operator_registers_an_endpoint_in_the_admin_and_gets_a_secret(admin_client_, receiver):
    response = admin_client_.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {"url": receiver.url(), "events": ["anticipation.approved", "budget.exhausted"], "active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.startswith("whsec_") and endpoint.events == ["anticipation.approved", "budget.exhausted"]
    assert response["Location"] == reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk])
    change = admin_client_.get(response["Location"])
    assert endpoint.secret in change.content.decode()


def test_the_admin_shows_a_new_secret_once_then_only_its_last_characters(admin_client_, receiver):
    response = admin_client_.post(
        reverse("admin:webhooks_webhookendpoint_add"), {"url": receiver.url(), "events": ["anticipation.approved"]}
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret not in str(dict(admin_client_.session))  # the session holds the id, not the secret
    first = admin_client_.get(response["Location"]).content.decode()
    again = admin_client_.get(response["Location"]).content.decode()
    assert endpoint.secret in first and "shows it once" in first
    assert endpoint.secret not in again and f"…{endpoint.secret[-4:]}" in again


def test_an_existing_endpoints_page_never_shows_its_secret(admin_client_):
    endpoint = WebhookEndpointFactory()
    page = admin_client_.get(reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk])).content.decode()
    assert endpoint.secret not in page and f"…{endpoint.secret[-4:]}" in page


@pytest.mark.parametrize("url", ["http://10.0.0.1/hook", "http://169.254.169.254/", "ftp://127.0.0.1/"])
def test_the_admin_refuses_a_url_the_api_refuses(admin_client_, url):
    response = admin_client_.post(
        reverse("admin:webhooks_webhookendpoint_add"), {"url": url, "events": ["anticipation.approved"]}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_an_operator_switches_an_endpoint_off_and_cannot_delete_it(admin_client_):
    endpoint = WebhookEndpointFactory()
    response = admin_client_.post(
        reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]),
        {"url": endpoint.url, "events": ["anticipation.denied"]},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.active, endpoint.events) == (False, ["anticipation.denied"])
    assert admin_client_.get(reverse("admin:webhooks_webhookendpoint_delete", args=[endpoint.pk])).status_code == 403


def test_the_delivery_list_shows_state_attempts_answer_and_error(admin_client_):
    _delivery(WebhookEndpointFactory(), state=DeliveryState.FAILED, attempts=8, last_response_code=503,
              last_error="DeliveryRefused: HTTP 503: busy")
    page = admin_client_.get(reverse("admin:webhooks_webhookdelivery_changelist")).content.decode()
    for text in ("Failed", "DeliveryRefused: HTTP 503: busy", '<td class="field-attempts">8</td>', "503"):
        assert text in page


def test_send_again_delivers_failed_deliveries_and_leaves_pending_ones(
    frozen_today, admin_client_, receiver, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpointFactory(url=receiver.url())
    failed = _delivery(endpoint, state=DeliveryState.FAILED, attempts=8, last_error="timeout")
    pending = WebhookDelivery.objects.create(endpoint=endpoint, event="anticipation.denied",
                                             event_id="1b6f2c1e-4f1e-4c55-8a34-6f6a3c2b1d00", payload={})
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(
            reverse("admin:webhooks_webhookdelivery_changelist"),
            {"action": "send_again", "_selected_action": [failed.pk, pending.pk]},
            follow=True,
        )
    page = response.content.decode()
    assert "1 delivery will be sent again." in page
    assert "1 selected delivery was pending and was left alone." in page
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (DeliveryState.SENT, 1)
    assert len(receiver.requests) == 1


def test_rotate_secret_shows_the_new_secret_once_on_its_own_page(frozen_today, admin_client_):
    endpoint = WebhookEndpointFactory()
    response = admin_client_.post(
        reverse("admin:webhooks_webhookendpoint_changelist"),
        {"action": "rotate_secret", "_selected_action": [endpoint.pk]},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    rotated = WebhookEndpoint.objects.get()
    page = response.content.decode()
    assert rotated.secret != endpoint.secret and rotated.secret in page
    assert endpoint.secret not in page  # the replaced secret is never shown
    assert rotated.previous_secret == endpoint.secret
    assert rotated.previous_secret_expires_at == timezone.now() + timedelta(hours=24)
    changelist = admin_client_.get(reverse("admin:webhooks_webhookendpoint_changelist")).content.decode()
    assert rotated.secret not in changelist and "whsec_" not in changelist


def test_rotate_secret_refuses_more_than_ten_endpoints_and_changes_none(admin_client_):
    endpoints = [WebhookEndpointFactory() for _ in range(11)]
    response = admin_client_.post(
        reverse("admin:webhooks_webhookendpoint_changelist"),
        {"action": "rotate_secret", "_selected_action": [e.pk for e in endpoints]},
        follow=True,
    )
    assert "Select at most 10 endpoints at a time; no secret was changed." in response.content.decode()
    assert set(WebhookEndpoint.objects.values_list("previous_secret", flat=True)) == {""}


def test_staff_who_are_not_operators_cannot_rotate_secrets(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    endpoint = WebhookEndpointFactory()
    client.post(reverse("admin:webhooks_webhookendpoint_changelist"),
                {"action": "rotate_secret", "_selected_action": [endpoint.pk]})
    assert WebhookEndpoint.objects.get().secret == endpoint.secret


def test_the_change_form_goes_through_the_update_service(admin_client_, monkeypatch):
    from codevance_api.webhooks import admin as webhooks_admin
    from codevance_api.webhooks import services

    calls = []

    def spy(**kwargs):
        calls.append(kwargs)
        return services.webhook_endpoint_update(**kwargs)

    monkeypatch.setattr(webhooks_admin, "webhook_endpoint_update", spy)
    endpoint = WebhookEndpointFactory(events=["budget.exhausted"])
    response = admin_client_.post(
        reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]),
        {"url": endpoint.url, "events": ["anticipation.denied"], "active": "on"},
    )
    assert response.status_code == 302
    assert [(call["endpoint_id"], call.get("events"), "url" in call) for call in calls] == [
        (endpoint.pk, ["anticipation.denied"], False)
    ]
    assert WebhookEndpoint.objects.get().events == ["anticipation.denied"]


def test_send_again_counts_use_plural_forms_in_portuguese(
    frozen_today, client, receiver, django_capture_on_commit_callbacks
):
    user = UserFactory(is_operator=True, is_staff=True)
    client.force_login(user)
    endpoint = WebhookEndpointFactory(url=receiver.url())
    failed = [
        _delivery(endpoint, state=DeliveryState.FAILED, attempts=8, last_error="timeout"),
        WebhookDelivery.objects.create(endpoint=endpoint, event="anticipation.denied", state=DeliveryState.FAILED,
                                       event_id="2b6f2c1e-4f1e-4c55-8a34-6f6a3c2b1d00", payload={}),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:webhooks_webhookdelivery_changelist"),
            {"action": "send_again", "_selected_action": [d.pk for d in failed]},
            follow=True, HTTP_ACCEPT_LANGUAGE="pt-br",
        )
    assert "2 entregas serão enviadas novamente." in response.content.decode()


@pytest.mark.parametrize("step", ["add", "change"])
def test_a_url_whose_dns_answer_turns_private_after_the_form_check_is_refused_with_a_message_not_a_500(
    admin_client_, monkeypatch, step
):
    from codevance_api.core.errors import ValidationFailed
    from codevance_api.webhooks import addresses

    real, calls = addresses.resolve, []

    def public_then_private(url):
        calls.append(url)
        if len(calls) > 1:  # the service's own check, after the form's
            raise ValidationFailed("The host now resolves to 10.0.0.7.", field="url", code="url_not_allowed")
        return real(url)

    endpoint = WebhookEndpointFactory(url="http://127.0.0.1:8/old", events=["anticipation.approved"])
    monkeypatch.setattr(addresses, "resolve", public_then_private)
    body = {"url": "http://127.0.0.1:8/new", "events": ["anticipation.denied"], "active": "on"}
    path = (reverse("admin:webhooks_webhookendpoint_add") if step == "add"
            else reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]))

    response = admin_client_.post(path, body, follow=True)

    assert response.status_code == 200
    assert "The host now resolves to 10.0.0.7." in response.content.decode()
    assert list(WebhookEndpoint.objects.values_list("url", "events")) == [
        ("http://127.0.0.1:8/old", ["anticipation.approved"])
    ]
