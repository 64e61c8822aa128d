"""The lists' `count` stays exact with the count cache on (core/list_counts.py): after every kind of
write, per visibility scope, per filter and per day, and never across suppliers."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from codevance_api.conftest import authenticated_client, service_missing
from codevance_api.core import list_counts
from codevance_api.payments.models import AnticipationStatus, Payment, RequestLog
from codevance_api.payments.tests.factories import AnticipationFactory, PaymentFactory

pytestmark = pytest.mark.django_db

PAYMENT_URLS = ["/api/payments/"] + [f"/api/payments/?status={s}" for s in ("A", "U", "PC", "AN", "D")]
LIST_URLS = PAYMENT_URLS + ["/api/anticipations/", "/api/anticipations/?status=PC", "/api/logs/"]


@pytest.fixture
def cached_counts(settings):
    settings.LIST_COUNT_CACHE_SECONDS = 60


def counts(client, urls=LIST_URLS):
    return {url: client.get(url).json()["count"] for url in urls}


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return sum('COUNT(' in q["sql"].upper() for q in captured.captured_queries)


@pytest.fixture
def two_suppliers_data(frozen_today, supplier, other_supplier):
    for owner in (supplier, other_supplier):
        PaymentFactory.create_batch(2, supplier=owner, due_date=frozen_today + timedelta(days=20))
        AnticipationFactory(payment__supplier=owner, status=AnticipationStatus.APPROVED)
        AnticipationFactory(payment__supplier=owner, status=AnticipationStatus.DENIED)
        AnticipationFactory(payment__supplier=owner)
    PaymentFactory(supplier=other_supplier, due_date=frozen_today + timedelta(days=3))


def expected_counts(user_client_counts, **changes):
    return {url: user_client_counts[url] + changes.get(url, 0) for url in user_client_counts}


def test_caching_is_off_without_a_shared_cache_so_every_page_counts(frozen_today, supplier_client, supplier):
    PaymentFactory(supplier=supplier)
    assert list_counts.cache_seconds() == 0
    assert count_queries(supplier_client, "/api/payments/") == 1
    assert count_queries(supplier_client, "/api/payments/") == 1


def test_a_second_read_is_served_from_the_cache(cached_counts, two_suppliers_data, supplier_client):
    assert count_queries(supplier_client, "/api/payments/?status=A") == 1
    assert count_queries(supplier_client, "/api/payments/?status=A") == 0
    assert count_queries(supplier_client, "/api/payments/?status=A&ordering=-value&page_size=3") == 0


def test_a_new_filter_value_is_counted_on_its_own(cached_counts, two_suppliers_data, supplier_client):
    before = supplier_client.get("/api/payments/?status=A").json()["count"]
    assert supplier_client.get("/api/payments/?status=AN").json()["count"] != before
    assert supplier_client.get("/api/payments/?status=A&value_min=999999999").json()["count"] == 0


def test_count_is_exact_after_a_payment_is_registered(
    cached_counts, two_suppliers_data, supplier_client, operator_client, django_capture_on_commit_callbacks
):
    supplier_before, operator_before = counts(supplier_client), counts(operator_client)
    with django_capture_on_commit_callbacks(execute=True):
        response = supplier_client.post("/api/payments/", {"due_date": "2024-10-30", "value": "10.00"}, format="json")
    assert response.status_code == 201
    changes = {"/api/payments/": 1, "/api/payments/?status=A": 1}
    assert counts(supplier_client) == expected_counts(supplier_before, **changes)
    assert counts(operator_client) == expected_counts(operator_before, **changes)


def test_count_is_exact_after_an_anticipation_is_requested(
    cached_counts, two_suppliers_data, supplier, supplier_client, operator_client, django_capture_on_commit_callbacks
):
    payment = Payment.objects.filter(supplier=supplier, anticipation__isnull=True).first()
    supplier_before, operator_before = counts(supplier_client), counts(operator_client)
    with django_capture_on_commit_callbacks(execute=True):
        response = supplier_client.post(
            "/api/anticipations/", {"payment": payment.pk, "new_due_date": "2024-09-20"}, format="json"
        )
    assert response.status_code == 201
    changes = {"/api/payments/?status=A": -1, "/api/payments/?status=PC": 1, "/api/anticipations/": 1,
               "/api/anticipations/?status=PC": 1, "/api/logs/": 1}
    assert counts(supplier_client) == expected_counts(supplier_before, **changes)
    assert counts(operator_client) == expected_counts(operator_before, **changes)


@pytest.mark.parametrize("decision, payment_status", [("A", "AN"), ("D", "D")])
def test_count_is_exact_after_an_anticipation_is_decided(
    cached_counts, two_suppliers_data, supplier, supplier_client, operator_client, django_capture_on_commit_callbacks,
    decision, payment_status,
):
    pending = supplier.payments.filter(anticipation__status=AnticipationStatus.PENDING_CONFIRMATION).get().anticipation
    supplier_before, operator_before = counts(supplier_client), counts(operator_client)
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.patch(f"/api/anticipations/{pending.pk}/", {"status": decision}, format="json")
    assert response.status_code == 200
    changes = {"/api/payments/?status=PC": -1, f"/api/payments/?status={payment_status}": 1,
               "/api/anticipations/?status=PC": -1, "/api/logs/": 1}
    assert counts(supplier_client) == expected_counts(supplier_before, **changes)
    assert counts(operator_client) == expected_counts(operator_before, **changes)


def test_count_is_exact_after_a_batch_of_anticipations(
    cached_counts, two_suppliers_data, supplier, supplier_client, django_capture_on_commit_callbacks
):
    available = list(Payment.objects.filter(supplier=supplier, anticipation__isnull=True).values_list("pk", flat=True))
    before = counts(supplier_client)
    with django_capture_on_commit_callbacks(execute=True):
        response = supplier_client.post(
            "/api/anticipations/batch/", {"payments": available, "new_due_date": "2024-09-20"}, format="json"
        )
    assert response.status_code == 201
    n = len(available)
    assert counts(supplier_client) == expected_counts(
        before, **{"/api/payments/?status=A": -n, "/api/payments/?status=PC": n, "/api/anticipations/": n,
                   "/api/anticipations/?status=PC": n, "/api/logs/": n}
    )


def test_another_suppliers_write_neither_leaks_into_nor_recounts_a_suppliers_lists(
    cached_counts, two_suppliers_data, supplier, other_supplier, supplier_client, other_supplier_client,
    django_capture_on_commit_callbacks,
):
    before = counts(supplier_client)
    payment = Payment.objects.filter(supplier=other_supplier, anticipation__isnull=True).first()
    with django_capture_on_commit_callbacks(execute=True):
        other_supplier_client.post("/api/payments/", {"due_date": "2024-10-30", "value": "10.00"}, format="json")
        other_supplier_client.post(
            "/api/anticipations/", {"payment": payment.pk, "new_due_date": "2024-09-20"}, format="json"
        )
    assert counts(supplier_client) == before
    # Still served from the cache: the other supplier's writes did not renew this supplier's scope.
    assert all(count_queries(supplier_client, url) == 0 for url in LIST_URLS)


def test_each_supplier_and_the_operator_get_their_own_count_from_a_warm_cache(
    cached_counts, two_suppliers_data, supplier, other_supplier, supplier_client, other_supplier_client,
    operator_client,
):
    # Warm every scope in turn; then each must still see exactly its own rows.
    for client in (operator_client, other_supplier_client, supplier_client):
        counts(client)
    for client, owner in ((supplier_client, supplier), (other_supplier_client, other_supplier)):
        assert client.get("/api/payments/").json()["count"] == Payment.objects.filter(supplier=owner).count()
    assert operator_client.get("/api/payments/").json()["count"] == Payment.objects.count()
    assert supplier_client.get("/api/payments/").json()["count"] != other_supplier_client.get(
        "/api/payments/").json()["count"]


def test_the_day_is_part_of_the_key_so_a_payment_falling_due_moves_from_a_to_u(
    cached_counts, two_suppliers_data, other_supplier, other_supplier_client
):
    today = counts(other_supplier_client, PAYMENT_URLS)
    # The payment due in 3 days is due then: A -> U, with no write at all.
    with time_machine.travel("2024-09-18 12:00:00-03:00", tick=False):
        later = counts(authenticated_client(other_supplier.user), PAYMENT_URLS)
    assert later["/api/payments/?status=A"] < today["/api/payments/?status=A"]
    assert later["/api/payments/?status=U"] > today["/api/payments/?status=U"]


def test_a_lost_generation_is_replaced_and_the_count_recomputed(
    cached_counts, two_suppliers_data, supplier, supplier_client
):
    before = supplier_client.get("/api/payments/").json()["count"]
    # A payment written behind the services' back (nothing renewed), then the generation evicted.
    PaymentFactory(supplier=supplier)
    cache.delete(f"list-count:gen:{list_counts.supplier_scope(supplier.pk)}")
    assert supplier_client.get("/api/payments/").json()["count"] == before + 1


def test_a_cache_outage_costs_a_count_query_not_the_request(
    cached_counts, two_suppliers_data, supplier, supplier_client, monkeypatch
):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", down)
    monkeypatch.setattr(cache, "set_many", down)
    response = supplier_client.get("/api/payments/")
    assert response.status_code == 200
    assert response.json()["count"] == Payment.objects.filter(supplier=supplier).count()


def test_a_write_whose_generation_cannot_be_renewed_still_succeeds(
    cached_counts, frozen_today, supplier_client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(cache, "set_many", lambda *a, **k: (_ for _ in ()).throw(ConnectionError("cache down")))
    with django_capture_on_commit_callbacks(execute=True):
        response = supplier_client.post("/api/payments/", {"due_date": "2024-10-30", "value": "10.00"}, format="json")
    assert response.status_code == 201


def test_a_rolled_back_write_renews_nothing(cached_counts, frozen_today, supplier, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            list_counts.scopes_changed(supplier_ids=[supplier.pk])
            raise RuntimeError("rolled back")
    assert callbacks == []


def test_counts_stay_exact_with_redis_as_the_shared_cache(
    settings, two_suppliers_data, supplier, supplier_client, operator_client, django_capture_on_commit_callbacks
):
    import uuid

    import redis

    url = "redis://127.0.0.1:6379/2"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        service_missing(f"Redis is not reachable at {url}")
    from django.core.cache import caches

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                                   "KEY_PREFIX": f"test-{uuid.uuid4().hex}", "TIMEOUT": 60}}
    settings.LIST_COUNT_CACHE_SECONDS = 60
    try:
        before = counts(supplier_client)
        assert count_queries(supplier_client, "/api/payments/?status=A") == 0
        payment = Payment.objects.filter(supplier=supplier, anticipation__isnull=True).first()
        with django_capture_on_commit_callbacks(execute=True):
            supplier_client.post("/api/anticipations/", {"payment": payment.pk, "new_due_date": "2024-09-20"},
                                 format="json")
        assert counts(supplier_client) == expected_counts(
            before, **{"/api/payments/?status=A": -1, "/api/payments/?status=PC": 1, "/api/anticipations/": 1,
                       "/api/anticipations/?status=PC": 1, "/api/logs/": 1}
        )
        assert operator_client.get("/api/logs/").json()["count"] == RequestLog.objects.count()
    finally:
        caches["default"].clear()


@pytest.mark.parametrize("env, expected", [
    ({}, 0),
    ({"REDIS_URL": "redis://127.0.0.1:6379/2"}, 60),
    ({"REDIS_URL": "redis://127.0.0.1:6379/2", "LIST_COUNT_CACHE_SECONDS": "0"}, 0),
])
def test_counts_are_cached_by_default_only_with_a_cache_every_process_shares(env, expected):
    import os
    import subprocess
    import sys
    from pathlib import Path

    base = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "LIST_COUNT_CACHE_SECONDS")}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.LIST_COUNT_CACHE_SECONDS)"],
        cwd=Path(__file__).resolve().parents[4], capture_output=True, text=True, timeout=60,
        env={**base, "DJANGO_SETTINGS_MODULE": "codevance_api.settings", "LOG_LEVEL": "ERROR", **env},
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip().splitlines()[-1]) == expected
