"""PATCH /api/webhooks/{id}/ and POST /api/webhooks/{id}/rotate-secret/ (issue 16, point 5): operators change an
endpoint and roll its signing secret."""

from datetime import timedelta

import pytest
from django.utils import timezone

from codevance_api.webhooks.models import WebhookEndpoint
from codevance_api.webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db

EVENTS = ["anticipation.approved", "anticipation.denied"]


def _patch(client, endpoint_id, body, **extra):
    return client.patch(f"/api/webhooks/{endpoint_id}/", body, format="json", **extra)


def _rotate(client, endpoint_id, body=None, **extra):
    return client.post(f"/api/webhooks/{endpoint_id}/rotate-secret/", body or {}, format="json", **extra)


# --- PATCH: unhappy paths ------------------------------------------------------------------------


@pytest.mark.parametrize("body", [{}, {"active": False}, {"url": "x"}, {"secret": "whsec_mine"}])
def test_a_supplier_cannot_change_an_endpoint_whatever_the_body(supplier_client, body):
    endpoint = WebhookEndpointFactory()
    response = _patch(supplier_client, endpoint.pk, body)
    assert response.status_code == 403 and response.json()["code"] == "operators_only"
    assert WebhookEndpoint.objects.get().active is True


def test_a_supplier_cannot_rotate_a_secret(supplier_client):
    endpoint = WebhookEndpointFactory()
    response = _rotate(supplier_client, endpoint.pk, {"expire_previous_in": "not a number"})
    assert response.status_code == 403 and response.json()["code"] == "operators_only"
    assert WebhookEndpoint.objects.get().secret == endpoint.secret


@pytest.mark.parametrize(
    "body, field, code",
    [
        ({"events": []}, "events", None),
        ({"events": ["payment.created"]}, "events", None),
        ({"events": ["anticipation.approved", "anticipation.approved"]}, "events", "duplicate"),
        ({"url": "http://10.0.0.1/hook"}, "url", "url_not_allowed"),
        ({"url": "http://169.254.169.254/latest/meta-data/"}, "url", "url_not_allowed"),
        ({"url": "ftp://127.0.0.1/"}, "url", "url_not_allowed"),
        ({"url": "https://no-such-host.example.com/hook"}, "url", "url_unresolvable"),
        ({"url": "http://127.0.0.1:9/" + "a" * 2000}, "url", None),
        ({"active": "perhaps"}, "active", None),
        ({"secret": "whsec_mine"}, "secret", None),
        ({"created_by": 1, "active": False}, "created_by", None),
        ({"previous_secret_expires_at": None}, "previous_secret_expires_at", None),
    ],
)
def test_bad_changes_are_400s_naming_the_field_and_change_nothing(operator_client, fake_dns, body, field, code):
    endpoint = WebhookEndpointFactory(events=["budget.exhausted"])
    response = _patch(operator_client, endpoint.pk, body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    if code:
        assert response.json()["code"] == code
    endpoint_after = WebhookEndpoint.objects.get()
    assert (endpoint_after.url, endpoint_after.events, endpoint_after.active) == (
        endpoint.url, ["budget.exhausted"], True
    )


def test_an_empty_change_is_a_400(operator_client):
    endpoint = WebhookEndpointFactory()
    response = _patch(operator_client, endpoint.pk, {})
    assert response.status_code == 400 and response.json()["code"] == "nothing_to_change"


def test_a_change_body_that_is_not_an_object_is_a_400(operator_client):
    endpoint = WebhookEndpointFactory()
    assert _patch(operator_client, endpoint.pk, ["active"]).status_code == 400


@pytest.mark.parametrize("endpoint_id", [987654, 2**63 - 1])
def test_changing_or_rotating_an_unknown_endpoint_is_a_404(operator_client, endpoint_id):
    assert _patch(operator_client, endpoint_id, {"active": False}).status_code == 404
    assert _rotate(operator_client, endpoint_id).status_code == 404


def test_production_refuses_an_http_url_on_change(operator_client, production_addresses):
    endpoint = WebhookEndpointFactory(url="https://127.0.0.1/hook")
    response = _patch(operator_client, endpoint.pk, {"url": "http://127.0.0.1:9/"})
    assert response.status_code == 400 and response.json()["code"] == "url_not_allowed"


def test_put_is_not_offered(operator_client):
    endpoint = WebhookEndpointFactory()
    response = operator_client.put(f"/api/webhooks/{endpoint.pk}/", {"url": endpoint.url, "events": EVENTS},
                                   format="json")
    assert response.status_code == 405


# --- PATCH: happy paths -------------------------------------------------------------------------


def test_an_operator_changes_url_events_and_active_and_the_secret_stays(operator_client):
    endpoint = WebhookEndpointFactory()
    response = _patch(operator_client, endpoint.pk,
                      {"url": "http://127.0.0.1:8/new", "events": EVENTS, "active": False})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["url"], body["events"], body["active"]) == ("http://127.0.0.1:8/new", EVENTS, False)
    assert "secret" not in body
    endpoint_after = WebhookEndpoint.objects.get()
    assert (endpoint_after.url, endpoint_after.events, endpoint_after.active) == ("http://127.0.0.1:8/new", EVENTS,
                                                                                  False)
    assert endpoint_after.secret == endpoint.secret


