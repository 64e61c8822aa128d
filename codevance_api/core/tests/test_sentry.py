import uuid

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from codevance_api.core.request_id import request_id_context
from codevance_api.core.sentry import init_sentry


class CapturingTransport(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.events = []

    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.type == "event":
                self.events.append(item.payload.json)


@pytest.fixture
def sentry_events():
    transport = CapturingTransport()
    init_sentry(
        dsn="https://public@sentry.invalid/1",
        environment="test",
        release="abc123",
        traces_sample_rate=0.0,
        transport=transport,
    )
    yield transport.events
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: reporting off again for the other tests


def test_sentry_runs_with_the_django_and_celery_integrations(sentry_events):
    client = sentry_sdk.get_client()
    assert {"django", "celery"} <= set(client.integrations)
    assert client.should_send_default_pii() is False
    assert client.options["include_local_variables"] is False


def test_reported_errors_carry_no_secrets_and_name_the_request(sentry_events):
    # Built at run time so that the values are not in the source lines the event quotes.
    values = [f"pw-{uuid.uuid4().hex}", f"eyJ.{uuid.uuid4().hex}", f"cnpj-{uuid.uuid4().hex}"]

    def fail(password, refresh, anything):
        raise RuntimeError("boom")

    with request_id_context("req-sentry-001"):
        try:
            fail(*values)
        except RuntimeError:
            sentry_sdk.capture_exception()
        sentry_sdk.set_context("login", {"password": values[0], "refresh": values[1], "cnpj": values[2]})
        sentry_sdk.capture_message("with context")
    sentry_sdk.flush()
    assert len(sentry_events) == 2
    text = repr(sentry_events)
    for secret in values:
        assert secret not in text
    event = sentry_events[0]
    assert event["tags"]["request_id"] == "req-sentry-001"
    assert event["environment"] == "test"


@pytest.mark.django_db
def test_a_failing_request_reaches_sentry_without_the_token_or_the_body(sentry_events, settings, monkeypatch):
    from rest_framework.test import APIClient

    from codevance_api.payments import views

    def explode(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(views.services, "payment_create", explode)
    from codevance_api.accounts.tests.factories import UserFactory
    from codevance_api.conftest import authenticated_client

    client: APIClient = authenticated_client(UserFactory(is_operator=True))
    client.raise_request_exception = False
    token = client._credentials["HTTP_AUTHORIZATION"]
    response = client.post("/api/payments/", {"supplier": 1, "due_date": "2030-01-01", "value": "1.00"}, format="json")
    assert response.status_code == 500
    sentry_sdk.flush()
    assert sentry_events, "the error was not reported"
    text = repr(sentry_events[-1])
    assert token.split()[1] not in text
    assert "2030-01-01" not in text  # no request body
