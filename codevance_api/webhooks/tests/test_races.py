"""Concurrent secret rotations and changes against PostgreSQL: the endpoint row's lock
(webhooks.services._locked_endpoint) orders them, so no rotation is lost and the kept previous secret is
always the one the last rotation replaced."""

import pytest

from codevance_api.accounts.tests.factories import UserFactory
from codevance_api.conftest import authenticated_client
from codevance_api.payments.tests.test_races import _run_together
from codevance_api.webhooks.models import WebhookEndpoint
from codevance_api.webhooks.tests.factories import WebhookEndpointFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql,
              pytest.mark.usefixtures("postgresql_row_locks")]

THREADS = 6


@pytest.fixture
def slow_new_secret(monkeypatch):
    """Widen the window between the endpoint's read and its write (the new secret is made in between), so
    that without the row lock every rotation would read the same secret."""
    import time

    from codevance_api.webhooks import signing

    real = signing.new_secret

    def slow():
        time.sleep(0.1)
        return real()

    monkeypatch.setattr(signing, "new_secret", slow)


def test_concurrent_rotations_chain_one_after_the_other(slow_new_secret):
    endpoint = WebhookEndpointFactory()
    clients = [authenticated_client(UserFactory(is_operator=True)) for _ in range(THREADS)]
    responses = _run_together([
        lambda c=c: c.post(f"/api/webhooks/{endpoint.pk}/rotate-secret/", {"expire_previous_in": 3600},
                           format="json")
        for c in clients
    ])
    assert [getattr(r, "status_code", r) for r in responses] == [200] * THREADS
    answered = [r.json()["secret"] for r in responses]
    assert len(set(answered)) == THREADS
    final = WebhookEndpoint.objects.get()
    # Each rotation replaced the secret the one before it wrote: the last kept its predecessor's, never the
    # original one that every rotation would have read without the lock.
    assert final.secret in answered and final.previous_secret in answered
    assert final.previous_secret != endpoint.secret


def test_concurrent_changes_and_rotations_lose_nothing(slow_new_secret):
    endpoint = WebhookEndpointFactory(events=["budget.exhausted"])
    operator = UserFactory(is_operator=True)
    calls = [
        lambda c=authenticated_client(operator): c.patch(f"/api/webhooks/{endpoint.pk}/", {"active": False},
                                                         format="json"),
        lambda c=authenticated_client(operator): c.patch(f"/api/webhooks/{endpoint.pk}/",
                                                         {"events": ["anticipation.denied"]}, format="json"),
        lambda c=authenticated_client(operator): c.post(f"/api/webhooks/{endpoint.pk}/rotate-secret/", {},
                                                        format="json"),
    ]
    responses = _run_together(calls)
    assert [getattr(r, "status_code", r) for r in responses] == [200, 200, 200]
    final = WebhookEndpoint.objects.get()
    assert (final.active, final.events) == (False, ["anticipation.denied"])
    assert final.secret == responses[2].json()["secret"] and final.previous_secret == endpoint.secret