def test_a_change_keeps_what_it_does_not_name(operator_client):
    endpoint = WebhookEndpointFactory(events=["budget.exhausted"])
    response = _patch(operator_client, endpoint.pk, {"active": False})
    assert response.status_code == 200
    assert response.json()["events"] == ["budget.exhausted"] and response.json()["url"] == endpoint.url


def test_a_change_sent_again_with_its_key_is_answered_from_the_store(operator_client):
    endpoint = WebhookEndpointFactory()
    first = _patch(operator_client, endpoint.pk, {"active": False}, HTTP_IDEMPOTENCY_KEY="change-1")
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=True)
    again = _patch(operator_client, endpoint.pk, {"active": False}, HTTP_IDEMPOTENCY_KEY="change-1")
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert WebhookEndpoint.objects.get().active is True  # not done again


# --- Rotation -----------------------------------------------------------------------------------


@pytest.mark.parametrize("seconds", [-1, 86401, "soon", 1.5, None, True])
def test_a_grace_outside_0_to_86400_seconds_is_a_400_and_the_secret_stays(operator_client, seconds):
    endpoint = WebhookEndpointFactory()
    response = _rotate(operator_client, endpoint.pk, {"expire_previous_in": seconds})
    assert response.status_code == 400, response.content
    assert "expire_previous_in" in response.json()["errors"]
    assert WebhookEndpoint.objects.get().secret == endpoint.secret


def test_a_rotation_body_with_unknown_fields_is_a_400(operator_client):
    endpoint = WebhookEndpointFactory()
    response = _rotate(operator_client, endpoint.pk, {"secret": "whsec_mine"})
    assert response.status_code == 400 and "secret" in response.json()["errors"]


def test_a_rotation_answers_the_new_secret_once_and_keeps_the_old_one_24_hours(frozen_today, operator_client):
    endpoint = WebhookEndpointFactory()
    response = _rotate(operator_client, endpoint.pk)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_") and body["secret"] != endpoint.secret
    rotated = WebhookEndpoint.objects.get()
    assert (rotated.secret, rotated.previous_secret) == (body["secret"], endpoint.secret)
    assert rotated.previous_secret_expires_at == timezone.now() + timedelta(hours=24)
    assert body["previous_secret_expires_at"] == "2024-09-16T12:00:00-03:00"
    shown = operator_client.get(f"/api/webhooks/{endpoint.pk}/").json()
    assert "secret" not in shown and shown["previous_secret_expires_at"] == "2024-09-16T12:00:00-03:00"
    assert endpoint.secret not in response.content.decode()  # the old secret is never answered


def test_a_rotation_with_no_grace_drops_the_old_secret_at_once(operator_client):
    endpoint = WebhookEndpointFactory()
    body = _rotate(operator_client, endpoint.pk, {"expire_previous_in": 0}).json()
    rotated = WebhookEndpoint.objects.get()
    assert body["previous_secret_expires_at"] is None
    assert (rotated.previous_secret, rotated.previous_secret_expires_at) == ("", None)
    assert rotated.secret == body["secret"] != endpoint.secret


def test_a_second_rotation_keeps_only_the_secret_it_replaces(operator_client):
    endpoint = WebhookEndpointFactory()
    first = _rotate(operator_client, endpoint.pk, {"expire_previous_in": 3600}).json()
    second = _rotate(operator_client, endpoint.pk, {"expire_previous_in": 60}).json()
    rotated = WebhookEndpoint.objects.get()
    assert rotated.previous_secret == first["secret"] and rotated.secret == second["secret"]
    assert endpoint.secret not in {rotated.secret, rotated.previous_secret}


def test_a_rotation_sent_again_with_its_key_rotates_once(operator_client):
    endpoint = WebhookEndpointFactory()
    first = _rotate(operator_client, endpoint.pk, HTTP_IDEMPOTENCY_KEY="rotate-1")
    again = _rotate(operator_client, endpoint.pk, HTTP_IDEMPOTENCY_KEY="rotate-1")
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert WebhookEndpoint.objects.get().previous_secret == endpoint.secret  # rotated once, not twice


@pytest.mark.parametrize("method", ["post", "patch"])
@pytest.mark.parametrize("items", [["anticipation.approved"] * 5, ["x"] * 200_000, [[]] * 200_000])
def test_an_events_list_longer_than_the_events_there_are_is_refused_before_any_item_is_read(
    operator_client, method, items
):
    endpoint = WebhookEndpointFactory(events=["anticipation.approved"])
    path = "/api/webhooks/" if method == "post" else f"/api/webhooks/{endpoint.pk}/"
    body = {"url": "http://127.0.0.1:8/hook", "events": items}

    response = getattr(operator_client, method)(path, body, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["events"]
    assert len(response.json()["errors"]["events"]) == 1  # one error for the list, not one per item
    assert len(response.content) < 1000
    assert list(WebhookEndpoint.objects.values_list("events", flat=True)) == [["anticipation.approved"]]


def test_the_service_counts_events_before_reading_them(operator):
    from codevance_api.core.errors import ValidationFailed
    from codevance_api.webhooks.services import webhook_endpoint_create

    with pytest.raises(ValidationFailed) as caught:
        webhook_endpoint_create(actor=operator, url="http://127.0.0.1:8/hook", events=[object()] * 100_000)
    assert (caught.value.field, caught.value.code) == ("events", "max_length")
