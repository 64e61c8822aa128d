import socket

import pytest
from django.db import connections
from django.db.utils import OperationalError

from codevance_api.conftest import service_missing

pytestmark = pytest.mark.django_db

RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672//"


@pytest.fixture
def closed_port():
    """A port bound for the whole test and never listened on: connections to it are refused. (A port
    found free and released at once could be taken by another process before the test uses it.)"""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_healthz_answers_ok_without_a_token(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ok_with_the_database_and_no_broker(client, settings):
    settings.CELERY_BROKER_URL = "memory://"
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["broker"]["status"] == "skipped"


def test_readyz_is_503_when_the_database_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["database"] == {"status": "down"}


def test_healthz_stays_ok_when_the_database_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    assert client.get("/healthz").status_code == 200


def test_readyz_is_503_when_the_broker_is_down(client, settings, closed_port):
    settings.CELERY_BROKER_URL = f"amqp://guest:guest@127.0.0.1:{closed_port}//"
    settings.READYZ_TIMEOUT = 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {"status": "down"}
    assert response.json()["checks"]["database"] == {"status": "ok"}


@pytest.mark.rabbitmq
def test_readyz_is_ok_with_a_reachable_broker(client, settings):
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=1).close()
    except OSError:
        service_missing("needs RabbitMQ on 127.0.0.1:5672")
    settings.CELERY_BROKER_URL = RABBITMQ_URL
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == {"status": "ok"}


def test_probes_are_exempt_from_the_ssl_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/payments/").status_code == 301


def test_probes_only_answer_get(client):
    assert client.post("/healthz").status_code == 405
