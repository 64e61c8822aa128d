"""Registering, changing and deleting a webhook endpoint writes one control-log row each, never the secret."""

import json

import pytest
from django.urls import reverse

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.control_log.models import ControlChange
from codevance_api.core.errors import ApplicationError
from codevance_api.webhooks import services
from codevance_api.webhooks.models import WebhookEndpoint
from codevance_api.webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/hooks"


class Boom(Exception):
    pass


def _log_text() -> str:
    return json.dumps(list(ControlChange.objects.values_list("changes", flat=True)))


def test_registering_an_endpoint_writes_one_created_row_without_the_secret(operator):
    endpoint = services.webhook_endpoint_create(actor=operator, url=URL, events=["anticipation.approved"])
    row = ControlChange.objects.get()
    assert (row.actor_id, row.action, row.object_type, row.object_id, row.changes) == (
        operator.pk, "created", "webhook_endpoint", endpoint.pk,
        {"before": {}, "after": {"url": URL, "events": ["anticipation.approved"], "active": True}},
    )
    assert endpoint.secret not in _log_text()


def test_changing_an_endpoint_writes_one_row_with_what_it_was(operator):
    endpoint = WebhookEndpointFactory(events=["anticipation.approved"])
    services.webhook_endpoint_update(actor=operator, endpoint_id=endpoint.pk, url=URL, events=["budget.exhausted"],
                                     active=False)
    row = ControlChange.objects.get()
    assert (row.action, row.object_id, row.changes) == ("changed", endpoint.pk, {
        "before": {"events": ["anticipation.approved"], "active": True},
        "after": {"events": ["budget.exhausted"], "active": False},
    })
    assert endpoint.secret not in _log_text()


def test_deleting_an_endpoint_writes_one_row_with_its_fields_before(operator):
    endpoint = WebhookEndpointFactory()
    services.webhook_endpoint_delete(actor=operator, endpoint_id=endpoint.pk)
    row = ControlChange.objects.get()
    assert (row.action, row.object_id, row.changes["after"], row.changes["before"]["url"]) == (
        "deleted", endpoint.pk, {}, URL
    )
    assert "secret" not in row.changes["before"] and endpoint.secret not in _log_text()


def test_a_refused_registration_writes_no_row(operator):
    with pytest.raises(ApplicationError):
        services.webhook_endpoint_create(actor=operator, url="http://10.0.0.1/hook", events=["anticipation.approved"])
    assert not ControlChange.objects.exists()


@pytest.mark.parametrize("change", ["create", "update", "rotate", "delete"])
def test_an_endpoint_change_rolled_back_after_its_row_leaves_neither(operator, monkeypatch, change):
    endpoint = WebhookEndpointFactory(url=URL)
    real = services.control_log_record

    def record_then_fail(**kwargs):
        real(**kwargs)
        raise Boom

    monkeypatch.setattr(services, "control_log_record", record_then_fail)
    calls = {
        "create": lambda: services.webhook_endpoint_create(actor=operator, url=URL, events=["budget.exhausted"]),
        "update": lambda: services.webhook_endpoint_update(
            actor=operator, endpoint_id=endpoint.pk, url=URL, events=["budget.exhausted"], active=False
        ),
        "rotate": lambda: services.webhook_endpoint_rotate_secret(actor=operator, endpoint_id=endpoint.pk),
        "delete": lambda: services.webhook_endpoint_delete(actor=operator, endpoint_id=endpoint.pk),
    }
    with pytest.raises(Boom):
        calls[change]()
    assert not ControlChange.objects.exists()
    assert list(WebhookEndpoint.objects.values_list("pk", "active", "secret")) == [
        (endpoint.pk, True, endpoint.secret)
    ]


def test_rotating_a_secret_writes_one_row_without_either_secret(operator):
    endpoint = WebhookEndpointFactory()
    rotated = services.webhook_endpoint_rotate_secret(actor=operator, endpoint_id=endpoint.pk, expire_previous_in=3600)
    services.webhook_endpoint_rotate_secret(actor=operator, endpoint_id=endpoint.pk, expire_previous_in=0)
    first, second = ControlChange.objects.order_by("id")
    assert (first.actor_id, first.action, first.object_type, first.object_id, first.changes) == (
        operator.pk, "secret_rotated", "webhook_endpoint", endpoint.pk,
        {"before": {}, "after": {"previous_secret_expires_at": rotated.previous_secret_expires_at.isoformat()}},
    )
    assert second.changes == {"before": {}, "after": {"previous_secret_expires_at": None}}
    assert endpoint.secret not in _log_text() and rotated.secret not in _log_text()


def test_a_patch_through_the_api_writes_the_changed_fields_only(operator_client):
    created = operator_client.post("/api/webhooks/", {"url": URL, "events": ["budget.exhausted"]}, format="json")
    response = operator_client.patch(f"/api/webhooks/{created.json()['id']}/", {"active": False}, format="json")
    assert response.status_code == 200
    row = ControlChange.objects.order_by("id").last()
    assert (row.action, row.changes) == ("changed", {"before": {"active": True}, "after": {"active": False}})


def test_the_admin_and_the_api_write_the_rows_and_the_secret_never_appears(client, operator_client):
    operator = UserFactory(is_operator=True, is_staff=True)
    client.force_login(operator)
    assert client.post(reverse("admin:webhooks_webhookendpoint_add"),
                       {"url": URL, "events": ["anticipation.approved"], "active": "on"}).status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert client.post(reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]),
                       {"url": URL, "events": ["anticipation.approved"]}).status_code == 302  # switched off
    created = operator_client.post("/api/webhooks/", {"url": URL, "events": ["budget.exhausted"]}, format="json")
    assert operator_client.delete(f"/api/webhooks/{created.json()['id']}/").status_code == 204
    rows = list(ControlChange.objects.order_by("id").values_list("action", "object_id"))
    assert rows == [("created", endpoint.pk), ("changed", endpoint.pk), ("created", created.json()["id"]),
                    ("deleted", created.json()["id"])]
    assert ControlChange.objects.filter(object_id=endpoint.pk).first().actor_id == operator.pk
    text = _log_text() + operator_client.get("/api/control-log/").content.decode()
    assert endpoint.secret not in text and created.json()["secret"] not in text and "whsec_" not in text
