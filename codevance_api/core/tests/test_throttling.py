import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.test import RequestFactory

from codevance_api.conftest import service_missing
from codevance_api.core.net import client_ip

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def set_rates(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }


def test_token_endpoint_answers_429_with_retry_after_past_its_rate(api_client, settings):
    set_rates(settings, auth="3/min")
    codes = [api_client.post("/api/token/", {}, format="json").status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]
    response = api_client.post("/api/token/", {}, format="json")
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60


@pytest.mark.parametrize("url", ["/api/token/refresh/", "/api/token/logout/"])
def test_refresh_and_logout_share_the_auth_rate(api_client, settings, url):
    set_rates(settings, auth="2/min")
    api_client.post("/api/token/", {}, format="json")
    api_client.post(url, {}, format="json")
    assert api_client.post(url, {}, format="json").status_code == 429


def test_writes_are_throttled_per_user(supplier_client, other_supplier_client, settings):
    set_rates(settings, writes="2/min")
    body = {"due_date": "2030-01-01", "value": "10.00"}
    assert [supplier_client.post("/api/payments/", body, format="json").status_code for _ in range(3)] == [
        201,
        201,
        429,
    ]
    assert other_supplier_client.post("/api/payments/", body, format="json").status_code == 201


def test_reads_do_not_count_against_the_write_rate(supplier_client, settings):
    set_rates(settings, writes="1/min")
    for _ in range(3):
        assert supplier_client.get("/api/payments/").status_code == 200
    body = {"due_date": "2030-01-01", "value": "1.00"}
    assert supplier_client.post("/api/payments/", body, format="json").status_code == 201


def test_throttled_write_changes_nothing(supplier_client, supplier, settings):
    set_rates(settings, writes="1/min")
    body = {"due_date": "2030-01-01", "value": "10.00"}
    supplier_client.post("/api/payments/", body, format="json")
    assert supplier_client.post("/api/payments/", body, format="json").status_code == 429
    assert supplier.payments.count() == 1


def test_spoofed_forwarded_for_does_not_reset_the_address_rate(api_client, settings):
    set_rates(settings, auth="2/min")
    settings.TRUSTED_PROXY_COUNT = 0
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    codes = [
        api_client.post("/api/token/", {}, format="json", HTTP_X_FORWARDED_FOR=f"10.9.8.{n}").status_code
        for n in range(3)
    ]
    assert codes[-1] == 429


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "1.2.3.4", "192.0.2.1"),
        (1, "", "192.0.2.1"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),
        (1, "203.0.113.5", "203.0.113.5"),
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "203.0.113.5", "203.0.113.5"),
    ],
)
def test_client_address_uses_forwarded_for_only_as_far_as_the_trusted_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": "192.0.2.1"}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(RequestFactory().get("/", **meta)) == expected


WORKER = """
import json, sys
import django
django.setup()
from rest_framework.test import APIClient
client = APIClient()
codes = [client.post("/api/token/", {}, format="json").status_code for _ in range(int(sys.argv[1]))]
print(json.dumps(codes))
"""


def run_worker(env, requests):
    result = subprocess.run(
        [sys.executable, "-c", WORKER, str(requests)], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_two_workers_share_the_rate_through_redis(tmp_path):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        service_missing(f"needs Redis at {REDIS_URL} for the shared throttle cache")
    prefix = f"throttle-test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "codevance_api.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "THROTTLE_AUTH_RATE": "5/min",
        "LOG_LEVEL": "ERROR",
    }
    try:
        first = run_worker(env, 3)
        second = run_worker(env, 3)
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
    assert first == [400, 400, 400]
    assert second == [400, 400, 429]


@pytest.mark.parametrize("forwarded", [",", " , ,", "   "])
def test_an_empty_forwarded_for_list_falls_back_to_the_socket_address(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == "192.0.2.1"


@pytest.mark.parametrize("language,expected", [
    ("pt-br", "Muitas requisições: tente novamente em {wait} segundos."),
    ("en", "Too many requests: try again in {wait} seconds."),
])
def test_a_throttled_answer_says_when_to_retry_in_the_clients_language(api_client, settings, language, expected):
    set_rates(settings, auth="1/min")
    api_client.post("/api/token/", {}, format="json", HTTP_ACCEPT_LANGUAGE=language)
    response = api_client.post("/api/token/", {}, format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert response.json() == {"code": "throttled", "message": expected.format(wait=wait)}
    assert "diponível" not in response.content.decode()
