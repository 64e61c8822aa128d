"""Every write of the API honours `Idempotency-Key`: the endpoints are read from the URL conf (as the
OpenAPI schema reads them), so a new POST, PUT or PATCH endpoint without IdempotentWritesMixin fails here."""

import re

import pytest
from drf_spectacular.generators import EndpointEnumerator

from codevance_api.idempotency.models import IdempotencyKey
from codevance_api.idempotency.views import WRITE_METHODS, IdempotentWritesMixin

pytestmark = pytest.mark.django_db

# Not business writes, and not scoped to a user: they take credentials (or a refresh token) in the body, and a
# replay would hand out stored tokens. A retry of them is harmless: it logs in again, or fails on a used token.
EXEMPT = {
    ("/api/token/", "POST"),
    ("/api/token/refresh/", "POST"),
    ("/api/token/logout/", "POST"),
}


def _write_endpoints():
    found = []
    for path, _regex, method, callback in EndpointEnumerator().get_api_endpoints():
        if method in WRITE_METHODS and path.startswith("/api/") and (path, method) not in EXEMPT:
            found.append((path, method, callback))
    return found


WRITE_ENDPOINTS = _write_endpoints()


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_the_known_writes_are_all_found():
    found = {(re.sub(r"\{[^}]+\}", "{id}", path), method) for path, method, _ in WRITE_ENDPOINTS}
    assert {
        ("/api/payments/", "POST"),
        ("/api/payments/quote/", "POST"),
        ("/api/anticipations/", "POST"),
        ("/api/anticipations/batch/", "POST"),
        ("/api/anticipations/{id}/", "PATCH"),
        ("/api/webhooks/", "POST"),
        ("/api/webhooks/{id}/", "PATCH"),
        ("/api/webhooks/{id}/rotate-secret/", "POST"),
    } <= found


@pytest.mark.parametrize("path, method, callback", WRITE_ENDPOINTS, ids=[f"{m} {p}" for p, m, _ in WRITE_ENDPOINTS])
def test_every_write_endpoint_uses_the_idempotency_mixin(path, method, callback):
    assert issubclass(callback.cls, IdempotentWritesMixin), f"{method} {path} ignores Idempotency-Key"


@pytest.mark.parametrize("path, method, callback", WRITE_ENDPOINTS, ids=[f"{m} {p}" for p, m, _ in WRITE_ENDPOINTS])
def test_every_write_endpoint_checks_and_replays_the_key(operator_client, path, method, callback):
    send = getattr(operator_client, method.lower())
    refused = send(_url(path), {}, format="json", HTTP_IDEMPOTENCY_KEY="not a key")
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_idempotency_key", refused.content
    first = send(_url(path), {}, format="json", HTTP_IDEMPOTENCY_KEY="every-write-1")
    again = send(_url(path), {}, format="json", HTTP_IDEMPOTENCY_KEY="every-write-1")
    assert again.status_code == first.status_code and again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert IdempotencyKey.objects.count() == 1
